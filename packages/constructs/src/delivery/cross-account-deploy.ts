import { CfnCapabilities, Stack, Token } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { cdkBootstrapRole, cdkBootstrapRoleArn } from '@sagemaker-mlops/iam';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';

/** Props of {@link crossAccountDeployAction}. */
export interface CrossAccountDeployActionProps {
  /**
   * Name of the pipeline action.
   *
   * @default 'Deploy'
   */
  readonly actionName?: string;
  /** Name of the CloudFormation stack the action creates or updates in the target account and region. */
  readonly stackName: string;
  /** The template, from an artifact of an earlier action (a pre-synthesized, bootstrap-less template). */
  readonly templatePath: codepipeline.ArtifactPath;
  /**
   * The template configuration file (parameters, tags), from an artifact of an earlier action.
   *
   * @default - none: the template's parameter defaults
   */
  readonly templateConfiguration?: codepipeline.ArtifactPath;
  /** The account to deploy into. Its CDK bootstrap must trust the pipeline's account (`cdk bootstrap --trust`). */
  readonly account: string;
  /** The region to deploy into. Another region than the pipeline's needs an artifact bucket there (cross-region replication). */
  readonly region: string;
  /**
   * The ARN partition of the target account. The CloudFormation role ARN is rendered with it as a literal
   * (see {@link crossAccountDeployAction}).
   *
   * @default - the partition of `region` in CDK's region facts; an unknown region throws
   */
  readonly partition?: string;
  /**
   * Qualifier the target account was bootstrapped with (`cdk bootstrap --qualifier`).
   *
   * @default 'hnb659fds' (CDK's default)
   */
  readonly qualifier?: string;
  /**
   * Capabilities the stack needs.
   *
   * @default [CfnCapabilities.NAMED_IAM]
   */
  readonly capabilities?: CfnCapabilities[];
  /**
   * Use action mode REPLACE_ON_FAILURE: a stack whose first create failed is ROLLBACK_COMPLETE and can only be
   * deleted, so CREATE_UPDATE would fail every later run until someone deletes it; this mode deletes and recreates
   * it ("Action mode", CloudFormation configuration reference for CodePipeline,
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/continuous-delivery-codepipeline-action-reference.html).
   * Leave it off where a stack must never be deleted by the pipeline (prod).
   *
   * @default false (CREATE_UPDATE)
   */
  readonly replaceOnFailure?: boolean;
  /** @default 1 */
  readonly runOrder?: number;
}

/**
 * A CloudFormation create-or-update action that deploys a template into another account and region with that
 * account's CDK bootstrap roles: in another account the action runs as its `deploy` role (which the account trusts
 * through `cdk bootstrap --trust`), and CloudFormation as its `cfn-exec` role in every case, so the pipeline's own
 * role never needs the stack's permissions (`adminPermissions: false`). In the pipeline's own account the action
 * role is one CDK creates in this stack, passing only the cfn-exec role.
 *
 * The pipeline's stack needs an explicit account and region: an environment-agnostic stack cannot tell its own
 * account from another, so every target counts as another account (and another region).
 *
 * The action's `Configuration.RoleArn` (the cfn-exec role) is a literal ARN in `partition` rather than a
 * reference to `AWS::Partition`: cfn-lint validates that field as a role ARN and fails (E3703) on the `Fn::Join`
 * a partition reference renders to. The action's own `RoleArn` keeps the reference.
 *
 * @param scope where the imported bootstrap roles are defined
 * @param id prefix of the imported roles' construct ids; unique within `scope`
 * @throws Error when the partition is not given and `region` is unknown to CDK, or as `cdkBootstrapRoleArn` does
 */
export function crossAccountDeployAction(scope: Construct, id: string, props: CrossAccountDeployActionProps): actions.CloudFormationCreateUpdateStackAction {
  const stack = Stack.of(scope);
  const partition = props.partition ?? RegionInfo.get(props.region).partition;
  if (!partition) {
    throw new Error(`crossAccountDeployAction: region '${props.region}' is unknown to CDK's region facts; give its partition (e.g. 'aws').`);
  }
  const other = Token.isUnresolved(stack.account) || props.account !== stack.account;
  const otherRegion = Token.isUnresolved(stack.region) || props.region !== stack.region;
  const qualifier = props.qualifier;
  const cfnExecRoleArn = cdkBootstrapRoleArn(scope, { account: props.account, region: props.region, kind: 'cfn-exec', qualifier }).replace(
    stack.partition,
    partition,
  );
  return new actions.CloudFormationCreateUpdateStackAction({
    actionName: props.actionName ?? 'Deploy',
    runOrder: props.runOrder,
    stackName: props.stackName,
    templatePath: props.templatePath,
    templateConfiguration: props.templateConfiguration,
    adminPermissions: false,
    cfnCapabilities: props.capabilities ?? [CfnCapabilities.NAMED_IAM],
    region: otherRegion ? props.region : undefined,
    account: other ? props.account : undefined,
    role: other ? cdkBootstrapRole(scope, `${id}DeployRole`, { account: props.account, region: props.region, kind: 'deploy', qualifier }) : undefined,
    deploymentRole: iam.Role.fromRoleArn(scope, `${id}CfnExecRole`, cfnExecRoleArn, { mutable: false }),
    replaceOnFailure: props.replaceOnFailure ?? false,
  });
}
