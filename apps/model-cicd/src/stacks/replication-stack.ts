import { Arn, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EncryptionKey, SecureBucket } from '@sagemaker-mlops/constructs';
import { Construct } from 'constructs';
import { shortHash, type ModelCicdConfig } from '../config';

/** The name of the module's pipeline artifact replication bucket in `region` (S3: at most 63 characters, globally unique). */
export function replicationBucketName(config: ModelCicdConfig, region: string): string {
  return `mlops-repl-${shortHash(config.projectName)}-${config.account}-${region}`;
}

/** The alias of that bucket's key. */
export function replicationKeyAlias(config: ModelCicdConfig, region: string): string {
  return `alias/${replicationBucketName(config, region)}`;
}

/**
 * Every account the module's pipelines deploy into: build and deploy accounts. Their CDK deploy roles
 * read the replicated artifacts.
 */
export function targetAccounts(config: ModelCicdConfig): string[] {
  return [...new Set(config.groups.flatMap((g) => [g.buildEnvironment.account, ...g.deployEnvironments.map((e) => e.account)]))].filter(
    (a) => a !== config.account,
  );
}

/**
 * The regions, other than the tooling account's, that a pipeline of this module deploys into: the
 * build environments' (infra pipeline) and the deploy environments' (deploy pipelines).
 */
export function replicationRegions(config: ModelCicdConfig): string[] {
  return [...new Set(config.groups.flatMap((g) => [g.buildEnvironment.region, ...g.deployEnvironments.map((e) => e.region)]))].filter(
    (r) => r !== config.region,
  );
}

/**
 * The pipelines' artifact replication bucket of one region, in the tooling account, with the house
 * defaults (the one CDK generates has a key without rotation and a bucket without versioning or access
 * logs, which the Control Tower controls refuse). CodePipeline copies each cross-region action's input
 * artifacts into it ("Working with cross-Region actions", CodePipeline User Guide).
 */
export class ReplicationStack extends Stack {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: StackProps & { readonly config: ModelCicdConfig }) {
    super(scope, id, props);
    const config = props.config;
    const key = new EncryptionKey(this, 'Key', {
      description: `Encrypts the pipeline artifacts of ${config.projectName} replicated to ${this.region}`,
      alias: replicationKeyAlias(config, this.region),
      retainOnDelete: false,
    }).key;
    this.bucket = new SecureBucket(this, 'Bucket', {
      bucketName: replicationBucketName(config, this.region),
      encryptionKey: key,
      retainOnDelete: false,
      serverAccessLogsBucket: config.s3AccessLogsBucketArn ? s3.Bucket.fromBucketArn(this, 'AccessLogs', config.s3AccessLogsBucketArn) : undefined,
    }).bucket;
    // The tooling account's pipeline and action roles encrypt and decrypt through S3 only. A key policy
    // statement, because their IAM policies name the key by its alias ARN, which IAM does not match against
    // a key ("Using aliases to control access to KMS keys", AWS KMS Developer Guide).
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ToolingPipelinesUseKeyViaS3',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:PrincipalAccount': config.account, 'kms:ViaService': `s3.${this.region}.${this.urlSuffix}` } },
      }),
    );
    const accounts = targetAccounts(config);
    if (accounts.length > 0) {
      // The deploy roles of the target accounts read the artifacts; their own policies (CDK bootstrap) allow it on their side.
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'TargetAccountsReadArtifacts',
          principals: accounts.map((a) => new iam.AccountPrincipal(a)),
          actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetBucketLocation', 's3:ListBucket'],
          resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
        }),
      );
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'TargetAccountsDecryptArtifacts',
          principals: accounts.map((a) => new iam.AccountPrincipal(a)),
          actions: ['kms:Decrypt', 'kms:DescribeKey'],
          resources: ['*'],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${this.region}.${this.urlSuffix}` } },
        }),
      );
    }
  }
}

/** The replication buckets of every region but `scope`'s, imported by name, for `crossRegionReplicationBuckets`. */
export function importReplicationBuckets(scope: Construct, config: ModelCicdConfig, regions: string[]): Record<string, s3.IBucket> {
  const stack = Stack.of(scope);
  const buckets: Record<string, s3.IBucket> = {};
  for (const region of [...new Set(regions)].filter((r) => r !== stack.region)) {
    const aliasArn = Arn.format({ partition: config.partition, service: 'kms', region, account: config.account, resource: replicationKeyAlias(config, region) }, stack);
    buckets[region] = s3.Bucket.fromBucketAttributes(scope, `Replication-${region}`, {
      bucketName: replicationBucketName(config, region),
      region,
      account: config.account,
      // CodePipeline's artifact store accepts a key alias ARN ("EncryptionKey", ArtifactStore, CodePipeline
      // API reference); the key policy, not these roles' IAM policies, allows the tooling account's use.
      encryptionKey: kms.Key.fromKeyArn(scope, `ReplicationKey-${region}`, aliasArn),
    });
  }
  return buckets;
}
