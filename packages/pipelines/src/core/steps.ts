import type { Condition } from './conditions';
import {
  type BooleanValue,
  collectExpressions,
  isExpression,
  Join,
  type Json,
  type NumberValue,
  PropertyFile,
  renderTree,
  StepProperty,
  type StringValue,
  type Value,
} from './expressions';

/** The step types of the definition (`Type`); `Model` is CreateModel. */
export type StepType = 'Processing' | 'Training' | 'Condition' | 'RegisterModel' | 'Model' | 'Transform' | 'Fail';

/** The job kinds whose instance types the API enumerates (botocore: ProcessingInstanceType, ...). */
export type InstanceKind = 'Processing' | 'Training' | 'Transform' | 'Inference';

/**
 * Step caching (`CacheConfig`): a step whose arguments did not change reuses the last successful run's
 * result within `expireAfter` (an ISO 8601 duration, e.g. `PT12H`, `P30D`).
 */
export interface CacheConfig {
  /** @default true */
  readonly enabled?: boolean;
  readonly expireAfter: string;
}

/** The exception types of a retry policy (SageMaker Pipelines developer guide, "Retry Policy for Pipeline Steps"). */
export type RetryExceptionType =
  | 'Step.SERVICE_FAULT'
  | 'Step.THROTTLING'
  | 'SageMaker.JOB_INTERNAL_ERROR'
  | 'SageMaker.CAPACITY_ERROR'
  | 'SageMaker.RESOURCE_LIMIT';

/** One item of a step's `RetryPolicies`. */
export interface RetryPolicy {
  readonly exceptionTypes: readonly RetryExceptionType[];
  /** Seconds before the first retry. @default 1 */
  readonly intervalSeconds?: number;
  /** Multiplier of the interval per retry. @default 2 */
  readonly backoffRate?: number;
  /** Maximum retries; exclusive with `expireAfterMinutes`. @default - `expireAfterMinutes`, or the service default */
  readonly maxAttempts?: number;
  /** Retry until this many minutes have passed; exclusive with `maxAttempts`. @default - `maxAttempts` */
  readonly expireAfterMinutes?: number;
}

/** What every step takes. */
export interface StepOptions {
  /** The step name, unique in the pipeline (StepName: up to 64 of `[A-Za-z0-9_-]`). */
  readonly name: string;
  /** @default - none */
  readonly displayName?: string;
  /** @default - none */
  readonly description?: string;
  /**
   * Steps this one runs after, beyond those whose properties it references (those are inferred).
   *
   * @default - only the inferred dependencies
   */
  readonly dependsOn?: ReadonlyArray<Step | string>;
}

/** Options of the steps that run a SageMaker job. */
export interface JobStepOptions extends StepOptions {
  /** @default - no caching */
  readonly cache?: CacheConfig;
  /** @default - no retries */
  readonly retryPolicies?: readonly RetryPolicy[];
}

/** VPC placement of a job (`NetworkConfig.VpcConfig` / `VpcConfig`). */
export interface VpcConfig {
  readonly subnets: readonly StringValue[];
  readonly securityGroupIds: readonly StringValue[];
}

/** A pipeline step. */
export abstract class Step {
  abstract readonly type: StepType;
  readonly name: string;

  constructor(readonly options: StepOptions) {
    this.name = options.name;
  }

  /** The step's `Arguments` as a tree of literals and expressions. */
  protected abstract argumentTree(): unknown;

  /** A property of this step, e.g. `ModelArtifacts.S3ModelArtifacts` (a member of the job's Describe* response). */
  property(path: string): StepProperty {
    return new StepProperty(this, path);
  }

  /** Explicit dependencies, by name. */
  get explicitDependencies(): string[] {
    return (this.options.dependsOn ?? []).map((d) => (typeof d === 'string' ? d : d.name));
  }

  /** Every expression the step uses, with the field it is in. */
  expressions(): Array<{ path: string; expression: import('./expressions').Expression }> {
    return collectExpressions(this.argumentTree(), 'Arguments');
  }

  /** The instance types the step asks for, with the job kind each must belong to. */
  instanceTypeFields(): Array<{ field: string; value: StringValue; kind: InstanceKind }> {
    return [];
  }

  /** The steps nested in this one (Condition branches). */
  children(): Step[] {
    return [];
  }

  /** The property files the step writes. */
  get propertyFiles(): readonly PropertyFile[] {
    return [];
  }

  get cache(): CacheConfig | undefined {
    return undefined;
  }

  get retryPolicies(): readonly RetryPolicy[] {
    return [];
  }

  /** The step as the definition's `Steps` item. */
  toJson(): Json {
    const out: { [key: string]: Json } = { Name: this.name, Type: this.type, Arguments: renderTree(this.argumentTree()) };
    const dependsOn = this.explicitDependencies;
    if (dependsOn.length > 0) out.DependsOn = dependsOn;
    if (this.options.displayName !== undefined) out.DisplayName = this.options.displayName;
    if (this.options.description !== undefined) out.Description = this.options.description;
    if (this.cache) out.CacheConfig = { Enabled: this.cache.enabled ?? true, ExpireAfter: this.cache.expireAfter };
    if (this.retryPolicies.length > 0) out.RetryPolicies = this.retryPolicies.map(renderRetryPolicy);
    if (this.propertyFiles.length > 0) out.PropertyFiles = this.propertyFiles.map((f) => f.toJson());
    return out;
  }
}

function renderRetryPolicy(policy: RetryPolicy): Json {
  const out: { [key: string]: Json } = {
    ExceptionType: [...policy.exceptionTypes],
    IntervalSeconds: policy.intervalSeconds ?? 1,
    BackoffRate: policy.backoffRate ?? 2,
  };
  if (policy.maxAttempts !== undefined) out.MaxAttempts = policy.maxAttempts;
  if (policy.expireAfterMinutes !== undefined) out.ExpireAfterMin = policy.expireAfterMinutes;
  return out;
}

/** A processing, training or transform job: one instance type, of the job's own kind. */
abstract class JobStep extends Step {
  abstract readonly type: 'Processing' | 'Training' | 'Transform';
  /** Where the request holds the instance type, under `Arguments`. */
  protected abstract readonly instanceTypeField: string;
  constructor(readonly jobOptions: JobStepOptions & { readonly instanceType: StringValue }) {
    super(jobOptions);
  }
  instanceTypeFields() {
    return [{ field: `Arguments.${this.instanceTypeField}`, value: this.jobOptions.instanceType, kind: this.type }];
  }
  get cache(): CacheConfig | undefined {
    return this.jobOptions.cache;
  }
  get retryPolicies(): readonly RetryPolicy[] {
    return this.jobOptions.retryPolicies ?? [];
  }
}

/** A hyperparameter or environment value: the API takes strings only. */
function asApiString(value: Value): StringValue {
  if (isExpression(value)) return value.valueType === 'string' ? value : Join.of('', value);
  return String(value);
}

function stringMap(values: Readonly<Record<string, Value>> | undefined): Record<string, StringValue> | undefined {
  if (values === undefined) return undefined;
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, asApiString(v)]));
}

function vpc(config: VpcConfig | undefined) {
  return config && { SecurityGroupIds: [...config.securityGroupIds], Subnets: [...config.subnets] };
}

/** The local folder a processing job's code is downloaded to. */
export const PROCESSING_CODE_DIR = '/opt/ml/processing/input/code';

/** An S3 input of a processing job. */
export interface ProcessingInput {
  readonly name: string;
  /** The S3 URI (object or prefix). */
  readonly source: StringValue;
  /** The local path in the container, under /opt/ml/processing. */
  readonly destination: string;
  /** @default 'S3Prefix' */
  readonly s3DataType?: 'S3Prefix' | 'ManifestFile';
  /** @default 'File' */
  readonly inputMode?: 'File' | 'Pipe';
}

/** An S3 output of a processing job. */
export interface ProcessingOutput {
  readonly name: string;
  /** The local path in the container, under /opt/ml/processing. */
  readonly source: string;
  /** The S3 URI the output is uploaded to. */
  readonly destination: StringValue;
  /** @default 'EndOfJob' */
  readonly uploadMode?: 'EndOfJob' | 'Continuous';
}

export interface ProcessingStepOptions extends JobStepOptions {
  readonly role: StringValue;
  readonly imageUri: StringValue;
  readonly instanceType: StringValue;
  readonly instanceCount: NumberValue;
  /** @default 30 */
  readonly volumeSizeInGb?: NumberValue;
  /** KMS key of the instance volumes. @default - AWS managed */
  readonly volumeKmsKeyId?: StringValue;
  /** KMS key of the outputs. @default - the bucket's default encryption */
  readonly outputKmsKeyId?: StringValue;
  /**
   * A Python script run with `python3`: the S3 prefix that holds it (downloaded to
   * /opt/ml/processing/input/code as the input `code`) and its file name.
   *
   * @default - the image's own entrypoint (`entrypoint`)
   */
  readonly code?: { readonly s3Prefix: StringValue; readonly file: string };
  /** @default - the image's, or `python3 <code>` */
  readonly entrypoint?: readonly string[];
  /** @default - none */
  readonly containerArguments?: readonly StringValue[];
  /** @default - none */
  readonly inputs?: readonly ProcessingInput[];
  /** @default - none */
  readonly outputs?: readonly ProcessingOutput[];
  /** @default - none */
  readonly environment?: Readonly<Record<string, Value>>;
  /** @default - no VPC */
  readonly vpc?: VpcConfig;
  /** @default 86400 (one day) */
  readonly maxRuntimeSeconds?: number;
  /** JSON files of the outputs that `JsonGet` reads. @default - none */
  readonly propertyFiles?: readonly PropertyFile[];
}

/** A processing job; `Arguments` is a CreateProcessingJob request without ProcessingJobName. */
export class ProcessingStep extends JobStep {
  readonly type = 'Processing' as const;
  protected readonly instanceTypeField = 'ProcessingResources.ClusterConfig.InstanceType';
  constructor(readonly props: ProcessingStepOptions) {
    super(props);
  }

  /** `ProcessingOutputConfig.Outputs['<name>'].S3Output.S3Uri`. */
  outputUri(outputName: string): StepProperty {
    return this.property(`ProcessingOutputConfig.Outputs['${outputName}'].S3Output.S3Uri`);
  }

  get propertyFiles(): readonly PropertyFile[] {
    return this.props.propertyFiles ?? [];
  }

  protected argumentTree(): unknown {
    const p = this.props;
    const inputs = [
      ...(p.inputs ?? []),
      ...(p.code ? [{ name: 'code', source: p.code.s3Prefix, destination: PROCESSING_CODE_DIR }] : []),
    ].map((i) => ({
      InputName: i.name,
      AppManaged: false,
      S3Input: {
        S3Uri: i.source,
        LocalPath: i.destination,
        S3DataType: i.s3DataType ?? 'S3Prefix',
        S3InputMode: i.inputMode ?? 'File',
        S3DataDistributionType: 'FullyReplicated',
        S3CompressionType: 'None',
      },
    }));
    const entrypoint = p.entrypoint ?? (p.code ? ['python3', `${PROCESSING_CODE_DIR}/${p.code.file}`] : undefined);
    return {
      ProcessingResources: {
        ClusterConfig: {
          InstanceType: p.instanceType,
          InstanceCount: p.instanceCount,
          VolumeSizeInGB: p.volumeSizeInGb ?? 30,
          VolumeKmsKeyId: p.volumeKmsKeyId,
        },
      },
      AppSpecification: {
        ImageUri: p.imageUri,
        ContainerEntrypoint: entrypoint && [...entrypoint],
        ContainerArguments: p.containerArguments && [...p.containerArguments],
      },
      RoleArn: p.role,
      ProcessingInputs: inputs.length > 0 ? inputs : undefined,
      ProcessingOutputConfig:
        p.outputs && p.outputs.length > 0
          ? {
              Outputs: p.outputs.map((o) => ({
                OutputName: o.name,
                AppManaged: false,
                S3Output: { S3Uri: o.destination, LocalPath: o.source, S3UploadMode: o.uploadMode ?? 'EndOfJob' },
              })),
              KmsKeyId: p.outputKmsKeyId,
            }
          : undefined,
      Environment: stringMap(p.environment),
      NetworkConfig: p.vpc ? { VpcConfig: vpc(p.vpc) } : undefined,
      StoppingCondition: { MaxRuntimeInSeconds: p.maxRuntimeSeconds ?? 86_400 },
    };
  }
}

/** A training channel. */
export interface TrainingChannel {
  readonly s3Uri: StringValue;
  /** @default - none */
  readonly contentType?: string;
  /** @default 'S3Prefix' */
  readonly s3DataType?: 'S3Prefix' | 'ManifestFile' | 'AugmentedManifestFile';
  /** @default 'FullyReplicated' */
  readonly distribution?: 'FullyReplicated' | 'ShardedByS3Key';
}

export interface TrainingStepOptions extends JobStepOptions {
  readonly role: StringValue;
  readonly imageUri: StringValue;
  readonly instanceType: StringValue;
  readonly instanceCount: NumberValue;
  /** @default 30 */
  readonly volumeSizeInGb?: NumberValue;
  /** @default - AWS managed */
  readonly volumeKmsKeyId?: StringValue;
  /** Where the model artifacts go (OutputDataConfig.S3OutputPath). */
  readonly outputPath: StringValue;
  /** @default - the bucket's default encryption */
  readonly outputKmsKeyId?: StringValue;
  /** Channels by name (`train`, `validation`, ...). */
  readonly inputs: Readonly<Record<string, TrainingChannel>>;
  /** Hyperparameters; numbers and run-time values are passed as strings, as the API requires. @default - none */
  readonly hyperParameters?: Readonly<Record<string, Value>>;
  /** @default - none */
  readonly environment?: Readonly<Record<string, Value>>;
  /** @default 86400 (one day) */
  readonly maxRuntimeSeconds?: number;
  /** @default - no VPC */
  readonly vpc?: VpcConfig;
}

/** A training job; `Arguments` is a CreateTrainingJob request without TrainingJobName. */
export class TrainingStep extends JobStep {
  readonly type = 'Training' as const;
  protected readonly instanceTypeField = 'ResourceConfig.InstanceType';
  constructor(readonly props: TrainingStepOptions) {
    super(props);
  }

  /** `ModelArtifacts.S3ModelArtifacts`: the model.tar.gz the job wrote. */
  get modelArtifacts(): StepProperty {
    return this.property('ModelArtifacts.S3ModelArtifacts');
  }

  protected argumentTree(): unknown {
    const p = this.props;
    return {
      AlgorithmSpecification: { TrainingImage: p.imageUri, TrainingInputMode: 'File' },
      OutputDataConfig: { S3OutputPath: p.outputPath, KmsKeyId: p.outputKmsKeyId },
      StoppingCondition: { MaxRuntimeInSeconds: p.maxRuntimeSeconds ?? 86_400 },
      ResourceConfig: {
        VolumeSizeInGB: p.volumeSizeInGb ?? 30,
        InstanceCount: p.instanceCount,
        InstanceType: p.instanceType,
        VolumeKmsKeyId: p.volumeKmsKeyId,
      },
      RoleArn: p.role,
      InputDataConfig: Object.entries(p.inputs).map(([channel, c]) => ({
        DataSource: {
          S3DataSource: { S3DataType: c.s3DataType ?? 'S3Prefix', S3Uri: c.s3Uri, S3DataDistributionType: c.distribution ?? 'FullyReplicated' },
        },
        ContentType: c.contentType,
        ChannelName: channel,
      })),
      HyperParameters: stringMap(p.hyperParameters),
      Environment: stringMap(p.environment),
      VpcConfig: vpc(p.vpc),
    };
  }
}

export interface ConditionStepOptions extends StepOptions {
  /** All must hold for the `ifSteps` to run. */
  readonly conditions: readonly Condition[];
  /** @default - none */
  readonly ifSteps?: readonly Step[];
  /** @default - none */
  readonly elseSteps?: readonly Step[];
}

/** A branch: `Arguments` is `{Conditions, IfSteps, ElseSteps}`, the branches holding whole steps. */
export class ConditionStep extends Step {
  readonly type = 'Condition' as const;
  constructor(readonly props: ConditionStepOptions) {
    super(props);
  }

  /** `Outcome`: whether the conditions held. */
  get outcome(): StepProperty {
    return this.property('Outcome');
  }

  children(): Step[] {
    return [...(this.props.ifSteps ?? []), ...(this.props.elseSteps ?? [])];
  }

  expressions() {
    return this.props.conditions.flatMap((c, i) =>
      c.operands().flatMap((o) => collectExpressions(o.value, `Arguments.Conditions[${i}].${o.field}`)),
    );
  }

  protected argumentTree(): unknown {
    return {};
  }

  toJson(): Json {
    const out = super.toJson() as { [key: string]: Json };
    out.Arguments = {
      Conditions: this.props.conditions.map((c) => c.toJson()),
      IfSteps: (this.props.ifSteps ?? []).map((s) => s.toJson()),
      ElseSteps: (this.props.elseSteps ?? []).map((s) => s.toJson()),
    };
    return out;
  }
}

export interface FailStepOptions extends StepOptions {
  /** Why the execution failed, shown as its FailureReason. */
  readonly errorMessage: StringValue;
}

/** Ends the execution as Failed with `ErrorMessage`. */
export class FailStep extends Step {
  readonly type = 'Fail' as const;
  constructor(readonly props: FailStepOptions) {
    super(props);
  }
  protected argumentTree(): unknown {
    return { ErrorMessage: this.props.errorMessage };
  }
}

export interface CreateModelStepOptions extends StepOptions {
  readonly role: StringValue;
  readonly image: StringValue;
  readonly modelDataUrl: StringValue;
  /** @default - none */
  readonly environment?: Readonly<Record<string, Value>>;
  /** @default - no VPC */
  readonly vpc?: VpcConfig;
  /** @default false */
  readonly enableNetworkIsolation?: BooleanValue;
}

/** A SageMaker model (`Type: "Model"`); `Arguments` is a CreateModel request without ModelName. */
export class CreateModelStep extends Step {
  readonly type = 'Model' as const;
  constructor(readonly props: CreateModelStepOptions) {
    super(props);
  }

  /** `ModelName`: the name the service gave the model. */
  get modelName(): StepProperty {
    return this.property('ModelName');
  }

  protected argumentTree(): unknown {
    const p = this.props;
    return {
      ExecutionRoleArn: p.role,
      PrimaryContainer: { Image: p.image, ModelDataUrl: p.modelDataUrl, Environment: stringMap(p.environment) },
      VpcConfig: vpc(p.vpc),
      EnableNetworkIsolation: p.enableNetworkIsolation,
    };
  }
}

export interface RegisterModelStepOptions extends StepOptions {
  readonly modelPackageGroupName: StringValue;
  /** `Approved`, `Rejected` or `PendingManualApproval`, usually a parameter. */
  readonly approvalStatus: StringValue;
  readonly image: StringValue;
  readonly modelDataUrl: StringValue;
  readonly contentTypes: readonly string[];
  readonly responseTypes: readonly string[];
  /** @default - any */
  readonly inferenceInstanceTypes?: readonly StringValue[];
  /** @default - any */
  readonly transformInstanceTypes?: readonly StringValue[];
  /** The evaluation report, registered as the version's model quality statistics. @default - none */
  readonly modelStatistics?: { readonly s3Uri: StringValue; readonly contentType?: string };
  /** @default - none */
  readonly modelPackageDescription?: StringValue;
  /** @default - none */
  readonly customerMetadata?: Readonly<Record<string, StringValue>>;
}

/**
 * A model package version in a group; `Arguments` is a CreateModelPackage request. No `Tags`:
 * a version in a group takes the group's tags, and the API refuses `Tags` with a group
 * (botocore model, CreateModelPackageInput.Tags).
 */
export class RegisterModelStep extends Step {
  readonly type = 'RegisterModel' as const;
  constructor(readonly props: RegisterModelStepOptions) {
    super(props);
  }

  /** `ModelPackageArn`. */
  get modelPackageArn(): StepProperty {
    return this.property('ModelPackageArn');
  }

  instanceTypeFields() {
    const p = this.props;
    return [
      ...(p.inferenceInstanceTypes ?? []).map((value, i) => ({
        field: `Arguments.InferenceSpecification.SupportedRealtimeInferenceInstanceTypes[${i}]`,
        value,
        kind: 'Inference' as const,
      })),
      ...(p.transformInstanceTypes ?? []).map((value, i) => ({
        field: `Arguments.InferenceSpecification.SupportedTransformInstanceTypes[${i}]`,
        value,
        kind: 'Transform' as const,
      })),
    ];
  }

  protected argumentTree(): unknown {
    const p = this.props;
    return {
      ModelPackageGroupName: p.modelPackageGroupName,
      ModelPackageDescription: p.modelPackageDescription,
      ModelApprovalStatus: p.approvalStatus,
      InferenceSpecification: {
        Containers: [{ Image: p.image, ModelDataUrl: p.modelDataUrl }],
        SupportedContentTypes: [...p.contentTypes],
        SupportedResponseMIMETypes: [...p.responseTypes],
        SupportedRealtimeInferenceInstanceTypes: p.inferenceInstanceTypes && [...p.inferenceInstanceTypes],
        SupportedTransformInstanceTypes: p.transformInstanceTypes && [...p.transformInstanceTypes],
      },
      ModelMetrics: p.modelStatistics && {
        ModelQuality: { Statistics: { ContentType: p.modelStatistics.contentType ?? 'application/json', S3Uri: p.modelStatistics.s3Uri } },
      },
      CustomerMetadataProperties: p.customerMetadata,
    };
  }
}

export interface TransformStepOptions extends JobStepOptions {
  readonly modelName: StringValue;
  readonly instanceType: StringValue;
  readonly instanceCount: NumberValue;
  readonly input: {
    readonly s3Uri: StringValue;
    /** @default - none */
    readonly contentType?: string;
    /** @default - none */
    readonly splitType?: 'None' | 'Line' | 'RecordIO' | 'TFRecord';
    /** @default 'S3Prefix' */
    readonly s3DataType?: 'S3Prefix' | 'ManifestFile' | 'AugmentedManifestFile';
  };
  readonly outputPath: StringValue;
  /** @default - none */
  readonly accept?: string;
  /** @default - none */
  readonly assembleWith?: 'None' | 'Line';
  /** @default - the bucket's default encryption */
  readonly outputKmsKeyId?: StringValue;
  /** @default - AWS managed */
  readonly volumeKmsKeyId?: StringValue;
}

/** A batch transform job; `Arguments` is a CreateTransformJob request without TransformJobName. */
export class TransformStep extends JobStep {
  readonly type = 'Transform' as const;
  protected readonly instanceTypeField = 'TransformResources.InstanceType';
  constructor(readonly props: TransformStepOptions) {
    super(props);
  }

  /** `TransformOutput.S3OutputPath`. */
  get outputPath(): StepProperty {
    return this.property('TransformOutput.S3OutputPath');
  }

  protected argumentTree(): unknown {
    const p = this.props;
    return {
      ModelName: p.modelName,
      TransformInput: {
        DataSource: { S3DataSource: { S3DataType: p.input.s3DataType ?? 'S3Prefix', S3Uri: p.input.s3Uri } },
        ContentType: p.input.contentType,
        SplitType: p.input.splitType,
      },
      TransformOutput: { S3OutputPath: p.outputPath, Accept: p.accept, AssembleWith: p.assembleWith, KmsKeyId: p.outputKmsKeyId },
      TransformResources: { InstanceCount: p.instanceCount, InstanceType: p.instanceType, VolumeKmsKeyId: p.volumeKmsKeyId },
    };
  }
}
