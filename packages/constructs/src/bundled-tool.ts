import { Duration, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { acknowledgeGrantWildcards, nagReferencePrefix, onlyResourcesOf } from './nag';

export interface BundledToolProps {
  /**
   * Folder that holds the tool's single-file bundle `index.cjs` (from `@sagemaker-mlops/registry`'s `bundlePath`).
   */
  readonly bundleDir: string;
}

export interface BundledToolProjectOptions {
  /** Arguments after `node index.cjs`. @default - none */
  readonly args?: string[];
  /** Variables the tool reads. @default - none */
  readonly environmentVariables?: Record<string, codebuild.BuildEnvironmentVariable>;
  /** Key for build artifacts and logs at rest (cdk-nag CB4). */
  readonly encryptionKey: kms.IKey;
  /** @default Duration.minutes(60) */
  readonly timeout?: Duration;
  /** Files the tool writes that later actions consume. @default - none */
  readonly outputFiles?: string[];
  /** Folder `outputFiles` are relative to. @default - the primary input's folder */
  readonly outputBaseDirectory?: string;
  /**
   * Variables the tool writes to `file` as `export NAME=value` lines, exported to later pipeline
   * actions (through the action's `variablesNamespace`). CodeBuild only exports variables of the
   * build shell, which a `node` process cannot set, so the buildspec sources the file.
   *
   * @default - none
   */
  readonly exportedVariables?: { readonly names: readonly string[]; readonly file: string };
  /** CodeBuild test report group name -> JSON/JUnit files the tool writes. @default - none */
  readonly reports?: Record<string, { files: string[]; fileFormat: string }>;
  /** @default - a role created by CodeBuild */
  readonly role?: iam.IRole;
  /** @default - CloudFormation-generated */
  readonly projectName?: string;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * A pipeline source action that fetches a CDK asset (a zip) into `output`. It never polls: assets
 * change only with a deployment, and the pipeline is started by its triggers.
 */
export function assetSourceAction(asset: assets.Asset, output: codepipeline.Artifact, actionName: string): actions.S3SourceAction {
  return new actions.S3SourceAction({ actionName, bucket: asset.bucket, bucketKey: asset.s3ObjectKey, output, trigger: actions.S3Trigger.NONE });
}

/**
 * A tool from `@sagemaker-mlops/registry`, shipped as an asset and run by CodeBuild as
 * `node index.cjs <args>`: nothing is installed at pipeline run time, and no shell logic hides in
 * the buildspec.
 */
export class BundledTool extends Construct {
  public readonly asset: assets.Asset;

  constructor(scope: Construct, id: string, props: BundledToolProps) {
    super(scope, id);
    this.asset = new assets.Asset(this, 'Bundle', { path: props.bundleDir });
    acknowledgeGrantWildcards(Stack.of(this), [
      {
        covers: onlyResourcesOf(Stack.of(this).resolve(this.asset.s3BucketName)),
        reason: 'CodePipeline reads the one bundle object from the CDK asset bucket (CDK-generated source action grant).',
      },
    ]);
  }

  /**
   * A source action that fetches the bundle into `output`. It never polls: the pipeline runs the
   * tool only when it is started.
   */
  sourceAction(output: codepipeline.Artifact, actionName = 'Tool'): actions.S3SourceAction {
    return assetSourceAction(this.asset, output, actionName);
  }

  /**
   * A CodeBuild project that runs the tool. When the tool is not the primary input of the action,
   * pass its artifact name as `toolInput` so the command runs from that input's folder.
   */
  project(id: string, options: BundledToolProjectOptions & { toolInput?: string }): codebuild.PipelineProject {
    const folder = options.toolInput ? `"$CODEBUILD_SRC_DIR_${options.toolInput}"` : '.';
    const command = ['node', `${folder}/index.cjs`, ...(options.args ?? [])].join(' ');
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      retention: options.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: options.encryptionKey,
    });
    const exported = options.exportedVariables;
    const spec: Record<string, unknown> = {
      version: '0.2',
      ...(exported ? { env: { 'exported-variables': [...exported.names] } } : {}),
      phases: {
        install: { 'runtime-versions': { nodejs: 22 } },
        build: { commands: exported ? [command, `. ./${exported.file}`] : [command] },
      },
    };
    if (options.outputFiles) {
      spec.artifacts = {
        ...(options.outputBaseDirectory ? { 'base-directory': options.outputBaseDirectory } : {}),
        files: options.outputFiles,
      };
    }
    if (options.reports) {
      spec.reports = Object.fromEntries(
        Object.entries(options.reports).map(([name, r]) => [name, { files: r.files, 'file-format': r.fileFormat }]),
      );
    }
    const project = new codebuild.PipelineProject(this, id, {
      projectName: options.projectName,
      buildSpec: codebuild.BuildSpec.fromObject(spec),
      environment: {
        buildImage: codebuild.LinuxBuildImage.STANDARD_7_0,
        computeType: codebuild.ComputeType.SMALL,
        privileged: false,
      },
      environmentVariables: options.environmentVariables,
      encryptionKey: options.encryptionKey,
      timeout: options.timeout ?? Duration.minutes(60),
      role: options.role,
      logging: { cloudWatch: { logGroup } },
    });
    const ref = nagReferencePrefix(project);
    acknowledgeGrantWildcards(Stack.of(this), [
      {
        covers: onlyResourcesOf(`:log-group:/aws/codebuild/${ref}>`, `:report-group/${ref}>-`),
        reason: "CodeBuild's own grant: the log streams and report groups of this one project, whose names CodeBuild derives.",
      },
      {
        covers: onlyResourcesOf(nagReferencePrefix(options.encryptionKey, options.encryptionKey.keyArn)),
        reason: 'CodeBuild encrypts its artifacts and logs with this one key (CDK-generated grant).',
      },
    ]);
    return project;
  }
}
