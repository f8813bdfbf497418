import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';

/**
 * Recommended flags left off on purpose, each with the reason (docs/adr/0011-feature-flags.md). They are
 * still set, to `false`, so the CDK CLI counts them as configured and synth prints no "N feature flags
 * are not configured".
 */
export const FEATURE_FLAGS_LEFT_OFF: Readonly<Record<string, string>> = {
  '@aws-cdk/aws-iam:minimizePolicies':
    'Merges and re-sorts policy statements: the same grants, but no longer in the per-purpose statements the ' +
    'code writes and the tests and cdk-nag acknowledgements name; our policies are far below the IAM size limits.',
  '@aws-cdk/core:enablePartitionLiterals':
    'Writes the partition as a literal instead of `${AWS::Partition}` in stacks with a region: the same value at deploy ' +
    'time, but every ARN and every acknowledgement keyed on one changes, and templates stop being partition-agnostic.',
  '@aws-cdk/aws-lambda:useCdkManagedLogGroup':
    "Gives every Lambda without an explicit log group (CDK's own: AwsCustomResource, the Provider framework) an " +
    'unencrypted log group with no key option, failing Control Tower CT.CLOUDWATCH.PR.3; our own functions and ' +
    'builds already create encrypted log groups.',
};

/**
 * CDK feature flags every app sets in its cdk.json (projenrc/mlops-app.ts reads this object) and
 * every test app gets (`createTestApp`), so unit tests synthesize what the apps deploy: every flag CDK
 * recommends for new projects (`CURRENTLY_RECOMMENDED_FLAGS` of the pinned aws-cdk-lib), except
 * {@link FEATURE_FLAGS_LEFT_OFF}. Among them `@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy`: server
 * access log buckets get a bucket policy for the logging service instead of the legacy LogDeliveryWrite
 * ACL (cfn-lint W3045). Plain data: projen imports this file without building the package.
 */
export const FEATURE_FLAGS: Readonly<Record<string, unknown>> = {
  ...CURRENTLY_RECOMMENDED_FLAGS,
  ...Object.fromEntries(Object.keys(FEATURE_FLAGS_LEFT_OFF).map((flag) => [flag, false])),
};
