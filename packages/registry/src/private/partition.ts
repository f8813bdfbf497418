// The same mapping as @sagemaker-mlops/config's partitionOfRegion; this package runs inside AWS and
// does not depend on the configuration package.
const PARTITIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^cn-/, 'aws-cn'],
  [/^us-gov-/, 'aws-us-gov'],
  [/^us-isob-/, 'aws-iso-b'],
  [/^us-isof-/, 'aws-iso-f'],
  [/^[a-z]{2}-isoe-/, 'aws-iso-e'],
  [/^us-iso-/, 'aws-iso'],
  [/^eusc-/, 'aws-eusc'],
];

/** The AWS partition of a region, for building ARNs from parsed inputs rather than assuming the commercial one. */
export function partitionOfRegion(region: string): string {
  return PARTITIONS.find(([pattern]) => pattern.test(region))?.[1] ?? 'aws';
}
