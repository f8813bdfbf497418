import { RemovalPolicy } from 'aws-cdk-lib';
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

/** A customer managed KMS key with yearly rotation. */
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
  }
}
