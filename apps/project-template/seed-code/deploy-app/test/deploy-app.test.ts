// Tests of this deploy app: extend them with what your endpoints must satisfy. `npm test`.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDeployApp } from '../src/deploy-app';
import type { DeploySettings } from '../src/settings';

const settings: DeploySettings = {
  projectName: 'churn',
  projectId: 'p-abc123def456',
  modelPackageGroupName: 'churn-p-abc123def456',
  accounts: { dev: '111111111111', preprod: '222222222222', prod: '333333333333' },
  region: 'eu-west-1',
  modelBucketName: 'sc-111111111111-pp-abc-sharedartifacts',
  modelBucketKmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/12345678-1234-1234-1234-123456789abc',
  ecrRepositoryArn: 'arn:aws:ecr:eu-west-1:111111111111:repository/sagemaker-p-abc123def456',
  stagingTestRoleArn: 'arn:aws:iam::111111111111:role/sagemaker-project/churn-p-abc123def456-tester',
};
const model = { arn: 'arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn-p-abc123def456/3', version: 3 };

describe('deploy app', () => {
  const stacks = buildDeployApp(new App(), settings, model, join(__dirname, '..', 'config'));

  it('deploys the approved version to every stage with that stage\'s own configuration', () => {
    for (const [stage, count] of [['dev', 1], ['preprod', 1], ['prod', 2]] as const) {
      const parameters = Template.fromStack(stacks[stage]).toJSON().Parameters;
      expect(parameters.ModelPackageArn.Default).toBe(model.arn);
      expect(parameters.StageName.Default).toBe(stage);
      expect(parameters.InstanceCount.Default).toBe(count);
    }
    // Synthesizing three stacks with cdk-nag-sized dependencies takes longer than vitest's 5 s default on a small build host.
  }, 120_000);
});
