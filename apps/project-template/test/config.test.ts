import { catchConfigError } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { ACCOUNTS, CONNECTION_ARN, load, REQUIRED } from './fixtures';

const problems = (parameters: Record<string, unknown>, options?: { allowPlaceholderAccounts?: boolean }) =>
  catchConfigError(() => load(parameters, options)).issues.map((i) => `${i.path}: ${i.message}`);

describe('project-template parameters', () => {
  it('applies the reference defaults', () => {
    const { config } = load(REQUIRED);
    expect(config).toMatchObject({
      preprodAccount: ACCOUNTS.preprod,
      prodAccount: ACCOUNTS.prod,
      deploymentRegion: 'eu-west-1',
      portfolioName: 'SageMaker Organization Templates',
      portfolioOwner: 'administrator',
      productVersion: '1.0',
      repository: { type: 'codecommit' },
      cdkBootstrapQualifier: 'hnb659fds',
    });
    // Default principal: the role in SSM /mlops/role/lead (resolved at deploy time).
    expect(config.portfolioPrincipalArns).toBeUndefined();
  });

  it('requires preprod_account and prod_account, naming both at once', () => {
    expect(problems({})).toEqual([expect.stringMatching(/^preprod_account: /), expect.stringMatching(/^prod_account: /)]);
  });

  it.each([
    ['preprod_account', '12345'],
    ['prod_account', 'arn:aws:iam::123456789012:root'],
  ])('rejects a malformed %s', (name, value) => {
    expect(problems({ ...REQUIRED, [name]: value })).toEqual([expect.stringMatching(new RegExp(`^${name}: `))]);
  });

  it('rejects placeholder accounts outside test fixtures', () => {
    const found = problems(REQUIRED, { allowPlaceholderAccounts: false });
    expect(found.some((p) => p.startsWith('preprod_account: '))).toBe(true);
    expect(found.some((p) => p.startsWith('prod_account: '))).toBe(true);
  });

  it('accepts a deployment_region other than the module region (its artifact store is created there), and rejects an unknown one or one of another partition', () => {
    expect(problems({ ...REQUIRED, deployment_region: 'eu-westt-1' })).toEqual([expect.stringMatching(/^deployment_region: /)]);
    expect(problems({ ...REQUIRED, deployment_region: 'cn-north-1' })).toEqual([expect.stringMatching(/^deployment_region: .*is not of partition aws of the module.s region eu-west-1/)]);
    expect(load({ ...REQUIRED, deployment_region: 'us-east-1' }).config).toMatchObject({ deploymentRegion: 'us-east-1', region: 'eu-west-1' });
    expect(load({ ...REQUIRED, deployment_region: 'eu-west-1' }).config.deploymentRegion).toBe('eu-west-1');
    expect(load(REQUIRED).config.deploymentRegion).toBe('eu-west-1');
  });

  it('takes a numeric product_version as Seedfarmer passes it', () => {
    expect(load({ ...REQUIRED, product_version: 2.1 }).config.productVersion).toBe('2.1');
  });

  it('needs code_connection_arn with codeconnections, in the module account and region, and only then', () => {
    expect(problems({ ...REQUIRED, repository_type: 'codeconnections' })).toEqual([expect.stringMatching(/^code_connection_arn: required with repository_type codeconnections/)]);
    expect(problems({ ...REQUIRED, code_connection_arn: CONNECTION_ARN })).toEqual([expect.stringMatching(/^code_connection_arn: only used with repository_type codeconnections/)]);
    const otherAccount = CONNECTION_ARN.replace(ACCOUNTS.dev, ACCOUNTS.prod);
    expect(problems({ ...REQUIRED, repository_type: 'codeconnections', code_connection_arn: otherAccount })).toEqual([
      expect.stringMatching(/^code_connection_arn: CodePipeline uses connections of its own account and region/),
    ]);
    expect(load({ ...REQUIRED, repository_type: 'codeconnections', code_connection_arn: CONNECTION_ARN }).config.repository).toEqual({
      type: 'codeconnections',
      connectionArn: CONNECTION_ARN,
    });
  });

  it('shares the portfolio with principals of its own account only', () => {
    const own = `arn:aws:iam::${ACCOUNTS.dev}:role/service-role/AmazonSageMaker-ExecutionRole`;
    expect(load({ ...REQUIRED, portfolio_principal_arns: [own] }).config.portfolioPrincipalArns).toEqual([own]);
    expect(problems({ ...REQUIRED, portfolio_principal_arns: [`arn:aws:iam::${ACCOUNTS.prod}:role/x`] })).toEqual([
      expect.stringMatching(/^portfolio_principal_arns\[0\]: a portfolio is shared with principals of its own account/),
    ]);
    expect(problems({ ...REQUIRED, portfolio_principal_arns: [] })).toEqual([expect.stringMatching(/^portfolio_principal_arns: a portfolio shared with nobody/)]);
  });

  it('rejects an unknown parameter, a bad qualifier and a boundary ARN in one error', () => {
    expect(problems({ ...REQUIRED, deploy_region: 'eu-west-1', cdk_bootstrap_qualifier: 'Hnb659fds', permissions_boundary_name: 'arn:aws:iam::111111111111:policy/b' })).toEqual([
      expect.stringMatching(/^cdk_bootstrap_qualifier: /),
      expect.stringMatching(/^permissions_boundary_name: /),
      expect.stringMatching(/deploy_region/),
    ]);
  });
});
