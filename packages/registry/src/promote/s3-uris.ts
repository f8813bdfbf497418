import { formatS3Uri, parseS3Uri } from '../private/s3-uri';

/**
 * Keys whose S3 value is where SageMaker writes (e.g. a validation transform job's output), not an
 * artifact to copy; {@link rewriteS3Uris} still moves them to the target bucket.
 */
const OUTPUT_LOCATION_KEYS = new Set(['S3OutputPath']);

/**
 * Every `s3://` string anywhere in a model package description, deduplicated, in document order.
 *
 * Covers model data (ModelDataUrl, ModelDataSource.S3DataSource.S3Uri, additional data sources),
 * ModelMetrics reports, DriftCheckBaselines, SamplePayloadUrl, ValidationSpecification inputs,
 * AdditionalInferenceSpecifications and container environment values. Output locations
 * (`S3OutputPath`) are left out: they hold nothing to copy.
 */
export function collectS3Uris(describeOutput: unknown): string[] {
  const found = new Set<string>();
  const visit = (value: unknown, key: string | undefined): void => {
    if (typeof value === 'string') {
      if (value.startsWith('s3://') && !(key !== undefined && OUTPUT_LOCATION_KEYS.has(key))) {
        found.add(value);
      }
    } else if (Array.isArray(value)) {
      value.forEach((item) => visit(item, key));
    } else if (isPlainObject(value)) {
      for (const [childKey, child] of Object.entries(value)) {
        if (childKey !== '$metadata') {
          visit(child, childKey);
        }
      }
    }
  };
  visit(describeOutput, undefined);
  return [...found];
}

/**
 * A deep copy of `value` in which the bucket of every `s3://` string is `targetBucket`; keys are kept.
 */
export function rewriteS3Uris<T>(value: T, targetBucket: string): T {
  return rewrite(value, targetBucket) as T;
}

function rewrite(value: unknown, targetBucket: string): unknown {
  if (typeof value === 'string') {
    return value.startsWith('s3://') ? formatS3Uri({ bucket: targetBucket, key: parseS3Uri(value).key }) : value;
  }
  if (Array.isArray(value)) {
    return value.map((item) => rewrite(item, targetBucket));
  }
  if (value instanceof Date) {
    return new Date(value.getTime());
  }
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, targetBucket)]));
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
