import { createHash } from 'node:crypto';
import { Aws, CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { EncryptionKey, SecureBucket } from '@sagemaker-mlops/constructs';
import { cdkBootstrapRoleArn } from '@sagemaker-mlops/iam';
import { Construct } from 'constructs';
import type { ProjectTemplateConfig } from '../config';

export interface DeploymentRegionStackProps extends StackProps {
  readonly config: ProjectTemplateConfig;
  /** The module stack's name: the artifact bucket's name is derived from it (one bucket per module). */
  readonly moduleStackName: string;
}

/**
 * The replication bucket name of a module's deployment region: literal, because the product template (one
 * region) cannot reference a resource of another region, and unique per module, account and region.
 */
export function replicationBucketName(moduleStackName: string, account: string, region: string): string {
  const digest = createHash('sha256').update(moduleStackName).digest('hex').slice(0, 8);
  return `sagemaker-projects-${digest}-${account}-${region}`;
}

/**
 * What every project's deploy pipeline needs in the deployment region when it differs from the module's:
 * CodePipeline runs an action of another region only with an artifact store of that region ("There must be an
 * artifact store for the pipeline Region and for each cross-region action in the pipeline", AWS::CodePipeline::Pipeline
 * ArtifactStoreMap, AWS CloudFormation Template Reference), and a cross-account action needs a customer managed
 * key identified by its key ARN, not an alias ("For cross-account actions, you can only use the key ID or key ARN",
 * AWS::CodePipeline::Pipeline EncryptionKey). A Service Catalog product stack is one region, so the module creates
 * them here, in the dev account, once for all its projects; CodePipeline copies each execution's artifacts into it.
 *
 * The preprod and prod accounts' CDK bootstrap roles (deploy and cfn-exec, in the deployment region) read the
 * templates from it and decrypt them; dev's roles get their access from their own identity policies (the key
 * policy delegates to the account, as every CDK key does).
 */
export class DeploymentRegionStack extends Stack {
  public readonly artifactKey: kms.Key;
  public readonly artifactBucket: s3.Bucket;
  /** The bucket's name, literal (the product template names it). */
  public readonly artifactBucketName: string;

  constructor(scope: Construct, id: string, props: DeploymentRegionStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.artifactKey = new EncryptionKey(this, 'ArtifactKey', {
      description: `Deploy pipeline artifacts of the SageMaker projects of ${props.moduleStackName}, replicated to ${this.region}`,
    }).key;
    this.artifactBucketName = replicationBucketName(props.moduleStackName, config.account, this.region);
    this.artifactBucket = new SecureBucket(this, 'ArtifactBucket', {
      bucketName: this.artifactBucketName,
      encryptionKey: this.artifactKey,
      // Replicated artifacts are copies of the module-region pipeline bucket's, needed only during an execution.
      noncurrentVersionExpirationDays: 30,
    }).bucket;

    // The condition, not the role ARNs as principals: a policy naming a role that does not exist yet fails.
    const stageRoleArns = [config.preprodAccount, config.prodAccount].flatMap((account) =>
      (['deploy', 'cfn-exec'] as const).map((kind) => cdkBootstrapRoleArn(this, { account, region: this.region, kind, qualifier: config.cdkBootstrapQualifier })),
    );
    const principals = [...new Set([config.preprodAccount, config.prodAccount])].map((a) => new iam.AccountPrincipal(a));
    this.artifactBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'StageBootstrapRolesReadArtifacts',
        principals,
        actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetBucketLocation'],
        resources: [this.artifactBucket.bucketArn, this.artifactBucket.arnForObjects('*')],
        conditions: { ArnEquals: { 'aws:PrincipalArn': stageRoleArns } },
      }),
    );
    this.artifactKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'StageBootstrapRolesDecryptArtifacts',
        principals,
        actions: ['kms:Decrypt', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: { ArnEquals: { 'aws:PrincipalArn': stageRoleArns }, StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.${Aws.URL_SUFFIX}` } },
      }),
    );
    new CfnOutput(this, 'ArtifactBucketName', { value: this.artifactBucket.bucketName });
    new CfnOutput(this, 'ArtifactKeyArn', { value: this.artifactKey.keyArn });
  }
}
