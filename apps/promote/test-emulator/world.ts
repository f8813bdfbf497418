import { CreateBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  DUMMY_ACCOUNTS,
  DUMMY_REGION,
  policyForMoto,
  resolveIntrinsics,
  rolePolicyFromTemplate,
  type MotoCredentials,
  type MotoServer,
  type PolicyDocument,
  type PolicyStatement,
  type TemplateLike,
} from '@sagemaker-mlops/test-utils';

export const SOURCE_ACCOUNT = DUMMY_ACCOUNTS.source;
export const TARGET_ACCOUNT = DUMMY_ACCOUNTS.tooling;
export const REGION = DUMMY_REGION;
export const SOURCE_BUCKET = 'mlops-source-artifacts';
const MIB = 1024 * 1024;
/** moto emulates the commercial partition only. */
const PARTITION = 'aws';
/** Above the lowered multipart threshold of the tests (5 MiB, S3's smallest part): copied with UploadPartCopy in 2 parts. */
export const LARGE_OBJECT_BYTES = 6 * MIB + 17;

/** The synthesized pipeline stack, as the unit tests synthesize it, reduced to what the emulated run needs. */
export interface SynthesizedPromotion {
  readonly template: TemplateLike & Record<string, any>;
  /** The CodeBuild project's environment variables, resolved for the emulated target account. */
  readonly environment: Record<string, string>;
  /** The promote role's identity policy, resolved. */
  readonly promotePolicy: PolicyDocument;
  /** The cleanup Lambda role's identity policy, resolved. */
  readonly cleanupPolicy: PolicyDocument;
  /** The cleanup custom resource's properties, resolved. */
  readonly cleanupProperties: Record<string, string>;
}

export function synthesized(stack: Stack): SynthesizedPromotion {
  const template = Template.fromStack(stack).toJSON();
  const values = { account: TARGET_ACCOUNT, region: REGION, stackName: stack.stackName };
  const find = (type: string, idPart: string) => {
    const ids = Object.keys(template.Resources).filter((id) => template.Resources[id].Type === type && id.includes(idPart));
    if (ids.length !== 1) throw new Error(`expected one ${type} named *${idPart}*, found ${ids.join(', ') || 'none'}`);
    return ids[0];
  };
  const project = template.Resources[find('AWS::CodeBuild::Project', 'PromoteProject')];
  const variables = resolveIntrinsics(project.Properties.Environment.EnvironmentVariables, template, values) as Array<{
    Name: string;
    Value: string;
  }>;
  const cleanup = template.Resources[find('Custom::PromotionCleanup', 'PromotionCleanup')];
  const { ServiceToken: _token, ...properties } = cleanup.Properties;
  const cleanupProperties = resolveIntrinsics(properties, template, values);
  return {
    template,
    environment: Object.fromEntries(variables.map((v) => [v.Name, v.Value])),
    promotePolicy: rolePolicyFromTemplate(template, find('AWS::IAM::Role', 'PromoteRole'), values),
    cleanupPolicy: rolePolicyFromTemplate(template, find('AWS::IAM::Role', 'CleanupHandlerRole'), values),
    cleanupProperties,
  };
}

/**
 * The promote role's policy as moto can enforce it. `s3:ResourceAccount` (the source artifact buckets,
 * unknown at deploy time) becomes the buckets the source account owns in the emulator; `kms:ViaService`
 * stays on statements moto never exercises here (no KMS key is used), so it is dropped.
 */
export function promotePolicyForMoto(policy: PolicyDocument): PolicyDocument {
  return policyForMoto(policy, {
    conditions: {
      's3:ResourceAccount': (s) => {
        if (JSON.stringify(s.Condition) !== JSON.stringify({ StringEquals: { 's3:ResourceAccount': SOURCE_ACCOUNT } })) {
          throw new Error(`unexpected s3:ResourceAccount condition ${JSON.stringify(s.Condition)}`);
        }
        return { ...s, Resource: [`arn:${PARTITION}:s3:::${SOURCE_BUCKET}`, `arn:${PARTITION}:s3:::${SOURCE_BUCKET}/*`] };
      },
      'kms:ViaService': (s) => s,
    },
  });
}

/**
 * The statements of `policy` that grant something in `account`: what the source account's side of a
 * cross-account call checks. moto does not resolve a cross-account read by ARN (verification.md), so
 * the tool's source-registry calls are made in the source account, as a role holding exactly these.
 */
export function statementsOnAccount(policy: PolicyDocument, account: string): PolicyDocument {
  const onAccount = (s: PolicyStatement) => {
    const resources = s.Resource === undefined ? [] : typeof s.Resource === 'string' ? [s.Resource] : s.Resource;
    return resources.some((r) => r.split(':')[4] === account) || JSON.stringify(s.Condition ?? {}).includes(account);
  };
  return { Version: policy.Version, Statement: policy.Statement.filter(onAccount) };
}

/** SDK clients on the emulator. */
export function clients(moto: MotoServer, credentials: MotoCredentials) {
  return {
    s3: new S3Client(moto.clientConfig({ credentials })),
    sagemaker: new SageMakerClient(moto.clientConfig({ credentials })),
  };
}

export interface SourceVersion {
  readonly arn: string;
  readonly modelDataKey: string;
}

/**
 * The source account's registry and artifacts: three versions of `groupName`; v1 and v2 Approved, v3
 * pending. v2 (the latest approved) has a model larger than the lowered multipart threshold, a code
 * PREFIX (a URI ending in `/`) holding two objects, and a validation specification that stays behind.
 */
export async function createSourceWorld(moto: MotoServer, groupName: string): Promise<SourceVersion[]> {
  const admin = clients(moto, await moto.adminCredentials(SOURCE_ACCOUNT));
  await admin.s3.send(new CreateBucketCommand({ Bucket: SOURCE_BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  const put = (Key: string, Body: string | Uint8Array) => admin.s3.send(new PutObjectCommand({ Bucket: SOURCE_BUCKET, Key, Body }));
  await put('models/churn/v1/model.tar.gz', 'model v1');
  await put('models/churn/v2/model.tar.gz', new Uint8Array(LARGE_OBJECT_BYTES).fill(7));
  // A key with a space and a '+': CopySource must be URL-encoded.
  await put('models/churn/v2/code/inference handler+1.py', 'def handler(): pass');
  await put('models/churn/v2/code/requirements.txt', 'xgboost');
  await put('models/churn/v3/model.tar.gz', 'model v3');

  await admin.sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: groupName }));
  const versions: SourceVersion[] = [];
  for (const [version, status] of [
    [1, 'Approved'],
    [2, 'Approved'],
    [3, 'PendingManualApproval'],
  ] as const) {
    const modelDataKey = `models/churn/v${version}/model.tar.gz`;
    const created = await admin.sagemaker.send(
      new CreateModelPackageCommand({
        ModelPackageGroupName: groupName,
        ModelPackageDescription: `churn v${version}`,
        ModelApprovalStatus: status,
        InferenceSpecification: {
          Containers: [
            {
              // An image of another account than the source: the promote tool checks only source-account images.
              Image: `${DUMMY_ACCOUNTS.prod}.dkr.ecr.${REGION}.amazonaws.com/xgboost:1.7-1`,
              ModelDataUrl: `s3://${SOURCE_BUCKET}/${modelDataKey}`,
              ...(version === 2 ? { Environment: { SAGEMAKER_SUBMIT_DIRECTORY: `s3://${SOURCE_BUCKET}/models/churn/v2/code/` } } : {}),
            },
          ],
          SupportedContentTypes: ['text/csv'],
          SupportedResponseMIMETypes: ['text/csv'],
          SupportedRealtimeInferenceInstanceTypes: ['ml.m5.large'],
        },
        CustomerMetadataProperties: { 'training-job': `churn-${version}` },
        // A validation specification whose role belongs to the source account stays behind (a role of
        // another account cannot run validation jobs in the target), and so does its dataset, which
        // no longer exists in the source bucket.
        ...(version === 2
          ? {
              ValidationSpecification: {
                ValidationRole: `arn:${PARTITION}:iam::${SOURCE_ACCOUNT}:role/model-validation`,
                ValidationProfiles: [
                  {
                    ProfileName: 'smoke',
                    TransformJobDefinition: {
                      TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${SOURCE_BUCKET}/validation/deleted/` } } },
                      TransformOutput: { S3OutputPath: `s3://${SOURCE_BUCKET}/validation/output/` },
                      TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
                    },
                  },
                ],
              },
            }
          : {}),
      }),
    );
    versions.push({ arn: created.ModelPackageArn!, modelDataKey });
  }
  // The premise of the tests: moto keeps the validation specification, so the tool sees it.
  const v2 = await admin.sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: versions[1].arn }));
  if (v2.ValidationSpecification?.ValidationProfiles?.[0]?.TransformJobDefinition === undefined) {
    throw new Error('moto dropped the ValidationSpecification of v2: the test world no longer holds what it should');
  }
  return versions;
}

export async function createTargetBucket(moto: MotoServer, bucket: string): Promise<void> {
  const admin = clients(moto, await moto.adminCredentials(TARGET_ACCOUNT));
  await admin.s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: REGION } }));
}

/** The target account's registry and bucket, as an administrator sees them: compared before and after a run. */
export async function targetState(moto: MotoServer, groupName: string, bucket: string) {
  const admin = clients(moto, await moto.adminCredentials(TARGET_ACCOUNT));
  const summaries = (await admin.sagemaker.send(new ListModelPackagesCommand({ ModelPackageGroupName: groupName, SortBy: 'CreationTime' })))
    .ModelPackageSummaryList ?? [];
  const packages = [];
  for (const summary of summaries) {
    const d = await admin.sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: summary.ModelPackageArn }));
    packages.push({
      arn: d.ModelPackageArn,
      status: d.ModelApprovalStatus,
      approvalDescription: d.ApprovalDescription,
      inference: d.InferenceSpecification,
      metadata: d.CustomerMetadataProperties,
      sourceUri: d.SourceUri,
    });
  }
  const objects = [];
  for (const o of (await admin.s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []) {
    const head = await admin.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: o.Key }));
    objects.push({ key: o.Key, size: o.Size, etag: o.ETag, metadata: head.Metadata, lastModified: head.LastModified?.toISOString() });
  }
  return { packages, objects };
}
