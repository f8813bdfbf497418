import { expectCfnLintClean, expectNoGuardFindings, expectNoNagFindings } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { CONNECTION_ARN, productGuardFindings, REQUIRED, synth, templates } from './fixtures';

const VARIANTS = [
  ['the defaults (CodeCommit)', REQUIRED],
  [
    'CodeConnections, explicit principals, a boundary and a central access-log bucket',
    {
      ...REQUIRED,
      repository_type: 'codeconnections',
      code_connection_arn: CONNECTION_ARN,
      portfolio_principal_arns: ['arn:aws:iam::111111111111:role/service-role/AmazonSageMaker-ExecutionRole'],
      permissions_boundary_name: 'mlops-boundary',
      s3_access_logs_bucket_arn: 'arn:aws:s3:::aws-controltower-s3-access-logs-example',
    },
  ],
] as const;

describe.each(VARIANTS)('gates with %s', (_name, parameters) => {
  const { app, stack } = synth(parameters);
  const { productFile } = templates(stack);

  it('cdk-nag AwsSolutions: module stack and product template clean, or acknowledged per finding', () => {
    expectNoNagFindings(app);
  });

  it('Control Tower proactive controls: module stack clean', () => {
    expectNoGuardFindings(app);
  });

  it('Control Tower proactive controls: the product template (a file asset the stack gate does not see) is clean', () => {
    expect(productGuardFindings(stack, productFile)).toEqual([]);
  });

  it('cfn-lint: zero errors or unaccepted warnings in the module region, product template included', async () => {
    const result = await expectCfnLintClean(stack);
    if (!result.skipped) expect(result.templates.some((t) => t.endsWith('.product.template.json'))).toBe(true);
  });
});
