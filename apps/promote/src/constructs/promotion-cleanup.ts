import { CustomResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import { acknowledgeControl, acknowledgeGrantWildcards, nagReferencePrefix, onlyResourcesOf } from '@sagemaker-mlops/constructs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { bundlePath } from '@sagemaker-mlops/registry';
import { Construct } from 'constructs';

export interface PromotionCleanupProps {
  readonly targetGroupName: string;
  /** Marker the promote tool writes on what it creates. */
  readonly promotedBy: string;
  /**
   * Whether promoted packages (and a group this module created) outlive the module.
   */
  readonly retainOnDelete: boolean;
  /** Encrypts the handler's logs. */
  readonly encryptionKey: kms.IKey;
}

/**
 * `retain_on_delete` with CloudFormation semantics: a custom resource whose Delete removes the
 * packages this module promoted (and the group it created) unless they are to be retained.
 * Packages are registered at run time by the pipeline, so no template can own them directly.
 */
export class PromotionCleanup extends Construct {
  public readonly resource: CustomResource;
  public readonly handler: lambda.Function;

  constructor(scope: Construct, id: string, props: PromotionCleanupProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const logGroup = (name: string) =>
      new logs.LogGroup(this, name, { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: props.encryptionKey });
    const handlerLogs = logGroup('HandlerLogs');
    const handlerRole = lambdaRole(this, 'HandlerRole', handlerLogs);
    this.handler = new lambda.Function(this, 'Handler', {
      description: `Removes what ${stack.stackName} promoted into ${props.targetGroupName} when it is deleted with retain_on_delete=false`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      code: lambda.Code.fromAsset(bundlePath('promote-cleanup')),
      handler: 'index.handler',
      timeout: Duration.minutes(15),
      memorySize: 256,
      role: handlerRole,
      logGroup: handlerLogs,
    });
    const arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'sagemaker', resource, resourceName });
    handlerRole.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'sagemaker:ListModelPackages',
          'sagemaker:DescribeModelPackage',
          'sagemaker:DescribeModelPackageGroup',
          'sagemaker:ListTags',
          'sagemaker:DeleteModelPackage',
          'sagemaker:DeleteModelPackageGroup',
        ],
        resources: [arn('model-package-group', props.targetGroupName), arn('model-package', `${props.targetGroupName}/*`)],
      }),
    );

    const providerLogs = logGroup('ProviderLogs');
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.handler,
      frameworkOnEventRole: lambdaRole(this, 'ProviderRole', providerLogs),
      logGroup: providerLogs,
    });
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::PromotionCleanup',
      properties: {
        TargetModelPackageGroupName: props.targetGroupName,
        PromotedBy: props.promotedBy,
        RetainOnDelete: String(props.retainOnDelete),
      },
    });
    acknowledgeControl(
      this.handler,
      'CT.LAMBDA.PR.3',
      'Runs only when the stack is deleted and calls only the SageMaker API; the promote module has no VPC of its own ' +
        'to place it in.',
    );
    acknowledgeControl(
      provider.node.findChild('framework-onEvent'),
      'CT.LAMBDA.PR.3',
      "The custom resource Provider framework's own function (CDK's helper) only invokes the handler; CDK places it in " +
        'no VPC unless given one, and this module has none.',
    );
    acknowledgeGrantWildcards(this, [
      {
        covers: onlyResourcesOf(nagReferencePrefix(this.handler)),
        reason: 'The provider framework may invoke every version of the one handler function (CDK-generated grant).',
      },
    ]);
    const nagArn = (resource: string, resourceName: string) => `arn:<AWS::Partition>:sagemaker:${stack.region}:${stack.account}:${resource}/${resourceName}`;
    Validations.of(handlerRole.node.findChild('DefaultPolicy').node.defaultChild!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn('model-package', `${props.targetGroupName}/*`)}]`,
      reason: 'Every version of the one target group: cleanup deletes the versions this module promoted.',
    });
  }
}

/** A Lambda role that writes only to its own log group (instead of AWSLambdaBasicExecutionRole). */
function lambdaRole(scope: Construct, id: string, logGroup: logs.ILogGroup): iam.Role {
  const role = new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  logGroup.grantWrite(role);
  return role;
}
