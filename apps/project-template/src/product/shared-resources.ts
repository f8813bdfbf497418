import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EncryptionKey, ModelRegistryAccess, SecureBucket } from '@sagemaker-mlops/constructs';
import { Construct } from 'constructs';
import { projectNames } from './names';

export interface SharedResourcesProps {
  /** `SageMakerProjectName`. */
  readonly projectName: string;
  /** `SageMakerProjectId`. */
  readonly projectId: string;
  /** The accounts that deploy the project's models (`PreProdAccount`, `ProdAccount`). */
  readonly consumerAccounts: string[];
  /**
   * Bucket receiving the server access logs of the project's buckets.
   *
   * @default - each bucket gets an access-log bucket of its own
   */
  readonly serverAccessLogsBucketArn?: string;
}

/**
 * The resources both CI/CD pipelines share (seed document, "Shared Resources"): the artifact bucket and its
 * key (pipeline outputs and models; read-only for preprod and prod, through S3 only), the model package
 * group `<name>-<id>` with a read-only policy for preprod and prod, the pipeline bucket and its key (dev
 * only), and the ECR repository (scan on push, immutable tags, pull for preprod and prod).
 *
 * Everything that holds models is retained when the project is deleted: the reference's DESTROY buckets
 * could not be deleted once they held objects, and deleting a key makes every model it encrypted unreadable.
 */
export class SharedResources extends Construct {
  public readonly artifactKey: kms.Key;
  public readonly artifactBucket: s3.Bucket;
  public readonly pipelineKey: kms.Key;
  public readonly pipelineBucket: s3.Bucket;
  public readonly registry: ModelRegistryAccess;
  public readonly repository: ecr.Repository;
  public readonly modelPackageGroupName: string;

  constructor(scope: Construct, id: string, props: SharedResourcesProps) {
    super(scope, id);
    const names = projectNames(props.projectName, props.projectId);
    this.modelPackageGroupName = names.modelPackageGroup;
    const accessLogs = (id: string) =>
      props.serverAccessLogsBucketArn ? s3.Bucket.fromBucketArn(this, id, props.serverAccessLogsBucketArn) : undefined;
    const consumers = props.consumerAccounts.map((a) => new iam.AccountPrincipal(a));

    this.artifactKey = new EncryptionKey(this, 'ArtifactsBucketKMSKey', {
      description: `Encrypts the SageMaker pipeline outputs and models of project ${props.projectName} (${props.projectId})`,
    }).key;
    this.artifactBucket = new SecureBucket(this, 'S3Artifact', {
      encryptionKey: this.artifactKey,
      serverAccessLogsBucket: accessLogs('ArtifactAccessLogs'),
    }).bucket;
    // Preprod and prod read the models they deploy (the endpoint's execution role); they never write
    // (the reference grants them s3:Put*).
    this.artifactBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DeployAccountsReadModels',
        principals: consumers,
        actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket'],
        resources: [this.artifactBucket.bucketArn, this.artifactBucket.arnForObjects('*')],
      }),
    );
    // kms:ViaService limits the deploy accounts to decrypting what they read through S3 in this region.
    this.artifactKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DeployAccountsDecryptModelsViaS3',
        principals: consumers,
        actions: ['kms:Decrypt', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.${Aws.URL_SUFFIX}` } },
      }),
    );

    this.registry = new ModelRegistryAccess(this, 'ModelPackageGroup', {
      groupName: names.modelPackageGroup,
      consumerAccounts: props.consumerAccounts,
      createGroup: true,
      retainOnDelete: true,
      description: `Models of SageMaker project ${props.projectName} (${props.projectId}), read-only for the preprod and prod accounts`,
    });

    this.pipelineKey = new EncryptionKey(this, 'PipelineBucketKMSKey', {
      description: `Encrypts the CodePipeline artifacts of project ${props.projectName} (${props.projectId})`,
      // Pipeline artifacts are intermediate; they are reproduced by running the pipeline again.
      retainOnDelete: false,
    }).key;
    // CloudWatch Logs encrypts the build logs with this key.
    this.pipelineKey.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${Aws.REGION}.${Aws.URL_SUFFIX}`));
    this.pipelineBucket = new SecureBucket(this, 'PipelineBucket', {
      encryptionKey: this.pipelineKey,
      retainOnDelete: false,
      serverAccessLogsBucket: accessLogs('PipelineAccessLogs'),
      noncurrentVersionExpirationDays: 30,
    }).bucket;

    this.repository = new ecr.Repository(this, 'ImageRepository', {
      repositoryName: names.ecrRepository,
      imageScanOnPush: true,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      // AES256: a customer managed key would need grants for every account that pulls.
      encryption: ecr.RepositoryEncryption.AES_256,
      removalPolicy: RemovalPolicy.RETAIN,
      // Tags are immutable, so untagged images are only layers of failed or superseded pushes (CT.ECR.PR.1).
      lifecycleRules: [{ description: 'Expire untagged images after 30 days', tagStatus: ecr.TagStatus.UNTAGGED, maxImageAge: Duration.days(30) }],
    });
    // SageMaker in preprod and prod pulls the project's inference images with the endpoint's execution role.
    this.repository.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DeployAccountsPullImages',
        principals: consumers,
        actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
      }),
    );
  }
}
