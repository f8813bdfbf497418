import { CfnParameter, Stack } from 'aws-cdk-lib';
import { createTestApp } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { endpointExecutionRoleName, endpointName, endpointTestRoleName } from '../../src';

describe('endpoint names', () => {
  it('names the endpoint after project, project id and stage', () => {
    // GIVEN / WHEN
    const name = endpointName('churn', 'p-abc123', 'staging');
    // THEN
    expect(name).toBe('churn-p-abc123-staging');
  });

  it('gives every stage its own endpoint, test role and execution role names', () => {
    // GIVEN
    const stages = ['staging', 'prod'];
    // WHEN
    const names = stages.flatMap((s) => [
      endpointName('churn', 'p-abc123', s),
      endpointTestRoleName('churn', 'p-abc123', s),
      endpointExecutionRoleName('churn', 'p-abc123', s),
    ]);
    // THEN
    expect(names).toEqual([
      'churn-p-abc123-staging',
      'churn-p-abc123-staging-test',
      'churn-p-abc123-staging-exec',
      'churn-p-abc123-prod',
      'churn-p-abc123-prod-test',
      'churn-p-abc123-prod-exec',
    ]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('accepts a deploy-time stage and renders it as a join with that parameter', () => {
    // GIVEN
    const stack = new Stack(createTestApp(), 'Names');
    const stage = new CfnParameter(stack, 'StageName').valueAsString;
    // WHEN
    const resolved = stack.resolve(endpointTestRoleName('churn', 'p-abc123', stage));
    // THEN
    expect(resolved).toEqual({ 'Fn::Join': ['', ['churn-p-abc123-', { Ref: 'StageName' }, '-test']] });
  });
});
