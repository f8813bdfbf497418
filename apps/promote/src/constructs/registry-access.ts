import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as cr from 'aws-cdk-lib/custom-resources';
import { assertNoRegistryWrites, modelPackageGroupPolicy } from '@sagemaker-mlops/iam';
import { Construct } from 'constructs';

/** The fixed id of AwsCustomResource's singleton function (aws-cdk-lib custom-resources). */
const SINGLETON_UUID = '679f53fac002430cb0da5b7982bd2287';

export interface RegistryAccessProps {
  readonly groupName: string;
  /** Accounts that may read the group's packages and create models from them. */
  readonly consumerAccounts: string[];
  /**
   * Create the group with the policy (true), or attach the policy to an existing group (false).
   */
  readonly createGroup: boolean;
  /** Whether a group this construct creates outlives the stack. */
  readonly retainOnDelete: boolean;
}

/**
 * Read-only, cross-account access to one model package group: describe and list its packages and
 * create models from them. Consumers never get UpdateModelPackage or any other registry write.
 */
export class RegistryAccess extends Construct {
  public readonly groupArn: string;

  constructor(scope: Construct, id: string, props: RegistryAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const policy = modelPackageGroupPolicy({
      groupName: props.groupName,
      groupAccount: stack.account,
      region: stack.region,
      partition: stack.partition,
      consumerAccounts: props.consumerAccounts,
    });
    assertNoRegistryWrites(policy);
    this.groupArn = stack.formatArn({ service: 'sagemaker', resource: 'model-package-group', resourceName: props.groupName });

    if (props.createGroup) {
      const group = new sagemaker.CfnModelPackageGroup(this, 'Group', {
        modelPackageGroupName: props.groupName,
        modelPackageGroupDescription: `Shared read-only with ${props.consumerAccounts.join(', ')}`,
        modelPackageGroupPolicy: policy.toJSON(),
      });
      group.applyRemovalPolicy(props.retainOnDelete ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
      return;
    }

    // CloudFormation cannot attach a policy to a group it does not own: the SageMaker API can.
    const call = (action: string, parameters: Record<string, unknown>): cr.AwsSdkCall => ({
      service: 'SageMaker',
      action,
      parameters,
      physicalResourceId: cr.PhysicalResourceId.of(`${props.groupName}-policy`),
    });
    const resource = new cr.AwsCustomResource(this, 'GroupPolicy', {
      onCreate: call('PutModelPackageGroupPolicy', { ModelPackageGroupName: props.groupName, ResourcePolicy: stack.toJsonString(policy.toJSON()) }),
      onUpdate: call('PutModelPackageGroupPolicy', { ModelPackageGroupName: props.groupName, ResourcePolicy: stack.toJsonString(policy.toJSON()) }),
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
    const singletonRole = stack.node.findChild(`AWS${SINGLETON_UUID}`).node.findChild('ServiceRole');
    Validations.of(singletonRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: "AwsCustomResource's singleton function writes its logs through AWSLambdaBasicExecutionRole; CDK offers no other role.",
    });
  }
}
