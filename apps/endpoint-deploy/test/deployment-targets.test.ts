import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { DUMMY_ACCOUNTS, DUMMY_REGION, expectNoNagFindings } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { MULTI_ACCOUNT, OU_PROD, OU_STAGING, PROJECT, prerequisitesOf, synth } from './fixtures';

const stagesOf = (template: Template) => Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0].Properties.Stages as any[];
const deployAction = (template: Template, stage: 'DeployStaging' | 'DeployProd') => stagesOf(template).find((s) => s.Name === stage).Actions[0];
const policyStatements = (template: Template) =>
  Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);

describe('several staging accounts: a self-managed StackSet', () => {
  const { app, stack, prerequisites } = synth({ ...MULTI_ACCOUNT, staging_accounts: [DUMMY_ACCOUNTS.staging, DUMMY_ACCOUNTS.source] });
  const template = Template.fromStack(stack);

  it('deploys the endpoint template with the stage parameters file to every staging account in the pipeline region', () => {
    expect(deployAction(template, 'DeployStaging')).toMatchObject({
      ActionTypeId: { Category: 'Deploy', Provider: 'CloudFormationStackSet' },
      Configuration: {
        StackSetName: 'sagemaker-churn-p-abc123def456-staging',
        TemplatePath: `Template::${stack.template.templateFile}`,
        Parameters: 'BuildOutput::staging-stackset-parameters.json',
        DeploymentTargets: `${DUMMY_ACCOUNTS.staging},${DUMMY_ACCOUNTS.source}`,
        Regions: DUMMY_REGION,
        PermissionModel: 'SELF_MANAGED',
        ExecutionRoleName: 'AWSCloudFormationStackSetExecutionRole',
        Capabilities: 'CAPABILITY_NAMED_IAM',
        FailureTolerancePercentage: 0,
      },
    });
  });

  it('creates the administration role, which may only assume the execution role in the StackSet accounts', () => {
    const action = deployAction(template, 'DeployStaging');
    expect(action.Configuration.AdministrationRoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/StackSetAdministrationRole/), 'Arn'] });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'churn-p-abc123def456-stackset-admin',
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'cloudformation.amazonaws.com' } })] },
    });
    const assume = policyStatements(template).find((s) => s.Sid === 'AssumeStackSetExecutionRoles');
    expect(JSON.stringify(assume.Resource)).toContain(`:iam::${DUMMY_ACCOUNTS.staging}:role/AWSCloudFormationStackSetExecutionRole`);
    expect(JSON.stringify(assume.Resource)).toContain(`:iam::${DUMMY_ACCOUNTS.source}:role/AWSCloudFormationStackSetExecutionRole`);
    expect(JSON.stringify(assume.Resource)).not.toContain(DUMMY_ACCOUNTS.prod);
  });

  it('lets the StackSet action pass only the administration role', () => {
    const passRoles = policyStatements(template).filter((s) => [].concat(s.Action).includes('iam:PassRole' as never));
    expect(passRoles).toHaveLength(1);
    expect(passRoles[0].Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/StackSetAdministrationRole/), 'Arn'] });
  });

  it('still deploys the single prod account with a CloudFormation action', () => {
    expect(deployAction(template, 'DeployProd').ActionTypeId.Provider).toBe('CloudFormation');
  });

  it('tests every staging account', () => {
    const assume = policyStatements(template).find((s) => s.Sid === 'AssumeStagingTestRoles');
    expect(assume.Resource).toHaveLength(2);
  });

  it('tells each StackSet account which execution role it needs', () => {
    const line = prerequisitesOf(prerequisites, DUMMY_ACCOUNTS.source);
    expect(line).toContain('create role AWSCloudFormationStackSetExecutionRole trusting');
    expect(line).toContain(':role/churn-p-abc123def456-stackset-admin');
  });

  it('is cdk-nag AwsSolutions clean', () => expectNoNagFindings(app));
});

describe('a given StackSet administration role and execution role name', () => {
  const adminRole = `arn:aws:iam::${DUMMY_ACCOUNTS.tooling}:role/org/StackSetAdmin`;
  const { stack } = synth({
    ...MULTI_ACCOUNT,
    prod_accounts: [DUMMY_ACCOUNTS.prod, DUMMY_ACCOUNTS.source],
    stackset_administration_role_arn: adminRole,
    stackset_execution_role_name: 'OrgStackSetExecution',
  });
  const template = Template.fromStack(stack);

  it('uses them and creates no administration role', () => {
    expect(deployAction(template, 'DeployProd').Configuration).toMatchObject({ AdministrationRoleArn: adminRole, ExecutionRoleName: 'OrgStackSetExecution' });
    expect(Object.values(template.findResources('AWS::IAM::Role')).some((r: any) => r.Properties.RoleName?.endsWith('stackset-admin'))).toBe(false);
  });
});

describe('organizational units: service-managed StackSets', () => {
  const { app, stack, prerequisites } = synth({
    ...PROJECT,
    staging_ou_ids: [OU_STAGING],
    prod_ou_ids: [OU_PROD],
    staging_test_accounts: [DUMMY_ACCOUNTS.staging],
  });
  const template = Template.fromStack(stack);

  it('targets the OUs with automatic deployment to new member accounts', () => {
    expect(deployAction(template, 'DeployStaging').Configuration).toMatchObject({
      DeploymentTargets: OU_STAGING,
      PermissionModel: 'SERVICE_MANAGED',
      OrganizationsAutoDeployment: 'Enabled',
      Regions: DUMMY_REGION,
    });
    expect(deployAction(template, 'DeployProd').Configuration).toMatchObject({ DeploymentTargets: OU_PROD, PermissionModel: 'SERVICE_MANAGED' });
    expect(Object.values(template.findResources('AWS::IAM::Role')).some((r: any) => r.Properties.RoleName?.endsWith('stackset-admin'))).toBe(false);
  });

  it('grants registry, artifact and key access to principals of those OUs only, still read-only', () => {
    const call = JSON.stringify(Object.values(template.findResources('Custom::AWS'))[0]);
    expect(call).toContain('aws:PrincipalOrgPaths');
    expect(call).toContain(`*/${OU_STAGING}/*`);
    expect(call).not.toMatch(/UpdateModelPackage/);
    const bucketPolicies = JSON.stringify(template.findResources('AWS::S3::BucketPolicy'));
    expect(bucketPolicies).toContain('OrganizationalUnitEndpointRolesReadModels');
    expect(bucketPolicies).toContain(`*/${OU_PROD}/*`);
    const keys = JSON.stringify(template.findResources('AWS::KMS::Key'));
    expect(keys).toContain('OrganizationalUnitEndpointRolesDecryptViaS3');
  });

  it('tests the given staging accounts', () => {
    const assume = policyStatements(template).find((s) => s.Sid === 'AssumeStagingTestRoles');
    expect(JSON.stringify(assume.Resource)).toContain(`:iam::${DUMMY_ACCOUNTS.staging}:role/churn-p-abc123def456-staging-test`);
  });

  it('says what Organizations needs', () => {
    expect(prerequisitesOf(prerequisites, `OU ${OU_STAGING}`)).toContain('enable trusted access for CloudFormation StackSets in AWS Organizations');
  });

  it('is cdk-nag AwsSolutions clean', () => expectNoNagFindings(app));
});

describe('every stage in this account (the defaults)', () => {
  const { app, stack } = synth(PROJECT);
  const template = Template.fromStack(stack);

  it('deploys with an action role of this stack and the account\'s own cfn-exec role, never a cross-account role', () => {
    const staging = deployAction(template, 'DeployStaging');
    expect(staging.RoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/DeployStaging/), 'Arn'] });
    // A literal ARN in the configured partition: cfn-lint E3703 rejects a Fn::Join in this field.
    expect(staging.Configuration.RoleArn).toBe(`arn:aws:iam::${DUMMY_ACCOUNTS.tooling}:role/cdk-hnb659fds-cfn-exec-role-${DUMMY_ACCOUNTS.tooling}-${DUMMY_REGION}`);
    const passRoles = policyStatements(template).filter((s) => [].concat(s.Action).includes('iam:PassRole' as never));
    for (const s of passRoles) expect(JSON.stringify(s.Resource)).toContain('cdk-hnb659fds-cfn-exec-role');
  });

  it('needs no model package group policy, since no other account reads the group', () => {
    template.resourceCountIs('Custom::AWS', 0);
    template.resourceCountIs('AWS::SageMaker::ModelPackageGroup', 0);
  });

  it('gives the two stages distinct stack names in the one account', () => {
    expect(deployAction(template, 'DeployStaging').Configuration.StackName).not.toBe(deployAction(template, 'DeployProd').Configuration.StackName);
  });

  it('is cdk-nag AwsSolutions clean', () => expectNoNagFindings(app));
});

describe('another region for prod, a custom bootstrap qualifier, a group the module creates', () => {
  const { stack, prerequisites } = synth({
    ...MULTI_ACCOUNT,
    prod_region: 'eu-central-1',
    cdk_bootstrap_qualifier: 'mlops1',
    create_model_package_group: true,
    retain_on_delete: false,
  });
  const template = Template.fromStack(stack);

  it('deploys prod with a StackSet in that region, since a StackSet needs no pipeline artifacts there', () => {
    expect(deployAction(template, 'DeployProd').Configuration).toMatchObject({ Regions: 'eu-central-1', PermissionModel: 'SELF_MANAGED', DeploymentTargets: DUMMY_ACCOUNTS.prod });
  });

  it('warns that SageMaker needs the model package and artifacts in the endpoint region', () => {
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map((m) => String(m.entry.data));
    expect(warnings).toEqual([expect.stringMatching(/prod.*eu-central-1.*region/)]);
  });

  it('uses the bootstrap roles of the qualifier', () => {
    expect(JSON.stringify(deployAction(template, 'DeployStaging'))).toContain(`cdk-mlops1-deploy-role-${DUMMY_ACCOUNTS.staging}-${DUMMY_REGION}`);
    expect(prerequisitesOf(prerequisites, DUMMY_ACCOUNTS.staging)).toContain('--qualifier mlops1');
  });

  it('creates the model package group with the read-only policy, deleted with the stack when asked', () => {
    template.hasResource('AWS::SageMaker::ModelPackageGroup', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ ModelPackageGroupName: 'churn-p-abc123def456', ModelPackageGroupPolicy: Match.anyValue() }),
    });
    template.resourceCountIs('Custom::AWS', 0);
  });
});
