import { FLAGS } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { FEATURE_FLAGS, FEATURE_FLAGS_LEFT_OFF } from '../src';

/**
 * The CDK CLI's count behind "N feature flags are not configured" (aws-cdk, FlagOperations.filterNeedsAttention):
 * flags without a value whose unconfigured behaviour differs from the recommended value.
 */
function needsAttention(context: Record<string, unknown>): string[] {
  return Object.entries(FLAGS)
    .filter(([name]) => context[name] === undefined)
    .filter(([, flag]) => String(flag.unconfiguredBehavesLike?.v2 ?? false) !== String(flag.recommendedValue))
    .map(([name]) => name);
}

describe('FEATURE_FLAGS', () => {
  it('configures every flag the CDK CLI would report as not configured', () => {
    expect(needsAttention({}).length).toBeGreaterThan(50);
    expect(needsAttention(FEATURE_FLAGS as Record<string, unknown>)).toEqual([]);
  });

  it('sets every recommended flag to its recommended value, except those left off with a reason', () => {
    for (const [name, flag] of Object.entries(FLAGS)) {
      if (name in FEATURE_FLAGS_LEFT_OFF) continue;
      if (flag.recommendedValue === undefined || FEATURE_FLAGS[name] === undefined) continue;
      expect([name, FEATURE_FLAGS[name]]).toEqual([name, flag.recommendedValue]);
    }
    for (const [name, reason] of Object.entries(FEATURE_FLAGS_LEFT_OFF)) {
      expect(FLAGS[name], name).toBeDefined();
      expect(FEATURE_FLAGS[name]).toBe(false);
      expect(reason.length).toBeGreaterThan(40);
    }
  });

  it('keeps the flags the templates rely on: log buckets get a bucket policy, not an ACL (cfn-lint W3045)', () => {
    expect(FEATURE_FLAGS['@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy']).toBe(true);
  });
});
