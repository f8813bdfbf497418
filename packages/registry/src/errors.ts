/**
 * Thrown when a model package group holds no approved model package.
 */
export class NoApprovedModelPackageError extends Error {
  /** The group that was searched (name or ARN, as given). */
  public readonly group: string;

  constructor(group: string) {
    super(
      `No approved model package in model package group ${group}. ` +
        'Approve a model package version in that group (ModelApprovalStatus=Approved), then run the promotion again. ' +
        'Only versions whose ModelPackageStatus is Completed count: one still being registered, or whose registration failed, does not.',
    );
    this.name = 'NoApprovedModelPackageError';
    this.group = group;
  }
}

/**
 * Thrown when AWS denies a call: names the IAM action, the resource and the account to fix.
 */
export class AccessDeniedError extends Error {
  /** The IAM action that was denied, e.g. `sagemaker:ListModelPackages`. */
  public readonly action: string;
  /** The resource the action was called on (ARN or S3 URI). */
  public readonly resource: string;
  /** The account that owns the resource. */
  public readonly account: string;

  constructor(props: { action: string; resource: string; account: string; expectedBucketOwner?: string; cause: unknown }) {
    const original = props.cause instanceof Error ? props.cause.message : String(props.cause);
    // S3 answers a bucket owner condition that does not hold with the same 403 Access Denied as a
    // missing permission (S3 User Guide, "Verifying bucket ownership with bucket owner condition"),
    // so the two cannot be told apart: name both.
    const owner =
      props.expectedBucketOwner !== undefined
        ? ` S3 also answers Access Denied when a bucket is not owned by account ${props.expectedBucketOwner} ` +
          "(the request's ExpectedBucketOwner, its bucket owner condition): check the bucket name."
        : '';
    super(
      `Access denied: ${props.action} on ${props.resource} (account ${props.account}). ` +
        `Allow ${props.action} on that resource in the IAM policy of the role running this step` +
        ` and, when the resource belongs to another account, in the resource policy of account ${props.account}` +
        ` (also check KMS key policies and SCPs).${owner} AWS said: ${original}`,
      { cause: props.cause },
    );
    this.name = 'AccessDeniedError';
    this.action = props.action;
    this.resource = props.resource;
    this.account = props.account;
  }
}

/**
 * Thrown when AWS refuses a call with HTTP 403 for a reason other than a missing permission (an
 * archived S3 object, a skewed clock, bad credentials): says what it is, so nobody edits IAM
 * policies in vain.
 */
export class AwsRequestRefusedError extends Error {
  /** The AWS error code, e.g. `InvalidObjectState`. */
  public readonly code: string;
  /** The resource the call was about. */
  public readonly resource: string;

  constructor(props: { code: string; resource: string; account: string; cause: unknown }) {
    const original = props.cause instanceof Error ? props.cause.message : String(props.cause);
    super(`${refusalExplanation(props.code, props.resource, props.account)} AWS said: ${props.code}: ${original}`, { cause: props.cause });
    this.name = 'AwsRequestRefusedError';
    this.code = props.code;
    this.resource = props.resource;
  }
}

function refusalExplanation(code: string, resource: string, account: string): string {
  switch (code) {
    case 'InvalidObjectState':
    case 'ObjectNotInActiveTierError':
      // botocore's s3 model: "Object is archived and inaccessible until restored" (InvalidObjectState),
      // "not in the active tier and is only stored in Amazon S3 Glacier" (ObjectNotInActiveTierError).
      return (
        `${resource} (account ${account}) is in an archive storage class (S3 Glacier Flexible Retrieval, Deep Archive, ` +
        'or an Intelligent-Tiering archive tier) and cannot be read or copied until it is restored: restore it with ' +
        'S3 RestoreObject, or keep model artifacts in a storage class that is not archived, then run again.'
      );
    case 'RequestTimeTooSkewed':
      return (
        `A request about ${resource} was refused because the clock of this host differs from AWS's by more than ` +
        '15 minutes: synchronize the clock (NTP), then run again. This is not a permission problem.'
      );
    default:
      return (
        `A request about ${resource} (account ${account}) was refused because its credentials or signature are not valid ` +
        '(expired session, wrong secret key or signing region): refresh the credentials, then run again. This is not a permission problem.'
      );
  }
}

/**
 * Thrown when a container image of the source account cannot be pulled by the target account.
 */
export class ContainerImageNotPullableError extends Error {
  /** The image URI as registered in the model package. */
  public readonly image: string;

  constructor(message: string, image: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'ContainerImageNotPullableError';
    this.image = image;
  }
}

/**
 * Thrown when the promote command's environment variables are missing or invalid; lists every problem.
 */
export class PromoteEnvironmentError extends Error {
  /** One entry per problem: `<VARIABLE>: <what is wrong and what to do>`. */
  public readonly problems: string[];

  constructor(problems: string[]) {
    super(
      `The promote command's environment has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'PromoteEnvironmentError';
    this.problems = problems;
  }
}

/**
 * Thrown when a file the user owns in the deploy repository (a `<stage>-config.json`, the staging test
 * definition or its payload file) is missing or invalid; lists every problem of every file at once.
 */
export class DeployRepositoryFileError extends Error {
  /** The files with problems, relative to the repository root. */
  public readonly files: string[];
  /** One entry per problem: `<file>: <path>: <what is wrong and what to do>`. */
  public readonly problems: string[];

  constructor(files: string[], problems: string[]) {
    super(
      `${files.join(', ')} in the deploy repository ${files.length === 1 ? 'has' : 'have'} ` +
        `${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'DeployRepositoryFileError';
    this.files = files;
    this.problems = problems;
  }
}

/**
 * Thrown when the environment variables of the `endpoint-build` or `endpoint-test` command are missing
 * or invalid; lists every problem.
 */
export class EndpointDeployEnvironmentError extends Error {
  /** The command whose environment is wrong. */
  public readonly command: 'endpoint-build' | 'endpoint-test';
  /** One entry per problem: `<VARIABLE>: <what is wrong and what to do>`. */
  public readonly problems: string[];

  constructor(command: 'endpoint-build' | 'endpoint-test', problems: string[]) {
    super(
      `The ${command} command's environment has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'EndpointDeployEnvironmentError';
    this.command = command;
    this.problems = problems;
  }
}
