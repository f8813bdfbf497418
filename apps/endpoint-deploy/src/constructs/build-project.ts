import { Duration, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { acknowledgeGrantWildcards, nagReferencePrefix, onlyResourcesOf } from '@sagemaker-mlops/constructs';
import { Construct } from 'constructs';

/** The folder, relative to the primary source, the build tool writes its files to. */
export const BUILD_OUTPUT_DIR = 'build-output';
/** The file of `export NAME=value` lines the build tool writes for the pipeline's variables. */
export const PIPELINE_VARIABLES_FILE = 'pipeline-variables.env';
/** The variables the Build action exports (namespace `Build`). */
export const EXPORTED_VARIABLES = ['MODEL_PACKAGE_ARN', 'MODEL_PACKAGE_VERSION', 'MODEL_PACKAGE_GROUP'] as const;

export interface EndpointBuildProjectProps {
  /** The artifact name of the bundled endpoint-build tool, a secondary input of the action. */
  readonly toolInput: string;
  readonly environmentVariables: Record<string, codebuild.BuildEnvironmentVariable>;
  readonly encryptionKey: kms.IKey;
  readonly role: iam.IRole;
}

/**
 * The Build step's CodeBuild project: runs the bundled endpoint-build tool, then exports the
 * variables it wrote so that later actions (the approval message) can name the model version.
 *
 * `BundledTool.project` has no exported variables: CodeBuild only exports variables of the build
 * shell, so the tool's file must be sourced by the buildspec, next to the `node` command.
 */
export class EndpointBuildProject extends Construct {
  public readonly project: codebuild.PipelineProject;

  constructor(scope: Construct, id: string, props: EndpointBuildProjectProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: props.encryptionKey });
    this.project = new codebuild.PipelineProject(this, 'Project', {
      buildSpec: codebuild.BuildSpec.fromObject({
        version: '0.2',
        env: { 'exported-variables': [...EXPORTED_VARIABLES] },
        phases: {
          install: { 'runtime-versions': { nodejs: 22 } },
          build: {
            commands: [`node "$CODEBUILD_SRC_DIR_${props.toolInput}/index.cjs"`, `. ./${BUILD_OUTPUT_DIR}/${PIPELINE_VARIABLES_FILE}`],
          },
        },
        artifacts: { 'base-directory': BUILD_OUTPUT_DIR, files: ['*.json'] },
      }),
      environment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0, computeType: codebuild.ComputeType.SMALL, privileged: false },
      environmentVariables: { OUTPUT_DIR: { value: BUILD_OUTPUT_DIR }, ...props.environmentVariables },
      encryptionKey: props.encryptionKey,
      timeout: Duration.minutes(15),
      role: props.role,
      logging: { cloudWatch: { logGroup } },
    });
    const ref = nagReferencePrefix(this.project);
    acknowledgeGrantWildcards(Stack.of(this), [
      {
        covers: onlyResourcesOf(`:log-group:/aws/codebuild/${ref}>`, `:report-group/${ref}>-`),
        reason: "CodeBuild's own grant: the log streams and report groups of this one project, whose names CodeBuild derives.",
      },
    ]);
  }
}
