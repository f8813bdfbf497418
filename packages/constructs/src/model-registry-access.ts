import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as cr from 'aws-cdk-lib/custom-resources';
import { assertNoRegistryWrites, modelPackageGroupPolicy } from '@sagemaker-mlops/iam';
import { Construct } from 'constructs';
import { acknowledgeControl } from './nag';

/** The fixed id of AwsCustomResource's singleton function (aws-cdk-lib custom-resources). */
const SINGLETON_UUID = '679f53fac002430cb0da5b7982bd2287';

export interface ModelRegistryAccessProps {
  /** The model package group, in this stack's account and region. */
  readonly groupName: string;
  /**
   * Accounts (other than this one) that deploy the group's packages.
   *
   * @default - none
   */
  readonly consumerAccounts?: readonly string[];
  /**
   * Organizational units whose accounts deploy the group's packages.
   *
   * @default - none
   */
  readonly consumerOuIds?: readonly string[];
  /** Create the group with the policy (true), or attach the policy to an existing group (false). */
  readonly createGroup: boolean;
  /** Whether a group this construct creates outlives the stack. */
  readonly retainOnDelete: boolean;
  /**
   * Description of a group this construct creates.
   *
   * @default - names the group and says it is shared read-only
   */
  readonly description?: string;
}

/**
 * Read-only, cross-account access to one model package group of this account: describe and list its
 * packages and create models from them. Consumers never get UpdateModelPackage or any other write.
 *
 * The group is created with the policy, or the policy is attached to an existing group (CloudFormation
 * cannot own a policy of a group it did not create; the SageMaker API can). Nothing is created when
 * every consumer is this account.
 */
export class ModelRegistryAccess extends Construct {
  /** The group's ARN. */
  public readonly groupArn: string;
  /** The resource policy, when some other account needs one. */
  public readonly policy?: iam.PolicyDocument;

  constructor(scope: Construct, id: string, props: ModelRegistryAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.groupArn = stack.formatArn({ service: 'sagemaker', resource: 'model-package-group', resourceName: props.groupName });
    const accounts = [...new Set(props.consumerAccounts ?? [])].filter((a) => a !== stack.account);
    const ouIds = props.consumerOuIds ?? [];

    const statements: iam.PolicyStatement[] = [];
    if (accounts.length > 0) {
      const document = modelPackageGroupPolicy({
        groupName: props.groupName,
        groupAccount: stack.account,
        region: stack.region,
        partition: stack.partition,
        consumerAccounts: accounts,
      });
      statements.push(...(document.toJSON().Statement as object[]).map((s) => iam.PolicyStatement.fromJson(s)));
    }
    if (ouIds.length > 0) {
      // Member accounts of an OU are only known at deploy time: trust any principal of those OUs.
      const ouCondition = { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': ouIds.map((ou) => `*/${ou}/*`) } };
      const arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'sagemaker', resource, resourceName });
      statements.push(
        new iam.PolicyStatement({
          sid: 'OrganizationalUnitsDescribeModelPackageGroup',
          principals: [new iam.AnyPrincipal()],
          actions: ['sagemaker:DescribeModelPackageGroup'],
          resources: [arn('model-package-group', props.groupName)],
          conditions: ouCondition,
        }),
        new iam.PolicyStatement({
          sid: 'OrganizationalUnitsReadModelPackages',
          principals: [new iam.AnyPrincipal()],
          actions: ['sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages', 'sagemaker:CreateModel'],
          resources: [arn('model-package', `${props.groupName}/*`)],
          conditions: ouCondition,
        }),
      );
    }
    const policy = statements.length > 0 ? new iam.PolicyDocument({ statements }) : undefined;
    if (policy) assertNoRegistryWrites(policy);
    this.policy = policy;

    if (props.createGroup) {
      const group = new sagemaker.CfnModelPackageGroup(this, 'Group', {
        modelPackageGroupName: props.groupName,
        modelPackageGroupDescription: props.description ?? `Model packages of ${props.groupName}, shared read-only with ${[...accounts, ...ouIds].join(', ') || 'no other account'}`,
        modelPackageGroupPolicy: policy ? stack.resolve(policy.toJSON()) : undefined,
      });
      group.applyRemovalPolicy(props.retainOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
      return;
    }
    if (!policy) return;

    // CloudFormation cannot attach a policy to a group it does not own: the SageMaker API can.
    const call = (action: string, parameters: Record<string, unknown>): cr.AwsSdkCall => ({
      service: 'SageMaker',
      action,
      parameters,
      physicalResourceId: cr.PhysicalResourceId.of(`${props.groupName}-policy`),
    });
    const put = () => call('PutModelPackageGroupPolicy', { ModelPackageGroupName: props.groupName, ResourcePolicy: stack.toJsonString(policy.toJSON()) });
    new cr.AwsCustomResource(this, 'GroupPolicy', {
      onCreate: put(),
      onUpdate: put(),
      onDelete: call('DeleteModelPackageGroupPolicy', { ModelPackageGroupName: props.groupName }),
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['sagemaker:PutModelPackageGroupPolicy', 'sagemaker:DeleteModelPackageGroupPolicy'],
          resources: [this.groupArn],
        }),
      ]),
      installLatestAwsSdk: false,
    });
    // AwsCustomResource runs one singleton function per stack, created at the stack's root.
    const singleton = stack.node.findChild(`AWS${SINGLETON_UUID}`);
    acknowledgeControl(
      singleton,
      'CT.LAMBDA.PR.3',
      "AwsCustomResource's singleton function (CDK's own helper) only calls the SageMaker API at deploy time; CDK " +
        'places it in no VPC unless given one, and this stack has none.',
    );
    const singletonRole = singleton.node.findChild('ServiceRole');
    Validations.of(singletonRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: "AwsCustomResource's singleton function writes its logs through AWSLambdaBasicExecutionRole; CDK offers no other role.",
    });
  }
}
