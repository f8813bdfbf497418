import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DUMMY_ACCOUNTS } from '@sagemaker-mlops/test-utils';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildRelease, DEV_DEFINITION_FILE, type PromotionSettings, ReleaseError, stageTemplateFile } from '../../src/bin/pipeline-promotion/build';
import { promotionMain } from '../../src/bin/pipeline-promotion/main';
import { inlineDefinition } from '../../src/bin/pipeline-promotion/stage-template';
import { BUCKET, PREPROD_STAGE, promotionSettings, role, STAGE_FILE } from './fixtures';

const s3 = mockClient(S3Client);
const SETTINGS: PromotionSettings = promotionSettings({
  stages: [
    PREPROD_STAGE,
  ],
  vpc: {
    subnetIdsParameter: '/mlops/vpc/subnet-ids',
    securityGroupIdsParameter: '/mlops/vpc/sg-ids',
    devSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
    devSecurityGroupIds: ['sg-0cccccccccccccccc'],
  },
  tags: {},
});

/** The part of the pre-synthesized stage template the Build step changes (the real one is tested by the app). */
const TEMPLATE = {
  Parameters: {
    PipelineDefinitionKey: { Type: 'String' },
    VpcSubnetIds: { Type: 'AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>', Default: '/mlops/vpc/subnet-ids' },
    VpcSecurityGroupIds: { Type: 'AWS::SSM::Parameter::Value<List<AWS::EC2::SecurityGroup::Id>>', Default: '/mlops/vpc/sg-ids' },
  },
  Resources: {
    Pipeline: { Type: 'AWS::SageMaker::Pipeline', Properties: { PipelineName: 'p', RoleArn: 'r', PipelineDefinition: { PipelineDefinitionS3Location: { Bucket: BUCKET, Key: { Ref: 'PipelineDefinitionKey' } } } } },
    Bucket: { Type: 'AWS::S3::Bucket' },
  },
};

function repository(pipelineUsesVpc = true): { dir: string; template: string } {
  const dir = mkdtempSync(join(tmpdir(), 'promotion-vpc-'));
  const pipelines = join(dir, 'pipelines', 'batch-inference');
  mkdirSync(join(pipelines, 'scripts'), { recursive: true });
  writeFileSync(
    join(pipelines, 'pipeline.ts'),
    [
      `import { batchInferencePipeline, Placeholder } from '@sagemaker-mlops/pipelines';`,
      `interface Target { stage: string; region: string; pipelineName: string; vpc?: { subnets: string[]; securityGroupIds: string[] } }`,
      `export default (t: Target) => batchInferencePipeline({ name: t.pipelineName, region: t.region, ${pipelineUsesVpc ? 'vpc: t.vpc, ' : ''}codePrefix: Placeholder.of('CodePrefix') });`,
    ].join('\n'),
  );
  writeFileSync(join(pipelines, 'scripts', 'preprocess.py'), 'print("preprocess")\n');
  mkdirSync(join(dir, 'config'));
  writeFileSync(join(dir, 'config', 'preprod.json'), JSON.stringify(STAGE_FILE));
  const template = join(dir, 'template-input', 'Stage.template.json');
  mkdirSync(join(dir, 'template-input'));
  writeFileSync(template, JSON.stringify(TEMPLATE));
  return { dir, template };
}

/**
 * Every step of a definition that places containers in a network (condition branches included), with its VPC
 * configuration. A Transform job has no VpcConfig of its own: it runs in its model's ("CreateTransformJob" takes
 * none; "CreateModel" VpcConfig, Amazon SageMaker API Reference), so the CreateModel step carries it.
 */
function jobSteps(definition: { Steps: any[] }) {
  const all = definition.Steps.flatMap((s: any) => [s, ...(s.Arguments?.IfSteps ?? []), ...(s.Arguments?.ElseSteps ?? [])]);
  return all
    .filter((s: any) => ['Processing', 'Training', 'Model'].includes(s.Type))
    .map((s: any) => ({ name: s.Name, type: s.Type, vpc: s.Arguments.NetworkConfig?.VpcConfig ?? s.Arguments.VpcConfig ?? s.Arguments.Model?.VpcConfig }));
}

beforeEach(() => {
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
});

describe('VPC settings as SSM parameter names ("Reference existing resources and Systems Manager parameters with CloudFormation-supplied parameter types", CloudFormation User Guide)', () => {
  it('inlines each stage definition into the stage template, every job step reading the stage\'s SSM-typed VPC parameters', async () => {
    const { dir, template } = repository();
    const out = join(dir, 'out');
    await buildRelease({ settings: SETTINGS, sourceDir: dir, outputDir: out, s3: new S3Client({}), log: () => {}, stageTemplatePath: template });

    const written = JSON.parse(readFileSync(join(out, stageTemplateFile('preprod')), 'utf8'));
    // Only the pipeline's definition changed: from the dev bucket's S3 location to an inline Fn::Sub body.
    const { PipelineDefinitionKey: _key, ...vpcParameters } = TEMPLATE.Parameters;
    expect(written.Parameters).toEqual(vpcParameters); // the key only the S3 location read is gone
    const configuration = JSON.parse(readFileSync(join(out, 'preprod-template-configuration.json'), 'utf8'));
    expect(configuration.Parameters.PipelineDefinitionKey).toBeUndefined();
    expect(configuration.Parameters).toMatchObject({ StageName: 'preprod', BatchDataUrl: STAGE_FILE.BatchDataUrl, ScheduleExpression: 'rate(1 day)' });
    expect(written.Resources.Bucket).toEqual(TEMPLATE.Resources.Bucket);
    const sub = written.Resources.Pipeline.Properties.PipelineDefinition.PipelineDefinitionBody['Fn::Sub'];
    expect(Object.keys(written.Resources.Pipeline.Properties.PipelineDefinition)).toEqual(['PipelineDefinitionBody']);
    expect(sub[1]).toEqual({
      SageMakerRoleArn: role(DUMMY_ACCOUNTS.staging, 'preprod'),
      ArtifactBucket: 'p-1-preprod-artifacts-333333333333',
      ModelPackageGroupName: 'abalone-p-1',
      CodePrefix: expect.stringMatching(new RegExp(`^s3://${BUCKET}/releases/code/[0-9a-f]{16}$`)),
      VpcSubnetIds: { 'Fn::Join': ['","', { Ref: 'VpcSubnetIds' }] },
      VpcSecurityGroupIds: { 'Fn::Join': ['","', { Ref: 'VpcSecurityGroupIds' }] },
    });
    const steps = jobSteps(JSON.parse(sub[0]));
    expect(steps.map((s) => s.name)).toEqual(expect.arrayContaining(['PreprocessData', 'TrainModel', 'EvaluateModel', 'CreateModel']));
    for (const step of steps) expect(step).toMatchObject({ vpc: { Subnets: ['${VpcSubnetIds}'], SecurityGroupIds: ['${VpcSecurityGroupIds}'] } });

    // What CloudFormation's Fn::Sub makes of it, with two subnets resolved from SSM: a JSON array of ids.
    const resolved = sub[0].split('${VpcSubnetIds}').join(['subnet-1', 'subnet-2'].join('","')).split('${VpcSecurityGroupIds}').join('sg-1').split('${!').join('${');
    for (const step of jobSteps(JSON.parse(resolved))) expect(step.vpc).toEqual({ Subnets: ['subnet-1', 'subnet-2'], SecurityGroupIds: ['sg-1'] });

    // Dev runs with the ids the module's stack resolved in dev.
    for (const step of jobSteps(JSON.parse(readFileSync(join(out, DEV_DEFINITION_FILE), 'utf8')))) {
      expect(step.vpc).toEqual({ Subnets: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'], SecurityGroupIds: ['sg-0cccccccccccccccc'] });
    }
  });

  it('fails when the pipeline source ignores the VPC it is given, or the stage template is missing or was synthesized without the parameters', async () => {
    const ignoring = repository(false);
    const error = (await buildRelease({ settings: SETTINGS, sourceDir: ignoring.dir, outputDir: join(ignoring.dir, 'o'), s3: new S3Client({}), log: () => {}, stageTemplatePath: ignoring.template }).catch((e) => e)) as ReleaseError;
    expect(error).toBeInstanceOf(ReleaseError);
    expect(error.message).toMatch(/\(definition for preprod\) the pipeline does not place its jobs in the VPC it is given.*VpcSubnetIds/);

    const { dir } = repository();
    await expect(buildRelease({ settings: SETTINGS, sourceDir: dir, outputDir: join(dir, 'o'), s3: new S3Client({}), log: () => {} })).rejects.toThrow(/\(stage template\): \(file\) is missing/);
    expect(inlineDefinition(JSON.stringify({ ...TEMPLATE, Parameters: {} }), { 'Fn::Sub': ['{}', {}] })).toEqual({ problem: expect.stringMatching(/declares no SSM-typed list parameter VpcSubnetIds/) });
    expect(inlineDefinition(JSON.stringify({ ...TEMPLATE, Resources: {} }), { 'Fn::Sub': ['{}', {}] })).toEqual({ problem: expect.stringMatching(/holds 0 AWS::SageMaker::Pipeline/) });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('refuses an inlined template above CloudFormation\'s template size limit (the definition then stays in S3 with VPC ids)', () => {
    const big = 'x'.repeat(1_000_001);
    expect(inlineDefinition(JSON.stringify(TEMPLATE), { 'Fn::Sub': [big, {}] })).toEqual({ problem: expect.stringMatching(/above the 1000000 CloudFormation takes; give the VPC as ids/) });
  });

  it('promotionMain finds the stage template in CodeBuild\'s secondary input folder', async () => {
    const { dir } = repository();
    const io = { s3: new S3Client({}), cwd: dir, log: () => {}, error: () => {} };
    const env = { PROMOTION: JSON.stringify({ ...SETTINGS, vpc: { ...SETTINGS.vpc, devSubnetIds: 'subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb', devSecurityGroupIds: 'sg-0cccccccccccccccc' } }), OUTPUT_DIR: 'out', STAGE_TEMPLATE_ARTIFACT: 'StageTemplate', CODEBUILD_SRC_DIR_StageTemplate: join(dir, 'template-input'), STAGE_TEMPLATE_FILE: 'Stage.template.json' };
    expect(await promotionMain(['build'], env, io)).toBe(0);
    expect(readFileSync(join(dir, 'out', stageTemplateFile('preprod')), 'utf8')).toContain('PipelineDefinitionBody');
  });
});
