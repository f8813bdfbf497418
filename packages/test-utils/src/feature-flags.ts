/**
 * CDK feature flags every app sets in its cdk.json (projenrc/mlops-app.ts reads this object) and
 * every test app gets (`createTestApp`), so unit tests synthesize what the apps deploy.
 * Plain data: projen imports this file without building the package.
 */
export const FEATURE_FLAGS: Readonly<Record<string, boolean>> = {
  // Server access log buckets get a bucket policy for the logging service instead of the legacy
  // LogDeliveryWrite ACL (cfn-lint W3045; ACLs are off with S3 Object Ownership "bucket owner enforced").
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
};
