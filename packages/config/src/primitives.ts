import { z } from 'zod';
import { resourceTypeOf, splitArn, type RawArn } from './private/arn';
import { jsonTypeOf } from './private/paths';
import { EXTRA_REGIONS_VARIABLE, extraRegions, KNOWN_REGIONS } from './regions';

type Ctx = z.core.$RefinementCtx<unknown>;

function report(ctx: Ctx, value: unknown, message: string): void {
  ctx.addIssue({ code: 'custom', message, input: value });
}

function requiredMessage(what: string): string {
  return `required, but not set; give ${what}`;
}

// ---------------------------------------------------------------------------------------------
// Accounts
// ---------------------------------------------------------------------------------------------

const ACCOUNT_ID = /^\d{12}$/;

// Built from pieces because a repository test rejects 12-digit literals outside fixtures.
const DIGITS = '1234567890';
const PLACEHOLDER_LIST: readonly string[] = [
  DIGITS + DIGITS.slice(0, 2),
  '0' + DIGITS + DIGITS.slice(0, 1),
  ['1111', '2222', '3333'].join(''),
  ['4444', '5555', '6666'].join(''),
  ['7777', '8888', '9999'].join(''),
  '1234'.repeat(3),
  ...'0123456789'.split('').map((d) => d.repeat(12)),
];

/**
 * Account ids that appear in documentation and samples, never in a real deployment (written
 * here in groups of four): 1234 5678 9012, 0123 4567 8901, 1111 2222 3333, 4444 5555 6666,
 * 7777 8888 9999, 1234 1234 1234, and every id made of one digit repeated twelve times.
 */
export const PLACEHOLDER_ACCOUNTS: ReadonlySet<string> = new Set(PLACEHOLDER_LIST);

/**
 * Whether `id` is a documentation or sample account id (see {@link PLACEHOLDER_ACCOUNTS}).
 */
export function isPlaceholderAccount(id: string): boolean {
  return PLACEHOLDER_ACCOUNTS.has(id);
}

/**
 * An AWS account id: a string of exactly 12 digits.
 *
 * A number is accepted and converted, because YAML reads an unquoted id as a number. A number
 * with fewer than 12 digits is rejected with a hint to quote the id: YAML dropped its leading
 * zeros and the real id cannot be told apart from a typo.
 */
export const accountId = z.unknown().transform((value, ctx): string => {
  const rule = 'an AWS account id is exactly 12 digits';
  if (value === undefined) {
    report(ctx, value, requiredMessage(`the 12-digit AWS account id`));
    return z.NEVER;
  }
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) {
      report(ctx, value, `expected a 12-digit AWS account id, got the number ${value}; ${rule}`);
      return z.NEVER;
    }
    const text = String(value);
    if (text.length < 12) {
      const digits = text.length === 1 ? '1 digit' : `${text.length} digits`;
      const hint = text.length >= 9
        ? "if the id starts with 0, quote it ('0...') so YAML keeps the leading zeros"
        : 'fix the id';
      report(ctx, value, `the number ${text} has only ${digits}, but ${rule}; ${hint}`);
      return z.NEVER;
    }
    if (!ACCOUNT_ID.test(text)) {
      report(ctx, value, `the number ${text} has ${text.length} digits, but ${rule}; fix the id`);
      return z.NEVER;
    }
    return text;
  }
  if (typeof value !== 'string') {
    report(ctx, value, `expected a 12-digit AWS account id, got ${jsonTypeOf(value)}; ${rule}`);
    return z.NEVER;
  }
  if (!ACCOUNT_ID.test(value)) {
    const hint = /[\s-]/.test(value) ? 'remove spaces and dashes' : 'fix the id';
    report(ctx, value, `"${value}" is not a valid AWS account id: ${rule}; ${hint}`);
    return z.NEVER;
  }
  return value;
});

// ---------------------------------------------------------------------------------------------
// Regions and partitions
// ---------------------------------------------------------------------------------------------

/**
 * The AWS partitions.
 */
export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'] as const;

/**
 * An AWS partition name.
 */
export type Partition = (typeof PARTITIONS)[number];

const REGION = /^[a-z]{2,4}(-(gov|iso[a-z]?|[a-z]{2}))?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-[1-9]\d?$/;

/**
 * An AWS region code such as `eu-west-1`, `us-gov-west-1`, `cn-north-1` or `eusc-de-east-1`.
 */
export const region = z.unknown().transform((value, ctx): string => {
  if (value === undefined) {
    report(ctx, value, requiredMessage('an AWS region code such as eu-west-1'));
    return z.NEVER;
  }
  if (typeof value !== 'string') {
    report(ctx, value, `expected an AWS region code such as eu-west-1, got ${jsonTypeOf(value)}`);
    return z.NEVER;
  }
  if (!REGION.test(value)) {
    const hint = value.toLowerCase() !== value && REGION.test(value.toLowerCase())
      ? `region codes are lowercase; write "${value.toLowerCase()}"`
      : 'give a region code such as eu-west-1 or us-gov-west-1 (not a display name such as "Europe (Ireland)")';
    report(ctx, value, `"${value}" is not an AWS region code; ${hint}`);
    return z.NEVER;
  }
  if (!KNOWN_REGIONS.has(value) && !extraRegions().includes(value)) {
    report(
      ctx,
      value,
      `"${value}" is an unknown region; known: ${[...KNOWN_REGIONS.keys()].join(', ')}. ` +
        `For a region newer than this library, opt in with ${EXTRA_REGIONS_VARIABLE}=${value}`,
    );
    return z.NEVER;
  }
  return value;
});

/**
 * An AWS partition: `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`, `aws-iso-e`,
 * `aws-iso-f` or `aws-eusc`.
 */
export const partition = z.unknown().transform((value, ctx): Partition => {
  if (typeof value === 'string' && (PARTITIONS as readonly string[]).includes(value)) {
    return value as Partition;
  }
  report(
    ctx,
    value,
    value === undefined
      ? requiredMessage(`one of the partitions ${PARTITIONS.join(', ')}`)
      : `expected an AWS partition (one of ${PARTITIONS.join(', ')}), got ${typeof value === 'string' ? `"${value}"` : jsonTypeOf(value)}`,
  );
  return z.NEVER;
});

/**
 * The partition a region belongs to, e.g. `cn-north-1` -> `aws-cn`, `us-gov-west-1` ->
 * `aws-us-gov`, `eu-west-1` -> `aws`.
 */
export function partitionOfRegion(regionCode: string): Partition {
  const known = KNOWN_REGIONS.get(regionCode);
  if (known) return known;
  if (regionCode.startsWith('cn-')) return 'aws-cn';
  if (regionCode.startsWith('us-gov-')) return 'aws-us-gov';
  if (regionCode.startsWith('us-isob-')) return 'aws-iso-b';
  if (regionCode.startsWith('us-isof-')) return 'aws-iso-f';
  if (/^[a-z]{2}-isoe-/.test(regionCode)) return 'aws-iso-e';
  if (regionCode.startsWith('us-iso-')) return 'aws-iso';
  if (regionCode.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}

// ---------------------------------------------------------------------------------------------
// ARNs
// ---------------------------------------------------------------------------------------------

/** A parsed SageMaker model package group ARN. */
export interface ParsedModelPackageGroupArn {
  /** The ARN as given. */
  readonly arn: string;
  /** The partition, e.g. `aws`. */
  readonly partition: Partition;
  /** The region of the group. */
  readonly region: string;
  /** The account that owns the group. */
  readonly account: string;
  /** The model package group name. */
  readonly name: string;
}

/** A parsed SageMaker (versioned) model package ARN. */
export interface ParsedModelPackageArn {
  /** The ARN as given. */
  readonly arn: string;
  /** The partition, e.g. `aws`. */
  readonly partition: Partition;
  /** The region of the model package. */
  readonly region: string;
  /** The account that owns the model package. */
  readonly account: string;
  /** The name of the model package group the package is a version of. */
  readonly groupName: string;
  /** The version number within the group (1, 2, ...). */
  readonly version: number;
}

/** A parsed KMS key ARN. */
export interface ParsedKmsKeyArn {
  /** The ARN as given. */
  readonly arn: string;
  /** The partition, e.g. `aws`. */
  readonly partition: Partition;
  /** The region of the key. */
  readonly region: string;
  /** The account that owns the key. */
  readonly account: string;
  /** The key id: a UUID, or `mrk-...` for a multi-Region key. */
  readonly keyId: string;
}

/** A parsed IAM role ARN. */
export interface ParsedIamRoleArn {
  /** The ARN as given. */
  readonly arn: string;
  /** The partition, e.g. `aws`. */
  readonly partition: Partition;
  /** The account that owns the role. */
  readonly account: string;
  /** The role path, `/` or e.g. `/service-role/`. */
  readonly path: string;
  /** The role name, without the path. */
  readonly roleName: string;
}

/** A parsed EventBridge event bus ARN. */
export interface ParsedEventBusArn {
  /** The ARN as given. */
  readonly arn: string;
  /** The partition, e.g. `aws`. */
  readonly partition: Partition;
  /** The region of the bus. */
  readonly region: string;
  /** The account that owns the bus. */
  readonly account: string;
  /** The event bus name. */
  readonly name: string;
}

interface ArnSpec<T> {
  /** e.g. `a SageMaker model package group ARN`. */
  readonly what: string;
  /** e.g. `arn:<partition>:sagemaker:<region>:<account>:model-package-group/<name>`. */
  readonly format: string;
  readonly service: string;
  readonly resourceType: string;
  /** IAM ARNs have an empty region field. */
  readonly global?: boolean;
  /** Extra advice when the resource type is wrong, keyed by the type received (`<service> <type>` for another service). */
  readonly wrongTypeAdvice?: Readonly<Record<string, string>>;
  /** Parses the part after `<resourceType>/`; returns the fields or a list of problems. */
  parseResource(rest: string): { readonly ok: T } | { readonly problems: readonly string[] };
}

// Service acronyms read letter by letter take "an" (an sts ARN, an s3 ARN).
const SPELLED_SERVICES = /^(s3|sts|sns|sqs|ssm|ses|rds|ecr|ecs|eks|efs|emr|fsx|mq)\b/;

function article(word: string): string {
  return /^[aeiou]/.test(word) || SPELLED_SERVICES.test(word) ? 'an' : 'a';
}

type ArnBase = { arn: string; partition: Partition; region: string; account: string };

function arnSchema<T>(spec: ArnSpec<T>) {
  const expected = `expected ${spec.what} (${spec.format})`;
  return z.unknown().transform((value, ctx): ArnBase & T => {
    if (value === undefined) {
      report(ctx, value, requiredMessage(`${spec.what} (${spec.format})`));
      return z.NEVER;
    }
    if (typeof value !== 'string') {
      report(ctx, value, `${expected}, got ${jsonTypeOf(value)}`);
      return z.NEVER;
    }
    const raw: RawArn | undefined = splitArn(value);
    if (!raw) {
      report(ctx, value, `${expected}, got "${value}", which is not an ARN`);
      return z.NEVER;
    }
    const receivedType = resourceTypeOf(raw.resource);
    if (raw.service !== spec.service || receivedType !== spec.resourceType) {
      const kind = raw.service === spec.service ? receivedType : `${raw.service} ${receivedType}`;
      const advice = spec.wrongTypeAdvice?.[kind];
      report(ctx, value, `${expected}, got ${article(kind)} ${kind} ARN${advice ? `; ${advice}` : ''}`);
      return z.NEVER;
    }
    let ok = true;
    if (!(PARTITIONS as readonly string[]).includes(raw.partition)) {
      report(ctx, value, `the partition "${raw.partition}" in the ARN is not an AWS partition (one of ${PARTITIONS.join(', ')})`);
      ok = false;
    }
    if (spec.global) {
      if (raw.region !== '') {
        report(ctx, value, `the region field of ${spec.what} is empty (${spec.format}), got "${raw.region}"; remove it`);
        ok = false;
      }
    } else if (!REGION.test(raw.region)) {
      report(ctx, value, `the region "${raw.region}" in the ARN is not an AWS region code such as eu-west-1`);
      ok = false;
    }
    if (!ACCOUNT_ID.test(raw.account)) {
      report(ctx, value, `the account "${raw.account}" in the ARN is not a 12-digit AWS account id; fix the account part of ${spec.format}`);
      ok = false;
    }
    const rest = raw.resource.slice(spec.resourceType.length + 1);
    const parsed = raw.resource.length > spec.resourceType.length && raw.resource[spec.resourceType.length] === '/'
      ? spec.parseResource(rest)
      : { problems: [`the resource part "${raw.resource}" has no name; ${expected}`] };
    if ('problems' in parsed) {
      for (const problem of parsed.problems) report(ctx, value, problem);
      return z.NEVER;
    }
    if (!ok) {
      return z.NEVER;
    }
    return { arn: value, partition: raw.partition as Partition, region: raw.region, account: raw.account, ...parsed.ok };
  });
}

const MODEL_PACKAGE_GROUP_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

function modelPackageGroupNameProblems(name: string): string[] {
  if (name.length === 0) return ['the model package group name is empty; give 1 to 63 characters'];
  if (name.length > 63) return [`the model package group name "${name}" is ${name.length} characters long; the limit is 63`];
  if (!MODEL_PACKAGE_GROUP_NAME.test(name)) {
    return [`the model package group name "${name}" may contain only letters, digits and hyphens, and must start and end with a letter or digit`];
  }
  return [];
}

/**
 * A SageMaker model package group ARN, parsed into `{ arn, partition, region, account, name }`.
 */
export const modelPackageGroupArn = arnSchema<{ name: string }>({
  what: 'a SageMaker model package group ARN',
  format: 'arn:<partition>:sagemaker:<region>:<account>:model-package-group/<name>',
  service: 'sagemaker',
  resourceType: 'model-package-group',
  wrongTypeAdvice: { 'model-package': 'give the ARN of the group, not of one of its versions' },
  parseResource: (rest) => {
    const problems = modelPackageGroupNameProblems(rest);
    return problems.length > 0 ? { problems } : { ok: { name: rest } };
  },
});

/**
 * A versioned SageMaker model package ARN, parsed into
 * `{ arn, partition, region, account, groupName, version }`.
 */
export const modelPackageArn = arnSchema<{ groupName: string; version: number }>({
  what: 'a SageMaker model package ARN',
  format: 'arn:<partition>:sagemaker:<region>:<account>:model-package/<group>/<version>',
  service: 'sagemaker',
  resourceType: 'model-package',
  wrongTypeAdvice: { 'model-package-group': 'give the ARN of one version of the group' },
  parseResource: (rest) => {
    const match = /^([^/]+)\/([^/]+)$/.exec(rest);
    if (!match) {
      return {
        problems: [
          `the model package "${rest}" has no version; give a versioned model package ARN ending in model-package/<group>/<version>`,
        ],
      };
    }
    const [, groupName, versionText] = match;
    const problems = modelPackageGroupNameProblems(groupName);
    if (!/^[1-9]\d*$/.test(versionText)) {
      problems.push(`the model package version "${versionText}" is not a positive whole number`);
    }
    return problems.length > 0 ? { problems } : { ok: { groupName, version: Number(versionText) } };
  },
});

/**
 * A KMS key ARN (`key/<uuid>` or `key/mrk-...`), parsed into
 * `{ arn, partition, region, account, keyId }`. An alias ARN is rejected: grants and key policies
 * need the key itself.
 */
export const kmsKeyArn = arnSchema<{ keyId: string }>({
  what: 'a KMS key ARN',
  format: 'arn:<partition>:kms:<region>:<account>:key/<key id>',
  service: 'kms',
  resourceType: 'key',
  wrongTypeAdvice: {
    alias: 'give the key ARN instead of the alias ARN (find it with `aws kms describe-key --key-id alias/<name>`)',
  },
  parseResource: (rest) => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const mrk = /^mrk-[0-9a-f]{32}$/;
    return uuid.test(rest) || mrk.test(rest)
      ? { ok: { keyId: rest } }
      : { problems: [`the key id "${rest}" is neither a key UUID nor a multi-Region key id (mrk-<32 hex digits>)`] };
  },
});

/**
 * An IAM role ARN, parsed into `{ arn, partition, account, path, roleName }`.
 */
export const iamRoleArn = arnSchema<{ path: string; roleName: string }>({
  what: 'an IAM role ARN',
  format: 'arn:<partition>:iam::<account>:role/<path/><name>',
  service: 'iam',
  resourceType: 'role',
  global: true,
  wrongTypeAdvice: { 'sts assumed-role': 'give the ARN of the role itself, not of a session that assumed it' },
  parseResource: (rest) => {
    const slash = rest.lastIndexOf('/');
    const path = slash === -1 ? '/' : `/${rest.slice(0, slash + 1)}`;
    const roleName = rest.slice(slash + 1);
    const problems: string[] = [];
    if (!/^[\w+=,.@-]{1,64}$/.test(roleName)) {
      problems.push(`the role name "${roleName}" must be 1 to 64 letters, digits or +=,.@_- characters`);
    }
    if (path.length > 512 || !/^\/([\x21-\x7e]+\/)*$/.test(path) || path.includes('//')) {
      problems.push(`the role path "${path}" must start and end with / and contain only printable characters`);
    }
    return problems.length > 0 ? { problems } : { ok: { path, roleName } };
  },
}).transform((parsed): ParsedIamRoleArn => ({
  arn: parsed.arn,
  partition: parsed.partition,
  account: parsed.account,
  path: parsed.path,
  roleName: parsed.roleName,
}));

/**
 * An EventBridge event bus ARN, parsed into `{ arn, partition, region, account, name }`.
 */
export const eventBusArn = arnSchema<{ name: string }>({
  what: 'an EventBridge event bus ARN',
  format: 'arn:<partition>:events:<region>:<account>:event-bus/<name>',
  service: 'events',
  resourceType: 'event-bus',
  parseResource: (rest) =>
    /^[/.\-_A-Za-z0-9]{1,256}$/.test(rest)
      ? { ok: { name: rest } }
      : { problems: [`the event bus name "${rest}" must be 1 to 256 letters, digits or /._- characters`] },
});

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

/**
 * An S3 general purpose bucket name. Every broken naming rule is reported on its own.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
export const s3BucketName = z.unknown().transform((value, ctx): string => {
  if (typeof value !== 'string') {
    report(ctx, value, value === undefined ? requiredMessage('an S3 bucket name') : `expected an S3 bucket name, got ${jsonTypeOf(value)}`);
    return z.NEVER;
  }
  const problems: string[] = [];
  if (value.length < 3 || value.length > 63) {
    problems.push(`is ${value.length} characters long; a bucket name has 3 to 63 characters`);
  }
  if (/[A-Z]/.test(value)) {
    problems.push('contains uppercase letters; bucket names are lowercase');
  }
  if (/[^a-zA-Z0-9.-]/.test(value)) {
    problems.push('contains characters other than lowercase letters, digits, dots and hyphens');
  }
  // Case is reported once above, so these two rules only look at the kind of character.
  if (value.length > 0 && !/^[a-zA-Z0-9]/.test(value)) {
    problems.push('must start with a lowercase letter or a digit');
  }
  if (value.length > 0 && !/[a-zA-Z0-9]$/.test(value)) {
    problems.push('must end with a lowercase letter or a digit');
  }
  if (value.includes('..')) {
    problems.push('must not contain two adjacent dots');
  }
  if (/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(value)) {
    problems.push('must not be formatted as an IP address');
  }
  for (const prefix of ['xn--', 'sthree-', 'amzn-s3-demo-']) {
    if (value.startsWith(prefix)) problems.push(`must not start with the reserved prefix "${prefix}"`);
  }
  for (const suffix of ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3']) {
    if (value.endsWith(suffix)) problems.push(`must not end with the reserved suffix "${suffix}"`);
  }
  for (const problem of problems) {
    report(ctx, value, `bucket name ${problem}`);
  }
  return problems.length > 0 ? z.NEVER : value;
});

/** A parsed S3 general purpose bucket ARN. */
export interface ParsedS3BucketArn {
  /** The ARN as given. */
  readonly arn: string;
  /** The partition, e.g. `aws`. */
  readonly partition: Partition;
  /** The bucket name. */
  readonly bucketName: string;
}

const S3_BUCKET_ARN_FORMAT = 'arn:<partition>:s3:::<bucket name>';

/**
 * An S3 general purpose bucket ARN (`arn:<partition>:s3:::<bucket>`: S3 bucket ARNs name no region and no
 * account), parsed into `{ arn, partition, bucketName }`. The name must follow the bucket naming rules.
 */
export const s3BucketArn = z.unknown().transform((value, ctx): ParsedS3BucketArn => {
  const expected = `expected an S3 bucket ARN (${S3_BUCKET_ARN_FORMAT})`;
  if (typeof value !== 'string') {
    report(ctx, value, value === undefined ? requiredMessage(`an S3 bucket ARN (${S3_BUCKET_ARN_FORMAT})`) : `${expected}, got ${jsonTypeOf(value)}`);
    return z.NEVER;
  }
  if (value.startsWith('s3://')) {
    report(ctx, value, `${expected}, got an s3:// URI; write it as arn:aws:s3:::${value.slice(5).split('/')[0]}`);
    return z.NEVER;
  }
  const match = /^arn:([^:]*):s3:([^:]*):([^:]*):(.*)$/.exec(value);
  if (!match) {
    report(ctx, value, `${expected}, got "${value}", which is not an S3 ARN`);
    return z.NEVER;
  }
  const [, partitionName, regionField, accountField, resource] = match;
  let ok = true;
  if (!(PARTITIONS as readonly string[]).includes(partitionName)) {
    report(ctx, value, `the partition "${partitionName}" in the ARN is not an AWS partition (one of ${PARTITIONS.join(', ')})`);
    ok = false;
  }
  if (regionField !== '' || accountField !== '') {
    report(ctx, value, `${expected}: a bucket ARN has empty region and account fields; access points and other S3 resources are not buckets`);
    return z.NEVER;
  }
  if (resource.includes('/')) {
    report(ctx, value, `${expected}, got an object or prefix ARN; give the bucket ARN arn:${partitionName}:s3:::${resource.split('/')[0]}`);
    return z.NEVER;
  }
  const name = s3BucketName.safeParse(resource);
  if (!name.success) {
    for (const issue of name.error.issues) report(ctx, value, issue.message);
    return z.NEVER;
  }
  return ok ? { arn: value, partition: partitionName as Partition, bucketName: name.data } : z.NEVER;
});

/**
 * A SageMaker model package group name: 1 to 63 letters, digits and hyphens, starting and
 * ending with a letter or digit.
 */
export const modelPackageGroupName = z.unknown().transform((value, ctx): string => {
  if (typeof value !== 'string') {
    report(ctx, value, value === undefined ? requiredMessage('a model package group name') : `expected a model package group name, got ${jsonTypeOf(value)}`);
    return z.NEVER;
  }
  const problems = modelPackageGroupNameProblems(value);
  for (const problem of problems) report(ctx, value, problem);
  return problems.length > 0 ? z.NEVER : value;
});

/**
 * Options of {@link resourceName}.
 */
export interface ResourceNameOptions {
  /**
   * What the name names, used in messages, e.g. `project name`.
   */
  readonly what: string;
  /**
   * The longest accepted name.
   */
  readonly maxLength: number;
  /**
   * The pattern a name must match.
   *
   * @default - letters, digits and hyphens, starting with a letter
   */
  readonly pattern?: RegExp;
  /**
   * The pattern in words, for the message.
   *
   * @default 'may contain only letters, digits and hyphens, and must start with a letter'
   */
  readonly rule?: string;
}

/**
 * A name with a length limit and a character rule, with messages that state both.
 */
export function resourceName(options: ResourceNameOptions) {
  const pattern = options.pattern ?? /^[A-Za-z][A-Za-z0-9-]*$/;
  const rule = options.rule ?? 'may contain only letters, digits and hyphens, and must start with a letter';
  return z.unknown().transform((value, ctx): string => {
    if (typeof value !== 'string') {
      report(ctx, value, value === undefined ? requiredMessage(`a ${options.what}`) : `expected a ${options.what}, got ${jsonTypeOf(value)}`);
      return z.NEVER;
    }
    let ok = true;
    if (value.length === 0 || value.length > options.maxLength) {
      report(ctx, value, `the ${options.what} is ${value.length} characters long; give 1 to ${options.maxLength} characters`);
      ok = false;
    }
    if (value.length > 0 && !pattern.test(value)) {
      report(ctx, value, `the ${options.what} "${value}" ${rule}`);
      ok = false;
    }
    return ok ? value : z.NEVER;
  });
}

// ---------------------------------------------------------------------------------------------
// Seedfarmer-encoded parameters
// ---------------------------------------------------------------------------------------------

/**
 * A boolean parameter. Accepts `true`/`false` and the strings `"true"`/`"false"` in any letter
 * case, because Seedfarmer passes `true` as the text `true` and Python users write `True`.
 */
export const booleanParam = z.unknown().transform((value, ctx): boolean => {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  report(
    ctx,
    value,
    value === undefined
      ? requiredMessage('true or false')
      : `expected true or false, got ${typeof value === 'string' ? `"${value}"` : jsonTypeOf(value)}; accepted values are true, false, "true" and "false" (any letter case)`,
  );
  return z.NEVER;
});

/**
 * Bounds of {@link intParam}.
 */
export interface IntParamOptions {
  /**
   * The smallest accepted value.
   *
   * @default - no lower bound
   */
  readonly min?: number;
  /**
   * The largest accepted value.
   *
   * @default - no upper bound
   */
  readonly max?: number;
}

/**
 * A whole-number parameter, given as a number or as its decimal text (Seedfarmer passes `3` as
 * the text `3`).
 */
export function intParam(options: IntParamOptions = {}) {
  const range = options.min !== undefined && options.max !== undefined
    ? `between ${options.min} and ${options.max}`
    : options.min !== undefined
      ? `at least ${options.min}`
      : options.max !== undefined
        ? `at most ${options.max}`
        : undefined;
  const wanted = range ? `a whole number ${range}` : 'a whole number';
  return z.unknown().transform((value, ctx): number => {
    let n: number | undefined;
    if (typeof value === 'number' && Number.isInteger(value)) {
      n = value;
    } else if (typeof value === 'string' && /^[+-]?\d+$/.test(value)) {
      n = Number(value);
    }
    if (n === undefined || !Number.isSafeInteger(n)) {
      report(
        ctx,
        value,
        value === undefined
          ? requiredMessage(wanted)
          : `expected ${wanted}, got ${typeof value === 'string' ? `"${value}"` : typeof value === 'number' ? value : jsonTypeOf(value)}`,
      );
      return z.NEVER;
    }
    if ((options.min !== undefined && n < options.min) || (options.max !== undefined && n > options.max)) {
      report(ctx, value, `${n} is out of range; give ${wanted}`);
      return z.NEVER;
    }
    return n;
  });
}

/**
 * A parameter holding JSON: accepts JSON text (how Seedfarmer passes lists and objects) or an
 * already parsed value (how a YAML file gives it), then validates it with `schema`.
 */
export function jsonParam<T extends z.ZodType>(schema: T) {
  return z
    .unknown()
    .transform((value, ctx): unknown => {
      if (typeof value !== 'string') {
        return value;
      }
      try {
        return JSON.parse(value) as unknown;
      } catch (e) {
        report(
          ctx,
          value,
          `is not valid JSON (${(e as Error).message}); give JSON text such as ["a", "b"] or {"key": "value"}, or a YAML list or mapping in a file`,
        );
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/**
 * A list parameter: `jsonParam(z.array(itemSchema))`.
 */
export function listParam<T extends z.ZodType>(itemSchema: T) {
  return jsonParam(z.array(itemSchema));
}

// ---------------------------------------------------------------------------------------------
// Environments
// ---------------------------------------------------------------------------------------------

/**
 * The kinds of environment a model moves through.
 */
export const ENVIRONMENT_TYPES = ['dev', 'preprod', 'prod'] as const;

/**
 * One deployment environment: `{ name, account, region, type }`; unknown keys are errors.
 */
export const environmentSchema = z.strictObject({
  name: resourceName({ what: 'environment name', maxLength: 64 }),
  account: accountId,
  region,
  type: z.enum(ENVIRONMENT_TYPES, {
    error: (issue) =>
      issue.input === undefined
        ? `required, but not set; give one of ${ENVIRONMENT_TYPES.join(', ')}`
        : `expected one of ${ENVIRONMENT_TYPES.join(', ')}, got ${JSON.stringify(issue.input)}`,
  }),
});

/**
 * A validated environment.
 */
export type Environment = z.output<typeof environmentSchema>;
