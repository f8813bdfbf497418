import { loadModuleConfig } from '@sagemaker-mlops/config';
import { catchConfigError, DUMMY_ACCOUNTS, DUMMY_REGION } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { batchPromotionParameters } from '../src/config';
import { CONNECTION_ARN, GROUP, load, MULTI_ACCOUNT, PROJECT, seedfarmerEnv } from './fixtures';

const problems = (parameters: Record<string, unknown>, account?: string) => catchConfigError(() => load(parameters, account));
const lines = (parameters: Record<string, unknown>) => problems(parameters).issues.map((i) => `${i.path}: ${i.message}`);

describe('batch-promotion parameters', () => {
  it('applies the documented defaults: stage regions = the module region, group <name>-<id>, a created dev role, CodeCommit on main', () => {
    const { config, module } = load(MULTI_ACCOUNT);
    expect(module.stackName).toBe('mlops-test-batch-promotion');
    expect(config).toMatchObject({
      modelPackageGroupName: GROUP,
      devPipelineRole: { kind: 'created', name: 'abalone-p-abc123def456-dev-sm-execution' },
      devPipelineName: 'abalone-p-abc123def456-dev-pipeline',
      devBucketName: `p-abc123def456-dev-artifacts-${DUMMY_ACCOUNTS.tooling}`,
      repository: { type: 'codecommit', name: 'abalone-p-abc123def456-pipeline-promotion', branch: 'main' },
      approvalEmailAddresses: [],
      cdkBootstrapQualifier: 'hnb659fds',
      retainOnDelete: true,
    });
    expect(config.stages).toEqual([
      expect.objectContaining({
        name: 'preprod',
        account: DUMMY_ACCOUNTS.staging,
        region: DUMMY_REGION,
        sagemakerPipelineName: 'abalone-p-abc123def456-preprod-pipeline',
        dashboardName: 'abalone-p-abc123def456-preprod-dashboard',
        bucketName: `p-abc123def456-preprod-artifacts-${DUMMY_ACCOUNTS.staging}`,
        createsModelPackageGroup: true,
      }),
      expect.objectContaining({ name: 'prod', account: DUMMY_ACCOUNTS.prod, region: DUMMY_REGION, sagemakerPipelineName: 'abalone-p-abc123def456-prod-pipeline', createsModelPackageGroup: true }),
    ]);
  });

  it('creates the model package group once per account and region: a stage sharing dev\'s or an earlier stage\'s reuses it', () => {
    const shared = load({ ...PROJECT, preprod_account: DUMMY_ACCOUNTS.staging, prod_account: DUMMY_ACCOUNTS.staging }).config;
    expect(shared.stages.map((s) => s.createsModelPackageGroup)).toEqual([true, false]);
    const otherRegion = load({ ...PROJECT, preprod_account: DUMMY_ACCOUNTS.staging, prod_account: DUMMY_ACCOUNTS.staging, prod_region: 'eu-central-1' }).config;
    expect(otherRegion.stages.map((s) => s.createsModelPackageGroup)).toEqual([true, true]);
    const inDev = load({ ...PROJECT, preprod_account: DUMMY_ACCOUNTS.tooling, prod_account: DUMMY_ACCOUNTS.prod }).config;
    expect(inDev.stages.map((s) => s.createsModelPackageGroup)).toEqual([false, true]);
  });

  it('reads the optional parameters: regions, project ARN, group, dev role, VPC ids, approvers, qualifier', () => {
    const { config } = load({
      ...MULTI_ACCOUNT,
      preprod_region: 'eu-central-1',
      prod_region: 'us-east-1',
      sagemaker_project_arn: `arn:aws:sagemaker:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:project/abalone`,
      model_package_group_name: 'abalone-models',
      pipeline_role_arn: `arn:aws:iam::${DUMMY_ACCOUNTS.tooling}:role/service-role/sagemaker-pipelines`,
      vpc_subnet_ids: '["subnet-0123456789abcdef0"]',
      vpc_security_group_ids: ['sg-0123456789abcdef0'],
      approval_email_addresses: ['ml-approvers@example.com'],
      cdk_bootstrap_qualifier: 'mlops',
      retain_on_delete: 'false',
    });
    expect(config.stages.map((s) => s.region)).toEqual(['eu-central-1', 'us-east-1']);
    expect(config).toMatchObject({
      projectArn: `arn:aws:sagemaker:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:project/abalone`,
      modelPackageGroupName: 'abalone-models',
      devPipelineRole: { kind: 'given', arn: `arn:aws:iam::${DUMMY_ACCOUNTS.tooling}:role/service-role/sagemaker-pipelines` },
      vpc: { subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: ['sg-0123456789abcdef0'] },
      approvalEmailAddresses: ['ml-approvers@example.com'],
      cdkBootstrapQualifier: 'mlops',
      retainOnDelete: false,
    });
  });

  it('takes a CodeConnections repository', () => {
    const { config } = load({ ...MULTI_ACCOUNT, repository_type: 'codeconnections', code_connection_arn: CONNECTION_ARN, repository_owner_and_name: 'acme/abalone-batch', branch: 'release' });
    expect(config.repository).toEqual({ type: 'codeconnections', connectionArn: CONNECTION_ARN, ownerAndName: 'acme/abalone-batch', branch: 'release' });
  });

  it('fails on missing required parameters, naming each and what to give', () => {
    expect(lines({})).toEqual([
      expect.stringMatching(/^sagemaker_project_name: required.*SAGEMAKER_PROJECT_NAME/),
      expect.stringMatching(/^sagemaker_project_id: required.*SAGEMAKER_PROJECT_ID/),
      expect.stringMatching(/^preprod_account: .*12-digit/),
      expect.stringMatching(/^prod_account: .*12-digit/),
    ]);
  });

  it('names every bad value at once, with the value received', () => {
    const error = problems({
      sagemaker_project_name: '-abalone',
      sagemaker_project_id: 'p_abc',
      preprod_account: '1234',
      prod_account: 'prod',
      preprod_region: 'eu-nowhere-1',
      sagemaker_project_arn: 'arn:aws:sagemaker:eu-west-1:111111111111:model/abalone',
      model_package_group_name: 'bad group',
      pipeline_role_arn: 'arn:aws:iam::111111111111:user/someone',
      repository_type: 'github',
      branch: 'refs/heads/main',
      vpc_subnet_ids: ['subnet-xyz'],
      vpc_security_group_ids: [],
      approval_email_addresses: ['nobody'],
      cdk_bootstrap_qualifier: 'Has-Caps',
      retain_on_delete: 'maybe',
      s3_access_logs_bucket_arn: 'my-logs',
      unknown_parameter: 1,
    });
    const paths = error.issues.map((i) => i.path);
    for (const path of [
      'sagemaker_project_name',
      'sagemaker_project_id',
      'preprod_account',
      'prod_account',
      'preprod_region',
      'sagemaker_project_arn',
      'model_package_group_name',
      'pipeline_role_arn',
      'repository_type',
      'branch',
      'vpc_subnet_ids[0]',
      'vpc_security_group_ids',
      'approval_email_addresses[0]',
      'cdk_bootstrap_qualifier',
      'retain_on_delete',
      's3_access_logs_bucket_arn',
    ]) {
      expect(paths, path).toContainEqual(expect.stringContaining(path));
    }
    expect(error.message).toMatch(/unknown_parameter/);
    expect(error.issues.find((i) => i.path === 'preprod_account')?.received).toBe('1234');
  });

  it('rejects placeholder accounts outside tests', () => {
    const error = catchConfigError(() =>
      loadModuleConfig(batchPromotionParameters, { appName: 'batch-promotion', env: seedfarmerEnv({ ...PROJECT, preprod_account: '123456789012', prod_account: DUMMY_ACCOUNTS.prod }) }),
    );
    expect(error.message).toMatch(/123456789012/);
  });

  it('checks the rules that span parameters', () => {
    expect(lines({ ...MULTI_ACCOUNT, repository_type: 'codeconnections' })).toEqual([
      expect.stringMatching(/^code_connection_arn: required with repository_type codeconnections/),
      expect.stringMatching(/^repository_owner_and_name: required with repository_type codeconnections/),
    ]);
    expect(lines({ ...MULTI_ACCOUNT, code_connection_arn: CONNECTION_ARN })).toEqual([expect.stringMatching(/^code_connection_arn: only used with repository_type codeconnections/)]);
    expect(
      lines({
        ...MULTI_ACCOUNT,
        repository_type: 'codeconnections',
        code_connection_arn: CONNECTION_ARN.replace(DUMMY_REGION, 'us-east-1'),
        repository_owner_and_name: 'acme/abalone',
        repository_name: 'x',
      }),
    ).toEqual([expect.stringMatching(/^repository_name: names a CodeCommit repository/), expect.stringMatching(/^code_connection_arn: CodePipeline uses connections of its own account and region/)]);
    expect(lines({ ...MULTI_ACCOUNT, sagemaker_project_arn: `arn:aws:sagemaker:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:project/other` })).toEqual([
      expect.stringMatching(/^sagemaker_project_arn: names project other, but sagemaker_project_name is abalone/),
    ]);
    expect(lines({ ...MULTI_ACCOUNT, pipeline_role_arn: `arn:aws:iam::${DUMMY_ACCOUNTS.prod}:role/x` })).toEqual([expect.stringMatching(/^pipeline_role_arn: the dev SageMaker pipeline runs in the module's account/)]);
    expect(lines({ ...MULTI_ACCOUNT, prod_region: 'cn-north-1' })).toEqual([expect.stringMatching(/^prod_region: is in another partition/)]);
    expect(lines({ ...MULTI_ACCOUNT, vpc_subnet_ids: ['subnet-0123456789abcdef0'] })).toEqual([expect.stringMatching(/^vpc_security_group_ids: required with vpc_subnet_ids/)]);
    expect(lines({ ...MULTI_ACCOUNT, vpc_subnet_ids: ['subnet-0123456789abcdef0'], vpc_security_group_ids_parameter: '/network/sg' })).toEqual([
      expect.stringMatching(/^vpc_subnet_ids_parameter: give the VPC either as ids/),
    ]);
    expect(lines({ ...MULTI_ACCOUNT, s3_access_logs_bucket_arn: 'arn:aws-cn:s3:::logs' })).toEqual([expect.stringMatching(/^s3_access_logs_bucket_arn: .*give an ARN of partition aws/)]);
  });

  it('takes the VPC as SSM parameter names, both or neither, fully qualified and valid, naming the field', () => {
    const { config } = load({ ...MULTI_ACCOUNT, vpc_subnet_ids_parameter: '/network/subnets', vpc_security_group_ids_parameter: '/network/sg' });
    expect(config.vpcParameters).toEqual({ subnetIds: '/network/subnets', securityGroupIds: '/network/sg' });
    expect(config.vpc).toBeUndefined();
    expect(lines({ ...MULTI_ACCOUNT, vpc_subnet_ids_parameter: '/network/subnets' })).toEqual([expect.stringMatching(/^vpc_security_group_ids_parameter: required with vpc_subnet_ids_parameter/)]);
    // The reference's mismatch: the name written without the leading "/".
    expect(problems({ ...MULTI_ACCOUNT, vpc_subnet_ids_parameter: 'sagemaker-domain-subnets', vpc_security_group_ids_parameter: '/network/sg' }).issues).toEqual([
      expect.objectContaining({ path: 'vpc_subnet_ids_parameter', received: 'sagemaker-domain-subnets', message: expect.stringMatching(/starting with "\/"/) }),
    ]);
    expect(lines({ ...MULTI_ACCOUNT, vpc_subnet_ids_parameter: '/network/sub nets', vpc_security_group_ids_parameter: 'arn:aws:ssm:eu-west-1:111111111111:parameter/sg' })).toEqual([
      expect.stringMatching(/^vpc_subnet_ids_parameter: expected an SSM parameter name/),
      expect.stringMatching(/^vpc_security_group_ids_parameter: expected an SSM parameter name/),
    ]);
  });

  it('fails when a derived name exceeds what AWS allows, naming the name', () => {
    expect(lines({ ...MULTI_ACCOUNT, sagemaker_project_name: 'a-very-long-project-name-of-32ch', sagemaker_project_id: 'p-abcdefghijklmnopq' })).toEqual([
      expect.stringMatching(/^sagemaker_project_name: with sagemaker_project_id "p-abcdefghijklmnopq" the derived name .* exceeds the 64 characters/),
    ]);
  });
});
