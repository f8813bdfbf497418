import { createHash } from 'node:crypto';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  UpdateModelPackageCommand,
  type CreateModelPackageInput,
  type DescribeModelPackageCommandOutput,
  type Tag,
} from '@aws-sdk/client-sagemaker';
import type { AwsClient } from '../aws-client';
import { AccessDeniedError } from '../errors';
import type { ModelPackageGroupRef } from '../model-registry/arn';
import { latestApprovedModelPackage } from '../model-registry/latest-approved';
import { listModelPackages } from '../model-registry/list';
import { isNotFound, send } from '../private/aws';
import { mapWithConcurrency } from '../private/concurrency';
import { errorNameOf, type RetryOptions, type Sleep } from '../private/retry';
import { checkContainerImages, type EcrClientSource } from './container-images';
import { copyArtifacts, type CopyArtifactsResult } from './copy-artifacts';
import {
  CREATED_BY_TAG,
  PROJECT_ID_KEY,
  PROJECT_ID_TAG,
  PROJECT_NAME_KEY,
  PROJECT_NAME_TAG,
  PROMOTED_BY_KEY,
  REJECTED_BY_PROMOTION,
  SOURCE_MODEL_PACKAGE_ARN_KEY,
} from './lineage';
import { collectS3Uris, rewriteS3Uris } from './s3-uris';

/** The AWS clients one promotion uses (anything with an SDK v3 client's `send`). */
export interface PromoteClients {
  /** SageMaker in the SOURCE group's region (target account credentials; the group policy grants read). */
  readonly sourceSageMaker: AwsClient;
  /** SageMaker in the target region. */
  readonly targetSageMaker: AwsClient;
  /** S3 in the target bucket's region. */
  readonly s3: AwsClient;
  /** ECR, or ECR per region, to check that source-account images are pullable. */
  readonly ecr: EcrClientSource;
}

/** Tuning of the artifact copy. */
export interface PromoteCopyOptions {
  /**
   * Objects, and parts of one object, copied at the same time.
   *
   * @default 8
   */
  readonly concurrency?: number;
  /**
   * Size above which an object is copied with UploadPartCopy.
   *
   * @default 5 GiB
   */
  readonly multipartThresholdBytes?: number;
  /**
   * Size of one UploadPartCopy range.
   *
   * @default 512 MiB
   */
  readonly partSizeBytes?: number;
}

/** Options of {@link promote}. */
export interface PromoteOptions {
  /** The clients to use. */
  readonly clients: PromoteClients;
  /** The source model package group (possibly in another account and region). */
  readonly sourceGroupArn: Pick<ModelPackageGroupRef, 'arn' | 'account' | 'region' | 'name'>;
  /** The account the package is promoted into (the caller's). */
  readonly targetAccount: string;
  /** The model package group receiving the promoted versions; created when absent. */
  readonly targetGroupName: string;
  /** The bucket of the target account receiving the artifacts. */
  readonly targetBucket: string;
  /**
   * KMS key encrypting the copied artifacts (and the promoted package, when the source package has a
   * SecurityConfig).
   *
   * @default - the target bucket's default encryption; the source SecurityConfig is carried as is
   */
  readonly kmsKeyArn?: string;
  /**
   * SageMaker project id, tagged on the created group and recorded in the package's customer metadata.
   *
   * @default - no tag
   */
  readonly projectId?: string;
  /**
   * SageMaker project name, tagged on the created group and recorded in the package's customer metadata.
   *
   * @default - no tag
   */
  readonly projectName?: string;
  /** Who promotes (the promote module's stack name): recorded on packages and the group for cleanup. */
  readonly promotedBy: string;
  /**
   * How retries wait; injected so tests do not wait.
   *
   * @default - setTimeout
   */
  readonly sleep?: Sleep;
  /**
   * How throttling and transient errors are retried (`sleep` above takes precedence).
   *
   * @default - 5 attempts, exponential backoff from 200 ms with jitter
   */
  readonly retry?: RetryOptions;
  /**
   * Tuning of the artifact copy.
   *
   * @default - see PromoteCopyOptions
   */
  readonly copy?: PromoteCopyOptions;
  /**
   * Receives one line per step.
   *
   * @default - silent
   */
  readonly log?: (message: string) => void;
}

/** What one promotion run did; written as JSON by the promote command. */
export interface PromotionReport {
  /**
   * `promoted`: a new target version was registered; `reapproved`: the target copy that an earlier
   * run rejected (its source had been rejected) was approved again; `already-promoted`: nothing to do.
   */
  readonly status: 'promoted' | 'reapproved' | 'already-promoted';
  /** The latest approved source package. */
  readonly sourceModelPackageArn: string;
  /** Its copy in the target group. */
  readonly targetModelPackageArn: string;
  /** The target group. */
  readonly targetModelPackageGroupName: string;
  /** True when this run created the target group. */
  readonly createdModelPackageGroup: boolean;
  /** Target packages set to Rejected by this run because their source was rejected. */
  readonly rejected: string[];
  /** Source-account container images verified pullable by the target account. */
  readonly checkedImages: string[];
  /** The artifact copy. */
  readonly copy: CopyArtifactsResult;
  /** Things a person should look at, that did not stop the run. */
  readonly warnings: string[];
}

/** botocore's sagemaker model: a CustomerMetadataMap holds 1 to 50 entries. */
const MAX_CUSTOMER_METADATA_ENTRIES = 50;

/** SageMaker statuses of a target copy that do not count as an existing promotion. */
const DEAD_PACKAGE_STATUSES = new Set(['Failed', 'Deleting']);

/**
 * Fields of a model package description that CreateModelPackage accepts, carried to the target.
 *
 * SourceUri is not carried: it names what a package is created from, "the model package ARN" to
 * clone or "the model ARN" to register (botocore's sagemaker model, CreateModelPackageInput.SourceUri),
 * so it is an alternative to the InferenceSpecification we copy, and the API rejects the two on one
 * create (the model's text does not say so; the tests' fake registry models it). It would also name
 * a resource of the source account, which the target cannot use.
 */
const CARRIED_FIELDS = [
  'ModelPackageDescription',
  'ModelPackageRegistrationType',
  'InferenceSpecification',
  'ValidationSpecification',
  'SourceAlgorithmSpecification',
  'CertifyForMarketplace',
  'MetadataProperties',
  'ModelMetrics',
  'Domain',
  'Task',
  'SamplePayloadUrl',
  'CustomerMetadataProperties',
  'DriftCheckBaselines',
  'AdditionalInferenceSpecifications',
  'SkipModelValidation',
  'SecurityConfig',
  'ModelCard',
  'ModelLifeCycle',
  'ManagedStorageType',
] as const satisfies readonly (keyof CreateModelPackageInput & keyof DescribeModelPackageCommandOutput)[];

/**
 * ETags of the source objects: a multipart copy has another ETag, so they would no longer match.
 */
const SOURCE_ETAG_FIELDS = new Set(['ETag', 'ManifestEtag', 'ModelDataETag']);

interface TargetCopy {
  readonly arn: string;
  readonly sourceArn: string;
  status: string | undefined;
  approvalDescription: string | undefined;
}

const NO_COPY: CopyArtifactsResult = { copied: [], skipped: [], bytesCopiedServerSide: 0 };

/**
 * Runs one promotion, as a reconciler: whatever event started it, the target ends up matching the
 * source, so two runs in quick succession are both correct and a run after a failure completes the
 * job.
 *
 * 1. Target copies whose source package is now Rejected are set to Rejected.
 * 2. The latest approved source package is found (none: NoApprovedModelPackageError, after step 1).
 * 3. If its approved copy exists, nothing else happens (`already-promoted`).
 * 4. Source-account container images are checked, then artifacts copied server-side (idempotent).
 * 5. The target group is created when absent.
 * 6. The package is registered, Approved, with every S3 URI moved to the target bucket and its
 *    lineage in CustomerMetadataProperties.
 */
export async function promote(options: PromoteOptions): Promise<PromotionReport> {
  const retry: RetryOptions = { ...options.retry, ...(options.sleep !== undefined ? { sleep: options.sleep } : {}) };
  const log = options.log ?? (() => undefined);
  const { sourceSageMaker, targetSageMaker } = options.clients;
  const warnings: string[] = [];
  const targetGroupExists = await modelPackageGroupExists(targetSageMaker, options.targetGroupName, options.targetAccount, retry);

  const copies = targetGroupExists ? await describeTargetCopies(options, retry) : [];
  const rejected = await propagateRejections(options, copies, retry, warnings, log);

  const source = await latestApprovedModelPackage(sourceSageMaker, options.sourceGroupArn.arn, { retry });
  const sourceArn = requireArn(source);
  log(`latest approved source package: ${sourceArn}`);
  const base = {
    sourceModelPackageArn: sourceArn,
    targetModelPackageGroupName: options.targetGroupName,
    createdModelPackageGroup: false,
    rejected,
    warnings,
  };

  const existing = copies.filter((c) => c.sourceArn === sourceArn);
  const approved = existing.find((c) => c.status === 'Approved');
  if (approved !== undefined) {
    log(`already promoted as ${approved.arn}`);
    return { ...base, status: 'already-promoted', targetModelPackageArn: approved.arn, checkedImages: [], copy: NO_COPY };
  }
  const rejectedByUs = existing.find((c) => c.approvalDescription?.startsWith(REJECTED_BY_PROMOTION) === true);
  if (existing.length > 0 && rejectedByUs === undefined) {
    const held = existing[0];
    warnings.push(
      `${held.arn} (copy of ${sourceArn}) is ${held.status ?? 'not approved'} in the target registry and was not ` +
        'rejected by a promotion; it is left as is. Approve it in the target registry to deploy it.',
    );
    return { ...base, status: 'already-promoted', targetModelPackageArn: held.arn, checkedImages: [], copy: NO_COPY };
  }

  // Built before any change, so that a version the API would refuse fails the run at once.
  const createInput = rejectedByUs === undefined ? buildCreateModelPackageInput(source, options) : undefined;
  const checkedImages = await checkContainerImages({
    ecr: options.clients.ecr,
    describeOutput: source,
    sourceAccount: options.sourceGroupArn.account,
    targetAccount: options.targetAccount,
    retry,
  });
  const copy = await copyArtifacts({
    s3: options.clients.s3,
    uris: collectS3Uris(carriedModelPackageFields(source, options.targetAccount)),
    targetBucket: options.targetBucket,
    sourceAccount: options.sourceGroupArn.account,
    targetAccount: options.targetAccount,
    kmsKeyArn: options.kmsKeyArn,
    concurrency: options.copy?.concurrency,
    multipartThresholdBytes: options.copy?.multipartThresholdBytes,
    partSizeBytes: options.copy?.partSizeBytes,
    retry,
    log,
  });

  if (rejectedByUs !== undefined) {
    await send(
      targetSageMaker,
      new UpdateModelPackageCommand({
        ModelPackageArn: rejectedByUs.arn,
        ModelApprovalStatus: 'Approved',
        ApprovalDescription: `Approved by promotion: source model package ${sourceArn} is approved again`,
      }),
      { action: 'sagemaker:UpdateModelPackage', resource: rejectedByUs.arn, account: options.targetAccount },
      retry,
    );
    log(`approved ${rejectedByUs.arn} again`);
    return { ...base, status: 'reapproved', targetModelPackageArn: rejectedByUs.arn, checkedImages, copy };
  }

  const createdModelPackageGroup = targetGroupExists ? false : await createModelPackageGroup(options, retry);
  const created = await send(
    targetSageMaker,
    new CreateModelPackageCommand(createInput ?? buildCreateModelPackageInput(source, options)),
    { action: 'sagemaker:CreateModelPackage', resource: options.targetGroupName, account: options.targetAccount },
    retry,
  );
  if (created.ModelPackageArn === undefined) {
    throw new Error(`CreateModelPackage in ${options.targetGroupName} returned no ModelPackageArn`);
  }
  log(`registered ${created.ModelPackageArn}`);
  return { ...base, status: 'promoted', targetModelPackageArn: created.ModelPackageArn, createdModelPackageGroup, checkedImages, copy };
}

/**
 * The CreateModelPackage input registering `source` in the target group: every field the API accepts
 * carried over, read-only fields dropped, S3 URIs moved to the target bucket, lineage recorded.
 */
export function buildCreateModelPackageInput(
  source: DescribeModelPackageCommandOutput,
  options: Pick<
    PromoteOptions,
    'targetGroupName' | 'targetBucket' | 'targetAccount' | 'kmsKeyArn' | 'projectId' | 'projectName' | 'promotedBy'
  >,
): CreateModelPackageInput {
  const sourceArn = requireArn(source);
  const carried = carriedModelPackageFields(source, options.targetAccount);
  const rewritten = dropSourceEtags(rewriteS3Uris(carried, options.targetBucket)) as Partial<CreateModelPackageInput>;
  const lineage: Record<string, string> = {
    [SOURCE_MODEL_PACKAGE_ARN_KEY]: sourceArn,
    [PROMOTED_BY_KEY]: options.promotedBy,
    ...(options.projectId !== undefined ? { [PROJECT_ID_KEY]: options.projectId } : {}),
    ...(options.projectName !== undefined ? { [PROJECT_NAME_KEY]: options.projectName } : {}),
  };
  const customerMetadata = { ...rewritten.CustomerMetadataProperties, ...lineage };
  const count = Object.keys(customerMetadata).length;
  if (count > MAX_CUSTOMER_METADATA_ENTRIES) {
    const own = Object.keys(rewritten.CustomerMetadataProperties ?? {}).length;
    throw new Error(
      `The customer metadata of ${sourceArn} has ${own} entries and the promotion adds ${Object.keys(lineage).length} ` +
        `(${Object.keys(lineage).join(', ')}), which makes ${count}: SageMaker allows at most ${MAX_CUSTOMER_METADATA_ENTRIES} ` +
        `per model package. Remove at least ${count - MAX_CUSTOMER_METADATA_ENTRIES} entries from the source version ` +
        '(UpdateModelPackage CustomerMetadataPropertiesToRemove), then run the promotion again.',
    );
  }
  return {
    ...rewritten,
    ...(rewritten.SecurityConfig !== undefined && options.kmsKeyArn !== undefined
      ? { SecurityConfig: { ...rewritten.SecurityConfig, KmsKeyId: options.kmsKeyArn } }
      : {}),
    ModelPackageGroupName: options.targetGroupName,
    ModelApprovalStatus: 'Approved',
    // No Tags: a version of a group "uses the tags associated with the model group", and with
    // ModelPackageGroupName "you cannot supply a tag argument" (botocore's sagemaker model,
    // CreateModelPackageInput.Tags). The project is tagged on the group and recorded here.
    CustomerMetadataProperties: customerMetadata,
    ClientToken: clientTokenFor(sourceArn, options.targetAccount, options.targetGroupName),
  };
}

/**
 * The fields of `source` that its promoted copy carries, as in the source (URIs not rewritten): every
 * field CreateModelPackage accepts, less what cannot work in the target account. Its S3 URIs are
 * the artifacts to copy, and only those: an artifact of a field left behind is not needed, and
 * may no longer exist.
 */
export function carriedModelPackageFields(source: DescribeModelPackageCommandOutput, targetAccount: string): Record<string, unknown> {
  const carried: Record<string, unknown> = {};
  for (const field of CARRIED_FIELDS) {
    if (source[field] !== undefined) {
      carried[field] = source[field];
    }
  }
  // Validation jobs run as ValidationRole; a role of another account cannot run them here, and
  // SageMaker would fail the registration, so such a specification stays behind.
  const validationRole = source.ValidationSpecification?.ValidationRole;
  if (validationRole !== undefined && validationRole.split(':')[4] !== targetAccount) {
    delete carried.ValidationSpecification;
  }
  return carried;
}

/**
 * The idempotency token of one promotion: the same source into the same target group always gives
 * the same token (SageMaker's limit: 36 characters of `[a-zA-Z0-9-]`).
 */
export function clientTokenFor(sourceModelPackageArn: string, targetAccount: string, targetGroupName: string): string {
  const hex = createHash('sha256').update(`${sourceModelPackageArn}\n${targetAccount}\n${targetGroupName}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function projectTags(options: Pick<PromoteOptions, 'projectId' | 'projectName'>): Tag[] {
  const tags: Tag[] = [];
  if (options.projectId !== undefined) {
    tags.push({ Key: PROJECT_ID_TAG, Value: options.projectId });
  }
  if (options.projectName !== undefined) {
    tags.push({ Key: PROJECT_NAME_TAG, Value: options.projectName });
  }
  return tags;
}

function dropSourceEtags(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(dropSourceEtags);
  }
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !SOURCE_ETAG_FIELDS.has(key))
        .map(([key, child]) => [key, dropSourceEtags(child)]),
    );
  }
  return value;
}

function requireArn(description: DescribeModelPackageCommandOutput): string {
  if (description.ModelPackageArn === undefined) {
    throw new Error('DescribeModelPackage returned no ModelPackageArn');
  }
  return description.ModelPackageArn;
}

async function modelPackageGroupExists(sagemaker: AwsClient, group: string, account: string, retry: RetryOptions): Promise<boolean> {
  try {
    await send(
      sagemaker,
      new DescribeModelPackageGroupCommand({ ModelPackageGroupName: group }),
      { action: 'sagemaker:DescribeModelPackageGroup', resource: group, account },
      retry,
    );
    return true;
  } catch (error) {
    if (isNotFound(error)) {
      return false;
    }
    throw error;
  }
}

async function describeTargetCopies(options: PromoteOptions, retry: RetryOptions): Promise<TargetCopy[]> {
  const sagemaker = options.clients.targetSageMaker;
  const summaries = await listModelPackages(sagemaker, options.targetGroupName, options.targetAccount, retry);
  const live = summaries.filter((s) => s.ModelPackageArn !== undefined && !DEAD_PACKAGE_STATUSES.has(s.ModelPackageStatus ?? ''));
  const described = await mapWithConcurrency(live, 4, (summary) =>
    send(
      sagemaker,
      new DescribeModelPackageCommand({ ModelPackageName: summary.ModelPackageArn }),
      { action: 'sagemaker:DescribeModelPackage', resource: summary.ModelPackageArn ?? '', account: options.targetAccount },
      retry,
    ),
  );
  const copies: TargetCopy[] = [];
  for (const d of described) {
    const metadata = d.CustomerMetadataProperties ?? {};
    const sourceArn = metadata[SOURCE_MODEL_PACKAGE_ARN_KEY];
    // Only what this module promoted from its configured group is ours to reconcile: another
    // promoter's copies (or ours from a group configured before) may name sources this role cannot
    // read, and their approval is not ours to change.
    if (
      sourceArn !== undefined &&
      metadata[PROMOTED_BY_KEY] === options.promotedBy &&
      isVersionOfGroup(sourceArn, options.sourceGroupArn) &&
      d.ModelPackageArn !== undefined &&
      !DEAD_PACKAGE_STATUSES.has(d.ModelPackageStatus ?? '')
    ) {
      copies.push({ arn: d.ModelPackageArn, sourceArn, status: d.ModelApprovalStatus, approvalDescription: d.ApprovalDescription });
    }
  }
  return copies;
}

/** True when `packageArn` is a version of `group` (`arn:…:<region>:<account>:model-package/<group>/<version>`). */
function isVersionOfGroup(packageArn: string, group: Pick<ModelPackageGroupRef, 'account' | 'region' | 'name'>): boolean {
  const match = /^arn:[^:]+:sagemaker:([^:]+):(\d{12}):model-package\/([^/]+)\/\d+$/.exec(packageArn);
  // Without case: SageMaker lower-cases some names in its ARNs (endpoint ARNs, for one).
  return match !== null && match[1] === group.region && match[2] === group.account && match[3].toLowerCase() === group.name.toLowerCase();
}

async function propagateRejections(
  options: PromoteOptions,
  copies: TargetCopy[],
  retry: RetryOptions,
  warnings: string[],
  log: (message: string) => void,
): Promise<string[]> {
  const sourceStatus = new Map<string, string | undefined>();
  for (const sourceArn of new Set(copies.map((c) => c.sourceArn))) {
    try {
      const source = await send(
        options.clients.sourceSageMaker,
        new DescribeModelPackageCommand({ ModelPackageName: sourceArn }),
        { action: 'sagemaker:DescribeModelPackage', resource: sourceArn, account: options.sourceGroupArn.account },
        retry,
      );
      sourceStatus.set(sourceArn, source.ModelApprovalStatus);
    } catch (error) {
      if (error instanceof AccessDeniedError) {
        // Reconciling an older copy must not block promoting the latest approved version.
        warnings.push(`cannot read the source model package ${sourceArn}, so its target copies are left as they are: ${error.message}`);
        continue;
      }
      if (!isNotFound(error)) {
        throw error;
      }
      warnings.push(`source model package ${sourceArn} no longer exists; its target copies are left as they are`);
    }
  }
  const rejected: string[] = [];
  for (const copy of copies) {
    if (sourceStatus.get(copy.sourceArn) !== 'Rejected' || copy.status === 'Rejected') {
      continue;
    }
    const description = `${REJECTED_BY_PROMOTION} source model package ${copy.sourceArn} is Rejected`;
    await send(
      options.clients.targetSageMaker,
      new UpdateModelPackageCommand({ ModelPackageArn: copy.arn, ModelApprovalStatus: 'Rejected', ApprovalDescription: description }),
      { action: 'sagemaker:UpdateModelPackage', resource: copy.arn, account: options.targetAccount },
      retry,
    );
    copy.status = 'Rejected';
    copy.approvalDescription = description;
    rejected.push(copy.arn);
    log(`rejected ${copy.arn}: its source ${copy.sourceArn} is Rejected`);
  }
  return rejected;
}

async function createModelPackageGroup(options: PromoteOptions, retry: RetryOptions): Promise<boolean> {
  try {
    await send(
      options.clients.targetSageMaker,
      new CreateModelPackageGroupCommand({
        ModelPackageGroupName: options.targetGroupName,
        ModelPackageGroupDescription: `Model packages promoted from ${options.sourceGroupArn.arn}`,
        Tags: [...projectTags(options), { Key: CREATED_BY_TAG, Value: options.promotedBy }],
      }),
      { action: 'sagemaker:CreateModelPackageGroup', resource: options.targetGroupName, account: options.targetAccount },
      retry,
    );
    options.log?.(`created model package group ${options.targetGroupName}`);
    return true;
  } catch (error) {
    // Another run created it between our describe and this call: the group exists, which is the goal.
    if (errorNameOf(error) === 'ConflictException' || (error instanceof Error && /already exists/i.test(error.message))) {
      return false;
    }
    throw error;
  }
}
