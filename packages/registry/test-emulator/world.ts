import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateModelPackageCommand, CreateModelPackageGroupCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DUMMY_ACCOUNTS, DUMMY_REGION, type MotoCredentials, type MotoServer } from '@sagemaker-mlops/test-utils';

export const SOURCE_ACCOUNT = DUMMY_ACCOUNTS.source;
export const TARGET_ACCOUNT = DUMMY_ACCOUNTS.tooling;
export const STAGING_ACCOUNT = DUMMY_ACCOUNTS.staging;
export const REGION = DUMMY_REGION;

/** SDK clients of one emulated account. */
export function clientsOf(moto: MotoServer, credentials: MotoCredentials) {
  return {
    s3: new S3Client(moto.clientConfig({ credentials })),
    sagemaker: new SageMakerClient(moto.clientConfig({ credentials })),
  };
}

export async function createBucket(moto: MotoServer, credentials: MotoCredentials, bucket: string, objects: Record<string, string> = {}) {
  const { s3 } = clientsOf(moto, credentials);
  await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  for (const [key, body] of Object.entries(objects)) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

/** A group with one approved version whose model data is `s3://<bucket>/<modelKey>`; returns the version's ARN. */
export async function createApprovedVersion(moto: MotoServer, credentials: MotoCredentials, group: string, bucket: string, modelKey: string) {
  const { sagemaker } = clientsOf(moto, credentials);
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  const created = await sagemaker.send(
    new CreateModelPackageCommand({
      ModelPackageGroupName: group,
      ModelApprovalStatus: 'Approved',
      InferenceSpecification: {
        Containers: [{ Image: `${DUMMY_ACCOUNTS.prod}.dkr.ecr.${REGION}.amazonaws.com/xgboost:1`, ModelDataUrl: `s3://${bucket}/${modelKey}` }],
        SupportedContentTypes: ['text/csv'],
        SupportedResponseMIMETypes: ['text/csv'],
      },
    }),
  );
  return created.ModelPackageArn!;
}
