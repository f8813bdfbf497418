import { createTestApp, DUMMY_ACCOUNTS, expectCfnLintClean } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { EndpointStack } from '../../src';

/**
 * The endpoint template is parameterized and deployed by the pipeline into every stage region, so it
 * must be valid against each region's resource schemas (they differ: AWS::SageMaker::Endpoint has no
 * EndpointArn attribute in eu-west-1, us-east-2 or ap-southeast-2, but has it in us-east-1).
 */
const REGIONS = ['eu-west-1', 'us-east-1', 'us-east-2', 'ap-southeast-2'];

describe('EndpointStack under cfn-lint', () => {
  it.each([
    ['without guardrails', {}],
    [
      'with VPC, autoscaling and a canary guardrail',
      {
        vpc: { subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'], securityGroupIds: ['sg-0123456789abcdef0'] },
        autoscaling: { minCapacity: 2, maxCapacity: 6, targetInvocationsPerInstance: 200 },
        guardrails: { mode: 'canary' as const, canaryPercent: 25, waitIntervalSeconds: 300, alarms: { max5xxErrorRate: 0.01, maxModelLatencyMs: 250 } },
      },
    ],
  ])('is clean in %s, in every region a stage may deploy to', async (_name, overrides) => {
    const app = createTestApp();
    const stack = new EndpointStack(app, 'Endpoint', {
      projectName: 'churn',
      projectId: 'p-abc123def456',
      stageNames: ['staging', 'prod'],
      modelRegistryAccount: DUMMY_ACCOUNTS.source,
      modelArtifactBucketName: 'churn-model-artifacts',
      modelArtifactKeyArn: `arn:aws:kms:eu-west-1:${DUMMY_ACCOUNTS.source}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      testPrincipalArn: `arn:aws:iam::${DUMMY_ACCOUNTS.tooling}:role/churn-staging-test-runner`,
      ...overrides,
    });
    const result = await expectCfnLintClean(stack, REGIONS);
    if (!result.skipped) expect(result.regions).toEqual(REGIONS);
  });
});
