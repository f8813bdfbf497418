import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** Props of {@link ApprovalTopic}. */
export interface ApprovalTopicProps {
  /** Encrypts the notifications at rest (cdk-nag SNS2); the approval action publishes with a role `grantPublish` lets use it. */
  readonly encryptionKey: kms.IKey;
  /** Addresses that receive every approval request; each must confirm its subscription once. Must not be empty. */
  readonly emailAddresses: readonly string[];
  /**
   * The topic's display name, the sender name of the e-mails.
   *
   * @default - none
   */
  readonly displayName?: string;
}

/**
 * The topic approval requests are sent to: encrypted with a customer managed key, TLS-only (cdk-nag SNS3),
 * with one e-mail subscription per address. One topic may serve several {@link ApprovalGate}s.
 */
export class ApprovalTopic extends Construct {
  public readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: ApprovalTopicProps) {
    super(scope, id);
    if (props.emailAddresses.length === 0) {
      throw new Error(`ApprovalTopic ${this.node.path}: emailAddresses is empty; create no topic when nobody is notified.`);
    }
    this.topic = new sns.Topic(this, 'Resource', { displayName: props.displayName, masterKey: props.encryptionKey, enforceSSL: true });
    for (const address of props.emailAddresses) this.topic.addSubscription(new subscriptions.EmailSubscription(address));
  }
}

/** Props of {@link ApprovalGate}. */
export interface ApprovalGateProps {
  /**
   * Name of the approval action; part of the approver's permission.
   *
   * @default 'Approve'
   */
  readonly actionName?: string;
  /**
   * What the approver approves, shown in the console and the notification: name what is deployed and where
   * (pipeline variables such as `#{Build.MODEL_PACKAGE_VERSION}` are resolved at run time).
   */
  readonly message: string;
  /**
   * A link for the approver to review what is deployed.
   *
   * @default - none
   */
  readonly externalEntityLink?: string;
  /**
   * Topic that is notified of each approval request.
   *
   * @default - no notification: approvers look in the console
   */
  readonly notificationTopic?: sns.ITopic;
  /** @default 1 */
  readonly runOrder?: number;
  /**
   * Create a role that may approve or reject this one action (and read the pipeline's state), nothing more.
   *
   * @default true
   */
  readonly createApproverRole?: boolean;
  /**
   * Name of the approver role, for approvers to find it.
   *
   * @default - CloudFormation-generated
   */
  readonly approverRoleName?: string;
  /**
   * Who may assume the approver role.
   *
   * @default - any principal of this account that an IAM policy allows `sts:AssumeRole` on the role
   */
  readonly approverPrincipal?: iam.IPrincipal;
  /** @default - none */
  readonly approverRoleDescription?: string;
}

/**
 * A manual approval action. Unlike `ManualApprovalAction.grantManualApproval`, which also grants
 * `codepipeline:ListPipelines` on `*`, the approver role gets only `codepipeline:PutApprovalResult` on this one
 * action (`<pipeline ARN>/<stage>/<action>`, the resource form of "Grant approval permissions to an IAM user in
 * CodePipeline", AWS CodePipeline User Guide) and `codepipeline:GetPipelineState` on its pipeline.
 */
export class ApprovalGate extends Construct {
  /** Put this in the pipeline stage; the approver role gets its permissions when it is bound there. */
  public readonly action: actions.ManualApprovalAction;
  /** May approve or reject this action; undefined when `createApproverRole` is false. */
  public readonly approverRole?: iam.Role;

  constructor(scope: Construct, id: string, props: ApprovalGateProps) {
    super(scope, id);
    const actionName = props.actionName ?? 'Approve';
    if (props.createApproverRole ?? true) {
      this.approverRole = new iam.Role(this, 'ApproverRole', {
        roleName: props.approverRoleName,
        assumedBy: props.approverPrincipal ?? new iam.AccountRootPrincipal(),
        description: props.approverRoleDescription,
      });
    }
    const approverRole = this.approverRole;
    this.action = new (class extends actions.ManualApprovalAction {
      protected bound(actionScope: Construct, stage: codepipeline.IStage, options: codepipeline.ActionBindOptions): codepipeline.ActionConfig {
        const config = super.bound(actionScope, stage, options);
        const pipelineArn = stage.pipeline.pipelineArn;
        approverRole?.addToPolicy(
          new iam.PolicyStatement({ sid: 'ApproveThisAction', actions: ['codepipeline:PutApprovalResult'], resources: [`${pipelineArn}/${stage.stageName}/${actionName}`] }),
        );
        approverRole?.addToPolicy(new iam.PolicyStatement({ sid: 'ReadPipelineState', actions: ['codepipeline:GetPipelineState'], resources: [pipelineArn] }));
        return config;
      }
    })({
      actionName,
      runOrder: props.runOrder,
      additionalInformation: props.message,
      externalEntityLink: props.externalEntityLink,
      notificationTopic: props.notificationTopic,
    });
    // A gate that never reaches a pipeline would leave a role without permissions: say so at synth.
    this.node.addValidation({
      validate: () => (approverRole && !approverRole.node.tryFindChild('DefaultPolicy') ? [`ApprovalGate ${this.node.path}: its action was never added to a pipeline stage.`] : []),
    });
  }
}
