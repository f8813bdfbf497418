import type { AwsClient } from '../aws-client';
import type { Sleep } from '../private/retry';
import { cleanupPromotedPackages, type CleanupResult } from './cleanup';

/** The CloudFormation custom resource event, as the CDK `custom_resources.Provider` framework passes it. */
export interface CleanupResourceEvent {
  /** Create, Update or Delete. */
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  /** Present on Update and Delete. */
  readonly PhysicalResourceId?: string;
  /** The custom resource's properties. */
  readonly ResourceProperties: {
    readonly TargetModelPackageGroupName?: unknown;
    readonly PromotedBy?: unknown;
    readonly RetainOnDelete?: unknown;
    readonly [key: string]: unknown;
  };
}

/** What the handler returns to the Provider framework. */
export interface CleanupResourceResponse {
  /** Stable per target group and promoter, so an update of other properties replaces nothing. */
  readonly PhysicalResourceId: string;
  /**
   * What was deleted, for the CloudFormation `Data`: a count, never the ARNs, because the whole
   * response body can't exceed 4096 bytes (CloudFormation User Guide, "Custom resource response
   * objects") and a group may hold hundreds of promoted versions.
   */
  readonly Data?: { readonly DeletedModelPackageCount: string; readonly DeletedModelPackageGroup: string };
}

/** Clients and hooks of {@link handleCleanupEvent}. */
export interface CleanupHandlerDependencies {
  /** SageMaker in the target account and region. */
  readonly sagemaker: AwsClient;
  /**
   * How retries wait.
   *
   * @default - setTimeout
   */
  readonly sleep?: Sleep;
}

/**
 * Handles the custom resource implementing `retain_on_delete`: Create and Update do nothing; Delete
 * removes the promoted packages (and the group the promotion created) unless RetainOnDelete is 'true'.
 *
 * @throws Error naming the property when a ResourceProperty is missing or invalid
 */
export async function handleCleanupEvent(
  event: CleanupResourceEvent,
  dependencies: CleanupHandlerDependencies,
): Promise<CleanupResourceResponse> {
  let props: ReturnType<typeof parseProperties>;
  try {
    props = parseProperties(event.ResourceProperties);
  } catch (error) {
    // A Create with these properties failed, so there is nothing to clean up; failing here too would
    // block the stack's rollback or deletion.
    if (event.RequestType === 'Delete' && event.PhysicalResourceId !== undefined) {
      return { PhysicalResourceId: event.PhysicalResourceId };
    }
    throw error;
  }
  const physicalResourceId = `promoted-model-packages:${props.promotedBy}:${props.targetGroupName}`;
  if (event.RequestType !== 'Delete') {
    return { PhysicalResourceId: physicalResourceId };
  }
  const id = event.PhysicalResourceId ?? physicalResourceId;
  if (props.retainOnDelete) {
    return { PhysicalResourceId: id };
  }
  const result: CleanupResult = await cleanupPromotedPackages({
    sagemaker: dependencies.sagemaker,
    targetGroupName: props.targetGroupName,
    promotedBy: props.promotedBy,
    sleep: dependencies.sleep,
  });
  return {
    PhysicalResourceId: id,
    Data: {
      DeletedModelPackageCount: String(result.deletedModelPackages.length),
      DeletedModelPackageGroup: String(result.deletedModelPackageGroup),
    },
  };
}

function parseProperties(properties: CleanupResourceEvent['ResourceProperties']) {
  const problems: string[] = [];
  const text = (name: string): string => {
    const value = properties[name];
    if (typeof value !== 'string' || value.trim() === '') {
      problems.push(`${name} must be a non-empty string, got ${JSON.stringify(value)}`);
      return '';
    }
    return value;
  };
  const targetGroupName = text('TargetModelPackageGroupName');
  const promotedBy = text('PromotedBy');
  const retain = properties.RetainOnDelete;
  // CloudFormation passes every property as a string; accept the boolean too for direct invocations.
  const retainOnDelete = retain === true || retain === 'true' || retain === 'True';
  if (!retainOnDelete && retain !== false && retain !== 'false' && retain !== 'False') {
    problems.push(`RetainOnDelete must be 'true' or 'false', got ${JSON.stringify(retain)}`);
  }
  if (problems.length > 0) {
    throw new Error(`Invalid promote cleanup resource properties: ${problems.join('; ')}`);
  }
  return { targetGroupName, promotedBy, retainOnDelete };
}
