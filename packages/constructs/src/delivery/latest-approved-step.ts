import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { bundlePath, PIPELINE_VARIABLES_FILE } from '@sagemaker-mlops/registry';
import { Construct } from 'constructs';
import { BundledTool } from '../bundled-tool';
import { nagNotation } from '../nag';

/** The variables namespace of the lookup action: later actions read `#{Build.MODEL_PACKAGE_ARN}` and the like. */
export const LATEST_APPROVED_NAMESPACE = 'Build';

/** The variables the lookup action exports, as pipeline variable references for later actions. */
export const LATEST_APPROVED_VARIABLES = {
  modelPackageArn: `#{${LATEST_APPROVED_NAMESPACE}.MODEL_PACKAGE_ARN}`,
  modelPackageVersion: `#{${LATEST_APPROVED_NAMESPACE}.MODEL_PACKAGE_VERSION}`,
  modelPackageGroup: `#{${LATEST_APPROVED_NAMESPACE}.MODEL_PACKAGE_GROUP}`,
} as const;

const EXPORTED_VARIABLES = ['MODEL_PACKAGE_ARN', 'MODEL_PACKAGE_VERSION', 'MODEL_PACKAGE_GROUP'];
/** The folder, relative to the primary source, the tool writes its files to. */
const OUTPUT_DIR = 'build-output';

/** Props of {@link LatestApprovedPackageStep}. */
export interface LatestApprovedPackageStepProps {
  /** The model package group whose latest approved version is deployed. */
  readonly modelPackageGroupName: string;
  /**
   * The account of the group. Another account must share the group with this one (read-only resource policy).
   *
   * @default - this stack's account
   */
  readonly account?: string;
  /**
   * The region of the group.
   *
   * @default - this stack's region
   */
  readonly region?: string;
  /** Names of the stages the tool writes one `<stage>-template-configuration.json` for, each from `<stage>-config.json` of the primary input. */
  readonly stageNames: readonly string[];
  /** Project name and id the tool puts in the endpoint parameters (and thus the endpoint names). */
  readonly projectName: string;
  readonly projectId: string;
  /** Encrypts the build's artifacts and logs. */
  readonly encryptionKey: kms.IKey;
  /**
   * Description of the build role.
   *
   * @default - names the group
   */
  readonly roleDescription?: string;
  /** @default Duration.minutes(15) */
  readonly timeout?: Duration;
}

/** Options of {@link LatestApprovedPackageStep.action}. */
export interface LatestApprovedActionOptions {
  /** @default 'LatestApprovedVersion' */
  readonly actionName?: string;
  /** The primary input: the folder with the `<stage>-config.json` files. */
  readonly input: codepipeline.Artifact;
  /** Receives the `<stage>-template-configuration.json` files the deploy actions read. */
  readonly output: codepipeline.Artifact;
}

/**
 * The Build step of an endpoint deployment pipeline: the bundled `endpoint-build` tool of
 * `@sagemaker-mlops/registry`, run by CodeBuild with a role that may only read the one model package group. It
 * finds the group's latest approved version (newest first; none approved fails the build), writes the endpoint
 * stack's template configuration for each stage, and exports the version for the approval messages
 * ({@link LATEST_APPROVED_VARIABLES}).
 */
export class LatestApprovedPackageStep extends Construct {
  public readonly tool: BundledTool;
  public readonly role: iam.Role;
  public readonly project: codebuild.PipelineProject;
  /** The artifact the tool's source action writes: an extra input of {@link action}. */
  public readonly toolOutput = new codepipeline.Artifact('BuildTool');
  /** The group's ARN. */
  public readonly groupArn: string;

  constructor(scope: Construct, id: string, props: LatestApprovedPackageStepProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const where = { account: props.account, region: props.region };
    const group = props.modelPackageGroupName;
    this.groupArn = stack.formatArn({ service: 'sagemaker', ...where, resource: 'model-package-group', resourceName: group });
    const versionsArn = stack.formatArn({ service: 'sagemaker', ...where, resource: 'model-package', resourceName: `${group}/*` });
    const elsewhere = (props.account !== undefined && props.account !== stack.account) || (props.region !== undefined && props.region !== stack.region);

    // Named after the tool, so that its project's logical id names it (EndpointBuildProject).
    this.tool = new BundledTool(this, 'EndpointBuild', { bundleDir: bundlePath('endpoint-build') });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
      description: props.roleDescription ?? `Finds the latest approved package of ${group} and writes the endpoint parameters`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadModelRegistry',
        actions: ['sagemaker:DescribeModelPackageGroup', 'sagemaker:ListModelPackages', 'sagemaker:DescribeModelPackage'],
        resources: [this.groupArn, versionsArn],
      }),
    );
    Validations.of(this.role.node.findChild('DefaultPolicy').node.defaultChild!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagNotation(stack.resolve(versionsArn))}]`,
      reason: 'Every version of the one model package group: the latest approved version changes with every approval and rejection.',
    });
    this.project = this.tool.project('Project', {
      toolInput: this.toolOutput.artifactName!,
      encryptionKey: props.encryptionKey,
      role: this.role,
      timeout: props.timeout ?? Duration.minutes(15),
      outputFiles: ['*.json'],
      outputBaseDirectory: OUTPUT_DIR,
      exportedVariables: { names: EXPORTED_VARIABLES, file: `${OUTPUT_DIR}/${PIPELINE_VARIABLES_FILE}` },
      environmentVariables: {
        OUTPUT_DIR: { value: OUTPUT_DIR },
        // A group of another account or region is read by ARN, through the resource policy its account shares it with.
        MODEL_PACKAGE_GROUP_NAME: { value: elsewhere ? this.groupArn : group },
        STAGES: { value: JSON.stringify(props.stageNames) },
        SAGEMAKER_PROJECT_NAME: { value: props.projectName },
        SAGEMAKER_PROJECT_ID: { value: props.projectId },
      },
    });
  }

  /** The source action that fetches the tool into {@link toolOutput}; put it in the pipeline's Source stage. */
  public sourceAction(actionName = 'BuildTool'): actions.S3SourceAction {
    return this.tool.sourceAction(this.toolOutput, actionName);
  }

  /** The CodeBuild action that runs the lookup, in namespace {@link LATEST_APPROVED_NAMESPACE}. */
  public action(options: LatestApprovedActionOptions): actions.CodeBuildAction {
    return new actions.CodeBuildAction({
      actionName: options.actionName ?? 'LatestApprovedVersion',
      project: this.project,
      input: options.input,
      extraInputs: [this.toolOutput],
      outputs: [options.output],
      variablesNamespace: LATEST_APPROVED_NAMESPACE,
    });
  }
}
