import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface EncryptionKeyProps {
  /** What the key protects; shown in the KMS console. */
  readonly description: string;
  /** @default - no alias */
  readonly alias?: string;
  /**
   * Keys that protect model artifacts outlive the stack unless the user opts out: deleting the key
   * makes every object it encrypted unreadable.
   *
   * @default true
   */
  readonly retainOnDelete?: boolean;
}

/**
 * A customer managed KMS key with yearly rotation, whose grants only AWS services may create.
 *
 * The key policy denies `kms:CreateGrant` to every principal unless an AWS service integrated with KMS makes the
 * request on the principal's behalf (`kms:GrantIsForAWSResource`) or the caller is an AWS service
 * (`aws:PrincipalIsAWSService`), as the AWS Control Tower proactive control CT.KMS.PR.3 requires ("Controlling
 * access to grants", AWS KMS Developer Guide, https://docs.aws.amazon.com/kms/latest/developerguide/grant-authorization.html).
 * Services that use the key for their resources (SageMaker volumes, EBS, ...) keep creating their grants.
 */
export class EncryptionKey extends Construct {
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Resource', {
      description: props.description,
      alias: props.alias,
      enableKeyRotation: true,
      removalPolicy: props.retainOnDelete ?? true ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.key.addToResourcePolicy(
      denyGrantsNotForAwsResources(),
    );
  }
}

/**
 * The key policy statement that denies `kms:CreateGrant` unless the grant is for an AWS resource (a service
 * creating it on a principal's behalf): every key of this repository carries it, CDK's own keys included.
 */
export function denyGrantsNotForAwsResources(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyGrantsNotForAwsResources',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    // In a key policy, "*" is the key itself.
    resources: ['*'],
    // BoolIfExists: a request without the key (no service involved) counts as false and is denied.
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  });
}
