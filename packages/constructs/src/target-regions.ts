import { Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The template `Metadata` key that lists the regions a stack's templates are deployed into besides the
 * stack's own region. The repository's cfn-lint gate (test-utils `assemblyRegions`) lints every
 * template of the assembly for each of them, because resource schemas differ by region.
 */
export const TARGET_REGIONS_METADATA_KEY = 'sagemaker-mlops:target-regions';

/**
 * Records in the template of `scope`'s stack that its templates (nested ones and template assets
 * included) are deployed into `regions`, e.g. the stage regions of a pipeline that deploys a
 * parameterized template. Regions add up over calls; the stack's own region is always included.
 *
 * @throws Error when a region is an unresolved token: the linter needs the names at synth time.
 */
export function recordTargetRegions(scope: IConstruct, regions: string[]): void {
  const stack = Stack.of(scope);
  for (const region of regions) {
    if (Token.isUnresolved(region)) throw new Error(`recordTargetRegions: regions must be known at synth time, got ${region}`);
  }
  const known = new Set<string>((stack.templateOptions.metadata?.[TARGET_REGIONS_METADATA_KEY] as string[] | undefined) ?? []);
  if (!Token.isUnresolved(stack.region)) known.add(stack.region);
  regions.forEach((r) => known.add(r));
  stack.templateOptions.metadata = { ...stack.templateOptions.metadata, [TARGET_REGIONS_METADATA_KEY]: [...known].sort() };
}
