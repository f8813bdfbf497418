import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EncryptionKey, SecureBucket } from '@sagemaker-mlops/constructs';
import { crossAccountKmsStatements } from '@sagemaker-mlops/iam';
import { Construct } from 'constructs';

/** Stage accounts (or OUs) and the name of the execution role their endpoints run with. */
export interface ArtifactReaders {
  /** @default - none */
  readonly accounts?: readonly string[];
  /** @default - none */
  readonly ouIds?: readonly string[];
  /** Names of the endpoint execution roles, one per stage. */
  readonly roleNames: readonly string[];
}

export interface ModelArtifactsProps {
  /** A literal name: the endpoint template, synthesized separately, names the bucket. */
  readonly bucketName: string;
  readonly readers: ArtifactReaders;
  /** Whether the bucket, its objects and its key outlive the stack. */
  readonly retainOnDelete: boolean;
  /**
   * Bucket (same account and region) that receives the bucket's server access logs.
   *
   * @default - SecureBucket creates a log bucket
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
}

/**
 * The bucket the model build writes artifacts to, and its key. The endpoint execution roles of the
 * stage accounts may read the objects and decrypt them through S3 only.
 *
 * The roles do not exist when this stack deploys (the pipeline creates them later), and a policy
 * naming a missing role is rejected; so the principal is the account, narrowed by `aws:PrincipalArn`.
 */
export class ModelArtifacts extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: ModelArtifactsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new EncryptionKey(this, 'Key', {
      description: `Model artifacts in ${props.bucketName}, readable by the endpoint execution roles of the stage accounts`,
      retainOnDelete: props.retainOnDelete,
    }).key;
    this.bucket = new SecureBucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryptionKey: this.key,
      retainOnDelete: props.retainOnDelete,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
    }).bucket;

    const accounts = [...new Set(props.readers.accounts ?? [])];
    const ouIds = props.readers.ouIds ?? [];
    const roleArn = (account: string, roleName: string) =>
      stack.formatArn({ service: 'iam', region: '', account, resource: 'role', resourceName: roleName });

    if (accounts.length > 0) {
      const roleArns = accounts.flatMap((account) => props.readers.roleNames.map((name) => roleArn(account, name)));
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'EndpointExecutionRolesReadModels',
          principals: accounts.map((account) => new iam.AccountPrincipal(account)),
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
          resources: [this.bucket.arnForObjects('*')],
          conditions: { ArnEquals: { 'aws:PrincipalArn': roleArns } },
        }),
      );
      // In its own account the default key policy delegates to IAM, and the role's policy grants the key.
      const others = accounts.filter((a) => a !== stack.account);
      if (others.length > 0) {
        for (const statement of crossAccountKmsStatements({ accounts: others, region: stack.region, usage: 'decrypt', viaServices: ['s3'] })) {
          statement.addCondition('ArnEquals', { 'aws:PrincipalArn': others.flatMap((a) => props.readers.roleNames.map((name) => roleArn(a, name))) });
          this.key.addToResourcePolicy(statement);
        }
      }
    }
    if (ouIds.length > 0) {
      const conditions = {
        'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': ouIds.map((ou) => `*/${ou}/*`) },
        ArnLike: { 'aws:PrincipalArn': props.readers.roleNames.map((name) => roleArn('*', name)) },
      };
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'OrganizationalUnitEndpointRolesReadModels',
          principals: [new iam.AnyPrincipal()],
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
          resources: [this.bucket.arnForObjects('*')],
          conditions,
        }),
      );
      this.key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'OrganizationalUnitEndpointRolesDecryptViaS3',
          principals: [new iam.AnyPrincipal()],
          actions: ['kms:Decrypt', 'kms:DescribeKey'],
          resources: ['*'],
          conditions: { ...conditions, StringEquals: { 'kms:ViaService': `s3.${stack.region}.${Aws.URL_SUFFIX}` } },
        }),
      );
    }
  }
}
