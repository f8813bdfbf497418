import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { Placeholder, renderDefinition, renderForCloudFormation } from '../../core/placeholders';
import type { AwsClient } from '../../run/pipeline-run';
import { parameterProblems } from '../../run/pipeline-run';
import { withRetry, type RetryOptions } from '../../run/retry';
import { loadPipelineSource } from './load-source';
import { inlineDefinition, type InlinedTemplate, stageTemplateFile, VPC_TEMPLATE_PARAMETERS } from './stage-template';
import { bucketOf, parseStageFile, STAGE_PIPELINE_PARAMETERS, type StageFile, type StageFileProblem } from './stage-file';

const name = z.string().min(1);
const commaList = z.string().transform((v) => v.split(',').map((x) => x.trim()).filter(Boolean)).pipe(z.array(name).min(1));
const target = z.strictObject({ region: name, pipelineName: name, roleArn: name, bucket: name });

/**
 * What the module tells the Build step (environment variable `PROMOTION`, JSON): where the repository keeps what,
 * where the releases go, and every target the definition is rendered for.
 */
export const promotionSettingsSchema = z.strictObject({
  /** The pipeline source, relative to the repository root. */
  pipelineSource: name,
  /** The folder of the ML scripts (uploaded as the release's code). */
  scriptsDir: name,
  /** The folder of the stage files `<stage>.json`. */
  configDir: name,
  /** The dev bucket that holds `releases/`, readable by the stage accounts. */
  releaseBucket: name,
  /** The dev account, the expected owner of the release bucket. */
  releaseBucketOwner: z.string().regex(/^\d{12}$/),
  modelPackageGroupName: name,
  dev: target,
  stages: z.array(target.extend({ name, account: z.string().regex(/^\d{12}$/), createModelPackageGroup: z.boolean() })).min(1),
  /**
   * The VPC of the jobs: the same ids in every account, or SSM parameter names each account resolves. With names,
   * dev's values come resolved by the module's stack (comma-separated), and each stage's template resolves its own:
   * the Build step writes `<stage>-template.json`, the stage template with the definition inlined.
   */
  vpc: z
    .union([
      z.strictObject({ subnetIds: z.array(name).min(1), securityGroupIds: z.array(name).min(1) }),
      z.strictObject({
        subnetIdsParameter: name,
        securityGroupIdsParameter: name,
        devSubnetIds: commaList,
        devSecurityGroupIds: commaList,
      }),
    ])
    .optional(),
  /** Tags of every stage stack (template configuration). */
  tags: z.record(z.string(), z.string()).default({}),
});
export type PromotionSettings = z.output<typeof promotionSettingsSchema>;

/** The file the Build step writes its exported variables to (`export NAME='value'` lines). */
export const VARIABLES_FILE = 'promotion-variables.env';
export const DEV_DEFINITION_FILE = 'dev-definition.json';
export const templateConfigurationFile = (stage: string) => `${stage}-template-configuration.json`;
export { inlineDefinition, type InlinedTemplate, MAX_INLINED_TEMPLATE_BYTES, stageTemplateFile, VPC_TEMPLATE_PARAMETERS } from './stage-template';


/** Every problem of a release, with the file and field it is in; thrown as one error. */
export class ReleaseError extends Error {
  constructor(readonly problems: readonly StageFileProblem[]) {
    super(`The release cannot be built:\n${problems.map((p) => `- ${p.file}: ${p.field} ${p.message}`).join('\n')}`);
    this.name = 'ReleaseError';
  }
}

export interface BuildReleaseOptions {
  readonly settings: PromotionSettings;
  /** The repository checkout. */
  readonly sourceDir: string;
  /** Where the template configurations, the dev definition and the variables go. */
  readonly outputDir: string;
  readonly s3: AwsClient;
  /** @default - stdout */
  readonly log?: (message: string) => void;
  /** @default - six attempts */
  readonly retry?: RetryOptions;
  /**
   * The pre-synthesized stage template (JSON): required when the VPC is given as SSM parameter names, since each
   * stage's definition is then inlined into it.
   *
   * @default - none
   */
  readonly stageTemplatePath?: string;
}

export interface ReleaseResult {
  /** The content hash of the dev definition (which holds the code's): what the dev run marker is keyed by. */
  readonly releaseId: string;
  readonly codePrefix: string;
  /** Stage name -> S3 key of its definition. */
  readonly definitionKeys: Record<string, string>;
  /** `s3://<bucket>/releases/dev-runs/<release id>.json`: written when the release succeeded in dev. */
  readonly devRunMarker: string;
}

function sha256(...parts: Array<string | Buffer>): string {
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p).update('\u0000');
  return hash.digest('hex');
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/**
 * Builds a release from the repository: validates every stage file (zod; a bad file fails with its field names),
 * renders the definition once per target (dev and each stage, each with its role, bucket and region), checks that
 * every stage value is a parameter of the definition with a matching type, uploads the scripts and the stage
 * definitions to the release bucket under content-hash keys, and writes each stage's CloudFormation template
 * configuration. Everything is checked before anything is uploaded.
 */
export async function buildRelease(options: BuildReleaseOptions): Promise<ReleaseResult> {
  const { settings, sourceDir, outputDir } = options;
  const log = options.log ?? ((m: string) => process.stdout.write(`[pipeline-promotion] ${m}\n`));
  const problems: StageFileProblem[] = [];

  // Stage files.
  const stageFiles = new Map<string, StageFile>();
  for (const stage of settings.stages) {
    const file = `${settings.configDir}/${stage.name}.json`;
    const path = join(sourceDir, file);
    if (!existsSync(path)) {
      problems.push({ file, field: '(file)', message: `is missing: every stage needs its file (${STAGE_PIPELINE_PARAMETERS.join(', ')}, ScheduleExpressionforPipeline)` });
      continue;
    }
    const parsed = parseStageFile(readFileSync(path, 'utf8'), file);
    if (parsed.ok) stageFiles.set(stage.name, parsed.value);
    else problems.push(...parsed.problems);
  }

  // The code: its hash is part of every definition (CodePrefix), so a script change is a new release.
  const scriptsDir = join(sourceDir, settings.scriptsDir);
  const scripts = existsSync(scriptsDir) && statSync(scriptsDir).isDirectory() ? filesUnder(scriptsDir) : [];
  if (scripts.length === 0) problems.push({ file: settings.scriptsDir, field: '(folder)', message: 'holds no scripts: the pipeline reads its code from there' });
  const codeHash = sha256(...scripts.flatMap((f) => [relative(scriptsDir, f).split(sep).join('/'), readFileSync(f)])).slice(0, 16);
  const codeKeyPrefix = `releases/code/${codeHash}/`;
  const codePrefix = `s3://${settings.releaseBucket}/${codeKeyPrefix.slice(0, -1)}`;

  // The definitions.
  const sourcePath = join(sourceDir, settings.pipelineSource);
  const definitions = new Map<string, string>();
  /** Stage -> its definition as `{"Fn::Sub": [...]}` (VPC from SSM parameter names only). */
  const inlined = new Map<string, ReturnType<typeof renderForCloudFormation>>();
  if (!existsSync(sourcePath)) {
    problems.push({ file: settings.pipelineSource, field: '(file)', message: 'is missing: it exports the SageMaker pipeline (see the README)' });
  } else {
    const targets = [{ stage: 'dev', ...settings.dev }, ...settings.stages.map((s) => ({ stage: s.name, ...s }))];
    const vpc = settings.vpc;
    const viaSsm = vpc !== undefined && 'subnetIdsParameter' in vpc;
    for (const t of targets) {
      const substitutions = { SageMakerRoleArn: t.roleArn, ArtifactBucket: t.bucket, ModelPackageGroupName: settings.modelPackageGroupName, CodePrefix: codePrefix };
      try {
        if (viaSsm && t.stage !== 'dev') {
          // The stage account resolves its own VPC: the definition holds placeholders that the stage template's
          // SSM-typed parameters fill (Fn::Sub), each list written as the JSON array elements "a","b".
          const placeholders = { subnets: [Placeholder.of(VPC_TEMPLATE_PARAMETERS.subnets).toString()], securityGroupIds: [Placeholder.of(VPC_TEMPLATE_PARAMETERS.securityGroups).toString()] };
          const pipeline = await loadPipelineSource(sourcePath, { stage: t.stage, region: t.region, pipelineName: t.pipelineName, vpc: placeholders });
          const joined = (parameter: string) => ({ 'Fn::Join': ['","', { Ref: parameter }] });
          let sub: ReturnType<typeof renderForCloudFormation>;
          try {
            sub = renderForCloudFormation(pipeline, {
              ...substitutions,
              [VPC_TEMPLATE_PARAMETERS.subnets]: joined(VPC_TEMPLATE_PARAMETERS.subnets),
              [VPC_TEMPLATE_PARAMETERS.securityGroups]: joined(VPC_TEMPLATE_PARAMETERS.securityGroups),
            });
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            if (!/has no placeholder/.test(message)) throw error;
            throw new Error(`the pipeline does not place its jobs in the VPC it is given (the target's vpc): ${message}`);
          }
          inlined.set(t.stage, sub);
          definitions.set(t.stage, sub['Fn::Sub'][0]);
        } else {
          const ids = vpc === undefined ? undefined : 'subnetIds' in vpc ? { subnets: vpc.subnetIds, securityGroupIds: vpc.securityGroupIds } : { subnets: vpc.devSubnetIds, securityGroupIds: vpc.devSecurityGroupIds };
          const pipeline = await loadPipelineSource(sourcePath, { stage: t.stage, region: t.region, pipelineName: t.pipelineName, vpc: ids });
          definitions.set(t.stage, renderDefinition(pipeline, { substitutions }));
        }
      } catch (error) {
        problems.push({ file: settings.pipelineSource, field: `(definition for ${t.stage})`, message: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  // Every stage value must be a parameter of the definition, with its type.
  for (const stage of settings.stages) {
    const values = stageFiles.get(stage.name);
    const definition = definitions.get(stage.name);
    if (!values || !definition) continue;
    const declared = (JSON.parse(definition) as { Parameters?: Array<{ Name: string; Type: string }> }).Parameters ?? [];
    const parameters = Object.fromEntries(STAGE_PIPELINE_PARAMETERS.map((p) => [p, values[p]]));
    for (const problem of parameterProblems(declared, parameters)) {
      problems.push({ file: `${settings.configDir}/${stage.name}.json`, field: problem.split(' ')[0], message: problem.slice(problem.indexOf(' ') + 1) });
    }
  }
  // With SSM-resolved VPC settings, each stage's template is the stage template with its definition inlined.
  const stageTemplates = new Map<string, InlinedTemplate>();
  if (inlined.size > 0) {
    const path = options.stageTemplatePath;
    if (!path || !existsSync(path)) {
      problems.push({ file: path ?? '(stage template)', field: '(file)', message: 'is missing: the VPC comes from SSM parameter names, so each stage definition is inlined into the stage template' });
    } else {
      for (const [stage, sub] of inlined) {
        const result = inlineDefinition(readFileSync(path, 'utf8'), sub);
        if ('template' in result) stageTemplates.set(stage, result);
        else problems.push({ file: path, field: `(template for ${stage})`, message: result.problem });
      }
    }
  }
  if (problems.length > 0) throw new ReleaseError(problems);

  // Upload: the code, then each stage's definition (content-addressed: an unchanged release rewrites the same keys).
  const put = (key: string, body: string | Buffer, contentType?: string) =>
    withRetry(
      () => options.s3.send(new PutObjectCommand({ Bucket: settings.releaseBucket, Key: key, Body: body, ContentType: contentType, ExpectedBucketOwner: settings.releaseBucketOwner })),
      options.retry,
    );
  for (const file of scripts) await put(`${codeKeyPrefix}${relative(scriptsDir, file).split(sep).join('/')}`, readFileSync(file));
  log(`code: ${scripts.length} file(s) to ${codePrefix}/`);
  const definitionKeys: Record<string, string> = {};
  for (const stage of settings.stages) {
    const body = definitions.get(stage.name)!;
    const key = `releases/definitions/${stage.name}/${sha256(body).slice(0, 16)}.json`;
    await put(key, body, 'application/json');
    definitionKeys[stage.name] = key;
    log(`definition of ${stage.pipelineName}: s3://${settings.releaseBucket}/${key}`);
  }

  // Outputs for the later actions.
  mkdirSync(outputDir, { recursive: true });
  const devDefinition = definitions.get('dev')!;
  const releaseId = sha256(devDefinition).slice(0, 16);
  writeFileSync(join(outputDir, DEV_DEFINITION_FILE), devDefinition);
  for (const stage of settings.stages) {
    const values = stageFiles.get(stage.name)!;
    const configuration = {
      Parameters: {
        StageName: stage.name,
        PipelineDefinitionKey: definitionKeys[stage.name],
        ...Object.fromEntries(STAGE_PIPELINE_PARAMETERS.map((p) => [p, values[p]])),
        InputDataBucket: bucketOf(values.InputDataUrl),
        BatchDataBucket: bucketOf(values.BatchDataUrl),
        ScheduleExpression: values.ScheduleExpressionforPipeline,
        CreateModelPackageGroup: String(stage.createModelPackageGroup),
      },
      Tags: { ...settings.tags, Environment: stage.name },
    };
    const template = stageTemplates.get(stage.name);
    if (template) {
      // The inlined template no longer declares the definition's key: CloudFormation refuses undeclared parameters.
      for (const name of template.removedParameters) delete (configuration.Parameters as Record<string, string>)[name];
      writeFileSync(join(outputDir, stageTemplateFile(stage.name)), template.template);
    }
    writeFileSync(join(outputDir, templateConfigurationFile(stage.name)), `${JSON.stringify(configuration, null, 2)}\n`);
  }
  const devRunMarker = `s3://${settings.releaseBucket}/releases/dev-runs/${releaseId}.json`;
  const variables = { RELEASE_ID: releaseId, CODE_PREFIX: codePrefix, DEV_RUN_MARKER: devRunMarker };
  writeFileSync(join(outputDir, VARIABLES_FILE), Object.entries(variables).map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'\n`).join(''));
  log(`release ${releaseId}: ${settings.stages.map((s) => templateConfigurationFile(s.name)).join(', ')} written`);
  return { releaseId, codePrefix, definitionKeys, devRunMarker };
}

