import { expectCfnLintClean, expectNoGuardFindings, expectNoNagFindings } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { CONNECTION_ARN, PARAMETERS, synth } from './fixtures';

const CENTRAL_LOGS = 'arn:aws:s3:::aws-controltower-s3-access-logs-example';

describe('gates', () => {
  it.each([
    ['CodeConnections repositories and a cross-region prod', PARAMETERS],
    [
      'CodeCommit repositories, central access logs, VPC parameters and approval e-mails',
      {
        ...PARAMETERS,
        infra_repo: { host: 'codecommit', name: 'model-cicd-infra', branch: 'release' },
        model_build_repo: { host: 'codecommit', name: 'model-build' },
        s3_access_logs_bucket_arn: CENTRAL_LOGS,
        vpc_subnet_ids_parameter: '/network/private-subnet-ids',
        vpc_security_group_ids_parameter: '/network/endpoint-sg-ids',
        approval_email_addresses: ['ml-approvers@example.com'],
      },
    ],
  ] as const)(
    'cdk-nag, the Control Tower controls and cfn-lint (every region of the configuration) pass with %s, acknowledged per resource with a reason',
    async (_name, parameters) => {
      const { app } = synth(parameters as Record<string, unknown>);
      expectNoNagFindings(app);
      expectNoGuardFindings(app);
      const result = await expectCfnLintClean(app);
      if (!result.skipped) expect(result.regions).toEqual(expect.arrayContaining(['eu-west-1', 'us-east-1']));
    },
    240_000,
  );

  it('keeps the CodeConnections connection ARN of the configuration', () => {
    expect(JSON.stringify(synth().stack.config.infraRepo)).toContain(CONNECTION_ARN);
  });
});
