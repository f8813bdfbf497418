import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AwsClient } from '../aws-client';
import { DeployRepositoryFileError } from '../errors';
import { latestApprovedModelPackage } from '../model-registry/latest-approved';
import { readRepositoryJson } from '../private/json-file';
import type { RetryOptions } from '../private/retry';
import { stageConfigFileName, validateStageConfig, type StageConfig } from './stage-config';

/** The file holding the shell `export` lines of the variables the pipeline shows (sourced by the buildspec). */
export const PIPELINE_VARIABLES_FILE = 'pipeline-variables.env';

/** The JSON summary of one build. */
export const BUILD_REPORT_FILE = 'build-report.json';

/** The name of a stage's CodePipeline CloudFormation template configuration file: `<stage>-template-configuration.json`. */
export function templateConfigurationFileName(stage: string): string {
  return `${stage}-template-configuration.json`;
}

/** The name of a stage's StackSet action parameters file: `<stage>-stackset-parameters.json`. */
export function stackSetParametersFileName(stage: string): string {
  return `${stage}-stackset-parameters.json`;
}

/** The parameters of the endpoint stack; every value is a string, as CloudFormation takes them. */
export interface EndpointStackParameters {
  /** The ARN of the model package to deploy. */
  readonly ModelPackageArn: string;
  /** The stage name, e.g. `staging`. */
  readonly StageName: string;
  /** The ML instance type. */
  readonly InstanceType: string;
  /** The instance count, as a string. */
  readonly InstanceCount: string;
  /** The production variant name. */
  readonly VariantName: string;
  /** The data capture sampling percentage, as a string. */
  readonly DataCaptureSamplingPercentage: string;
}

/** What the build wrote for one stage. */
export interface StageDeployment {
  /** The stage name. */
  readonly stage: string;
  /** The configuration file read, relative to the source directory. */
  readonly configFile: string;
  /** The configuration, with defaults applied. */
  readonly config: StageConfig;
  /** The endpoint stack parameters. */
  readonly parameters: EndpointStackParameters;
  /** The stack tags: the pipeline's `sagemaker:*` tags, then the configuration's. */
  readonly tags: Readonly<Record<string, string>>;
  /** The template configuration file written, relative to the output directory. */
  readonly templateConfigurationFile: string;
  /** The StackSet parameters file written, relative to the output directory. */
  readonly stackSetParametersFile: string;
}

/** The result of {@link buildEndpointDeployment}, also written to `build-report.json`. */
export interface EndpointBuildReport {
  /** When the build ran (ISO 8601). */
  readonly generatedAt: string;
  /** The model package group, as given (name or ARN). */
  readonly modelPackageGroup: string;
  /** The name of the model package group. */
  readonly modelPackageGroupName: string;
  /** The ARN of the latest approved model package. */
  readonly modelPackageArn: string;
  /** Its version in the group. */
  readonly modelPackageVersion: number | null;
  /** When it was created (ISO 8601). */
  readonly modelPackageCreationTime: string | null;
  /** The SageMaker project name. */
  readonly projectName: string;
  /** The SageMaker project id. */
  readonly projectId: string;
  /** One entry per stage, in pipeline order. */
  readonly stages: StageDeployment[];
}

/** Options of {@link buildEndpointDeployment}. */
export interface BuildEndpointDeploymentOptions {
  /** SageMaker, in the model package group's region. */
  readonly sagemaker: AwsClient;
  /** The model package group: its name, or its ARN (required when it is in another account). */
  readonly groupName: string;
  /** The stage names in pipeline order, e.g. `['staging', 'prod']`. */
  readonly stages: readonly string[];
  /** The deploy repository checkout, holding `<stage>-config.json` for each stage. */
  readonly sourceDir: string;
  /** Where the files are written; created if absent. */
  readonly outputDir: string;
  /** The SageMaker project name (tag `sagemaker:project-name`). */
  readonly projectName: string;
  /** The SageMaker project id (tag `sagemaker:project-id`). */
  readonly projectId: string;
  /**
   * How throttling and transient errors are retried.
   *
   * @default - 5 attempts, exponential backoff from 200 ms with jitter
   */
  readonly retry?: RetryOptions;
  /**
   * The clock of `generatedAt`.
   *
   * @default - the system clock
   */
  readonly now?: () => Date;
}

const STAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/**
 * The build step of the endpoint deployment pipeline: resolves the latest approved model package and
 * writes, for each stage, the endpoint stack's parameters as a CodePipeline template configuration
 * and as a StackSet parameters file; then `pipeline-variables.env` and `build-report.json`.
 *
 * Every stage configuration is read and validated before any AWS call or any write, so a bad file
 * fails the build with the problems of all files and leaves no partial output.
 *
 * @throws DeployRepositoryFileError when a `<stage>-config.json` is missing or invalid
 * @throws NoApprovedModelPackageError when the group has no approved version
 */
export async function buildEndpointDeployment(options: BuildEndpointDeploymentOptions): Promise<EndpointBuildReport> {
  checkStages(options.stages);
  const configs = readStageConfigs(options.sourceDir, options.stages);

  const latest = await latestApprovedModelPackage(options.sagemaker, options.groupName, { retry: options.retry });
  const modelPackageArn = latest.ModelPackageArn;
  if (modelPackageArn === undefined) {
    throw new Error(`DescribeModelPackage returned no ModelPackageArn for the latest approved package of ${options.groupName}`);
  }

  const stages = options.stages.map((stage, i): StageDeployment => {
    const config = configs[i];
    const parameters: EndpointStackParameters = {
      ModelPackageArn: modelPackageArn,
      StageName: stage,
      InstanceType: config.InstanceType,
      InstanceCount: String(config.InstanceCount),
      VariantName: config.VariantName,
      DataCaptureSamplingPercentage: String(config.DataCaptureSamplingPercentage),
    };
    const tags = {
      'sagemaker:deployment-stage': stage,
      'sagemaker:project-id': options.projectId,
      'sagemaker:project-name': options.projectName,
      ...config.Tags,
    };
    return {
      stage,
      configFile: stageConfigFileName(stage),
      config,
      parameters,
      tags,
      templateConfigurationFile: templateConfigurationFileName(stage),
      stackSetParametersFile: stackSetParametersFileName(stage),
    };
  });

  const report: EndpointBuildReport = {
    generatedAt: (options.now ?? (() => new Date()))().toISOString(),
    modelPackageGroup: options.groupName,
    modelPackageGroupName: latest.ModelPackageGroupName ?? groupNameOf(options.groupName),
    modelPackageArn,
    modelPackageVersion: latest.ModelPackageVersion ?? null,
    modelPackageCreationTime: latest.CreationTime ? new Date(latest.CreationTime).toISOString() : null,
    projectName: options.projectName,
    projectId: options.projectId,
    stages,
  };

  mkdirSync(options.outputDir, { recursive: true });
  for (const stage of stages) {
    writeJson(join(options.outputDir, stage.templateConfigurationFile), { Parameters: stage.parameters, Tags: stage.tags });
    writeJson(
      join(options.outputDir, stage.stackSetParametersFile),
      Object.entries(stage.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    );
  }
  writeFileSync(join(options.outputDir, PIPELINE_VARIABLES_FILE), pipelineVariables(report));
  writeJson(join(options.outputDir, BUILD_REPORT_FILE), report);
  return report;
}

/** One line summing up a build, for the build log. */
export function formatBuildSummary(report: EndpointBuildReport): string {
  const stages = report.stages.map((s) => `${s.stage} (${s.parameters.InstanceCount} x ${s.parameters.InstanceType})`).join(', ');
  return `deploying ${report.modelPackageArn} (version ${report.modelPackageVersion ?? 'unknown'} of ${report.modelPackageGroupName}) to ${stages}`;
}

/** Quotes a value for a POSIX shell: single quotes, with embedded single quotes closed, escaped and reopened. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function pipelineVariables(report: EndpointBuildReport): string {
  const variables: Record<string, string> = {
    MODEL_PACKAGE_ARN: report.modelPackageArn,
    MODEL_PACKAGE_VERSION: report.modelPackageVersion === null ? '' : String(report.modelPackageVersion),
    MODEL_PACKAGE_GROUP: report.modelPackageGroupName,
  };
  return Object.entries(variables)
    .map(([name, value]) => `export ${name}=${shellQuote(value)}\n`)
    .join('');
}

function checkStages(stages: readonly string[]): void {
  if (stages.length === 0) {
    throw new Error('buildEndpointDeployment: stages is empty: give the stage names in pipeline order, e.g. ["staging", "prod"]');
  }
  const seen = new Set<string>();
  for (const stage of stages) {
    if (!STAGE_NAME.test(stage)) {
      throw new Error(
        `buildEndpointDeployment: invalid stage name "${stage}": use 1-63 letters, digits, _ and -, starting with a letter or digit`,
      );
    }
    if (seen.has(stage)) {
      throw new Error(`buildEndpointDeployment: stage "${stage}" is listed twice`);
    }
    seen.add(stage);
  }
}

function readStageConfigs(sourceDir: string, stages: readonly string[]): StageConfig[] {
  const configs: StageConfig[] = [];
  const files: string[] = [];
  const problems: string[] = [];
  for (const stage of stages) {
    const file = stageConfigFileName(stage);
    const read = readRepositoryJson(sourceDir, file, '{"InstanceType": "ml.m5.large", "InstanceCount": 1}');
    const result = read.problem === undefined ? validateStageConfig(read.content, file) : { problems: [read.problem] };
    if (result.problems !== undefined) {
      files.push(file);
      problems.push(...result.problems);
    } else {
      configs.push(result.config);
    }
  }
  if (problems.length > 0) {
    throw new DeployRepositoryFileError(files, problems);
  }
  return configs;
}

function groupNameOf(nameOrArn: string): string {
  return nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1) : nameOrArn;
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}
