import { z } from 'zod';
import { formatZodProblems } from '../private/zod-problems';

/** The tags the pipeline sets on every endpoint stack; a stage configuration may not set them. */
export const ENDPOINT_STACK_TAG_KEYS = ['sagemaker:deployment-stage', 'sagemaker:project-id', 'sagemaker:project-name'] as const;

/**
 * One stage's endpoint settings, from `<stage>-config.json` in the deploy repository, with the defaults applied.
 */
export interface StageConfig {
  /** The ML instance type of the endpoint, e.g. `ml.m5.large`. */
  readonly InstanceType: string;
  /** The number of instances, 1–100. */
  readonly InstanceCount: number;
  /**
   * The name of the endpoint's production variant.
   *
   * @default 'AllTraffic'
   */
  readonly VariantName: string;
  /**
   * The percentage of requests the endpoint captures, 0–100.
   *
   * @default 100
   */
  readonly DataCaptureSamplingPercentage: number;
  /**
   * Extra tags of the endpoint stack, added after the pipeline's `sagemaker:*` tags.
   *
   * @default {}
   */
  readonly Tags: Readonly<Record<string, string>>;
}

const INSTANCE_TYPE = /^ml\.[a-z0-9]+\.[a-z0-9]+$/;
const VARIANT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
// CloudFormation propagates stack tags to every resource, and SageMaker allows 50 tags per resource.
const MAX_USER_TAGS = 50 - ENDPOINT_STACK_TAG_KEYS.length;

const integerIn = (min: number, max: number, what: string) =>
  z
    .number({ error: (issue) => (issue.input === undefined ? `is required: set ${what}` : `must be a number: set ${what}`) })
    .refine((value) => Number.isInteger(value) && value >= min && value <= max, {
      error: `must be an integer from ${min} to ${max}: set ${what}`,
    });

const tagKey = z
  .string()
  .refine((key) => TAG_KEY.test(key), {
    error: 'is not a valid tag key: use 1-128 letters, digits, spaces and _ . : / = + - @',
  })
  .refine((key) => !key.toLowerCase().startsWith('aws:'), { error: 'tag keys starting with "aws:" are reserved by AWS: rename it' })
  .refine((key) => !(ENDPOINT_STACK_TAG_KEYS as readonly string[]).includes(key), {
    error: 'this tag is set by the pipeline: remove it from Tags',
  });

const tagValue = z
  .string({ error: 'must be a string: quote the tag value' })
  .regex(TAG_VALUE, { error: 'is not a valid tag value: use at most 256 letters, digits, spaces and _ . : / = + - @' });

const stageConfigSchema = z.strictObject(
  {
    InstanceType: z
      .string({
        error: (issue) =>
          issue.input === undefined
            ? 'is required: set an ML instance type such as "ml.m5.large"'
            : 'must be a string such as "ml.m5.large"',
      })
      .regex(INSTANCE_TYPE, { error: 'must be an ML instance type such as "ml.m5.large" (ml.<family>.<size>, lowercase)' }),
    InstanceCount: integerIn(1, 100, 'the number of endpoint instances, e.g. 1'),
    VariantName: z
      .string({ error: 'must be a string such as "AllTraffic"' })
      .regex(VARIANT_NAME, {
        error: 'must be 1-63 letters, digits and single hyphens, starting and ending with a letter or digit, e.g. "AllTraffic"',
      })
      .default('AllTraffic'),
    DataCaptureSamplingPercentage: integerIn(0, 100, 'the percentage of requests to capture, e.g. 100').default(100),
    Tags: z
      .record(tagKey, tagValue, { error: 'must be an object of tag keys to string values, e.g. {"team": "risk"}' })
      .refine((tags) => Object.keys(tags).length <= MAX_USER_TAGS, {
        error: `has too many tags: at most ${MAX_USER_TAGS} (SageMaker allows 50 per resource and the pipeline sets 3)`,
      })
      .default({}),
  },
  { error: 'must hold one JSON object, e.g. {"InstanceType": "ml.m5.large", "InstanceCount": 1}' },
);

const STAGE_CONFIG_KEYS = Object.keys(stageConfigSchema.shape);

/** The file name of a stage's configuration in the deploy repository: `<stage>-config.json`. */
export function stageConfigFileName(stage: string): string {
  return `${stage}-config.json`;
}

/**
 * Validates the parsed content of a `<stage>-config.json`.
 *
 * @param content the parsed JSON
 * @param file the file name, used in the problems
 * @returns the configuration with defaults applied, or every problem found (`<file>: <path>: <problem and fix>`)
 */
export function validateStageConfig(
  content: unknown,
  file: string,
): { readonly config: StageConfig; readonly problems?: undefined } | { readonly config?: undefined; readonly problems: string[] } {
  const result = stageConfigSchema.safeParse(content);
  if (result.success) {
    return { config: result.data };
  }
  return { problems: formatZodProblems(file, result.error.issues, content, STAGE_CONFIG_KEYS) };
}
