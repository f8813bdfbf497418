// The AWS regions CDK knows, with their partitions: aws-cdk-lib/region-info (RegionInfo.regions,
// RegionInfo#partition) of aws-cdk-lib 2.276.0. This package must not depend on
// aws-cdk-lib, so the table is copied here; test/regions.test.ts compares it with region-info and
// fails when CDK knows a region this table does not (regenerate it with the command in that test).
import type { Partition } from './primitives';

export const KNOWN_REGIONS: ReadonlyMap<string, Partition> = new Map<string, Partition>([
  ['af-south-1', 'aws'],
  ['ap-east-1', 'aws'],
  ['ap-east-2', 'aws'],
  ['ap-northeast-1', 'aws'],
  ['ap-northeast-2', 'aws'],
  ['ap-northeast-3', 'aws'],
  ['ap-south-1', 'aws'],
  ['ap-south-2', 'aws'],
  ['ap-southeast-1', 'aws'],
  ['ap-southeast-2', 'aws'],
  ['ap-southeast-3', 'aws'],
  ['ap-southeast-4', 'aws'],
  ['ap-southeast-5', 'aws'],
  ['ap-southeast-6', 'aws'],
  ['ap-southeast-7', 'aws'],
  ['ca-central-1', 'aws'],
  ['ca-west-1', 'aws'],
  ['cn-north-1', 'aws-cn'],
  ['cn-northwest-1', 'aws-cn'],
  ['eu-central-1', 'aws'],
  ['eu-central-2', 'aws'],
  ['eu-isoe-west-1', 'aws-iso-e'],
  ['eu-north-1', 'aws'],
  ['eu-south-1', 'aws'],
  ['eu-south-2', 'aws'],
  ['eu-west-1', 'aws'],
  ['eu-west-2', 'aws'],
  ['eu-west-3', 'aws'],
  ['eusc-de-east-1', 'aws-eusc'],
  ['il-central-1', 'aws'],
  ['me-central-1', 'aws'],
  ['me-south-1', 'aws'],
  ['me-west-1', 'aws'],
  ['mx-central-1', 'aws'],
  ['sa-east-1', 'aws'],
  ['us-east-1', 'aws'],
  ['us-east-2', 'aws'],
  ['us-gov-east-1', 'aws-us-gov'],
  ['us-gov-west-1', 'aws-us-gov'],
  ['us-iso-east-1', 'aws-iso'],
  ['us-iso-west-1', 'aws-iso'],
  ['us-isob-east-1', 'aws-iso-b'],
  ['us-isob-west-1', 'aws-iso-b'],
  ['us-isof-east-1', 'aws-iso-f'],
  ['us-isof-south-1', 'aws-iso-f'],
  ['us-west-1', 'aws'],
  ['us-west-2', 'aws'],
]);

/**
 * The opt-in for a region newer than this table: a comma-separated list of region codes in
 * `SAGEMAKER_MLOPS_EXTRA_REGIONS` (e.g. `SAGEMAKER_MLOPS_EXTRA_REGIONS=xx-east-1`), accepted with the
 * partition its prefix implies. Documented in the package README.
 */
export const EXTRA_REGIONS_VARIABLE = 'SAGEMAKER_MLOPS_EXTRA_REGIONS';

export function extraRegions(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env[EXTRA_REGIONS_VARIABLE] ?? '').split(',').map((r) => r.trim()).filter(Boolean);
}
