/**
 * A model package group identified by its ARN, split into its parts.
 */
export interface ModelPackageGroupRef {
  /** The full ARN; cross-account SageMaker calls need the ARN rather than the name. */
  readonly arn: string;
  /** The AWS partition, e.g. `aws`. */
  readonly partition: string;
  /** The account that owns the group. */
  readonly account: string;
  /** The region of the group. */
  readonly region: string;
  /** The group name. */
  readonly name: string;
}

const GROUP_ARN = /^arn:(aws[a-z-]*):sagemaker:([a-z0-9-]+):(\d{12}):model-package-group\/([a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62})$/;

/**
 * Parses a model package group ARN.
 *
 * @example
 * // arn:<partition>:sagemaker:eu-west-1:<account>:model-package-group/churn
 * const { account, region, name } = parseModelPackageGroupArn(sourceGroupArn);
 */
export function parseModelPackageGroupArn(arn: string): ModelPackageGroupRef {
  const match = GROUP_ARN.exec(arn);
  if (!match) {
    throw new Error(
      `Not a model package group ARN: "${arn}" ` +
        '(expected arn:<partition>:sagemaker:<region>:<12-digit account>:model-package-group/<name>)',
    );
  }
  return { arn, partition: match[1], region: match[2], account: match[3], name: match[4] };
}

/** The account that owns a SageMaker (or any) ARN, or undefined if `arn` is not an ARN. */
export function accountOfArn(arn: string): string | undefined {
  return /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(arn)?.[1];
}
