import { CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createTestApp, dummyEnv, TARGET_REGIONS_METADATA_KEY as LINTER_KEY } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { recordTargetRegions, TARGET_REGIONS_METADATA_KEY } from '../src';

describe('recordTargetRegions', () => {
  it('records the stack region and every stage region once, under the key the cfn-lint gate reads', () => {
    // GIVEN
    const stack = new Stack(createTestApp(), 'Tooling', { env: dummyEnv('tooling') });
    // CDK's own CloudFormation validation (@aws-cdk/core:validateAgainstDefaultRules) rejects an empty stack.
    new CfnWaitConditionHandle(stack, 'AnyResource');

    // WHEN
    recordTargetRegions(stack, ['us-east-2', 'ap-southeast-2']);
    recordTargetRegions(stack, ['us-east-2']);

    // THEN
    expect(TARGET_REGIONS_METADATA_KEY).toBe(LINTER_KEY);
    expect(Template.fromStack(stack).toJSON().Metadata[TARGET_REGIONS_METADATA_KEY]).toEqual(
      [stack.region, 'us-east-2', 'ap-southeast-2'].sort(),
    );
  });

  it('fails when a region is a token', () => {
    const stack = new Stack(createTestApp(), 'Agnostic');
    expect(() => recordTargetRegions(stack, [stack.region])).toThrow(/known at synth time/);
  });
});
