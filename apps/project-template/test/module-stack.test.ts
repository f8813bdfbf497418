import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { SSM_PARAMETERS } from '../src/config';
import { ACCOUNTS, ofType, REQUIRED, synth, templates } from './fixtures';

describe('the module stack (dev account)', () => {
  const { stack } = synth();
  const { module } = templates(stack);

  it('creates the portfolio with the reference names, shared with the role in SSM /mlops/role/lead by default', () => {
    module.hasResourceProperties('AWS::ServiceCatalog::Portfolio', { DisplayName: 'SageMaker Organization Templates', ProviderName: 'administrator' });
    const [[, association]] = ofType(module, 'AWS::ServiceCatalog::PortfolioPrincipalAssociation');
    expect(association.Properties.PrincipalType).toBe('IAM');
    const parameterRef = association.Properties.PrincipalARN.Ref as string;
    expect(module.toJSON().Parameters[parameterRef]).toMatchObject({ Type: 'AWS::SSM::Parameter::Value<String>', Default: '/mlops/role/lead' });
  });

  it('shares the portfolio with each configured principal instead', () => {
    const principals = [`arn:aws:iam::${ACCOUNTS.dev}:role/service-role/AmazonSageMaker-ExecutionRole`, `arn:aws:iam::${ACCOUNTS.dev}:role/data-scientist`];
    const { stack: explicit } = synth({ ...REQUIRED, portfolio_principal_arns: principals });
    const associations = ofType(templates(explicit).module, 'AWS::ServiceCatalog::PortfolioPrincipalAssociation');
    expect(associations.map(([, a]) => a.Properties.PrincipalARN)).toEqual(principals);
  });

  it('tags the product sagemaker:studio-visibility=true, so that Studio lists it, with the configured version', () => {
    module.hasResourceProperties('AWS::ServiceCatalog::CloudFormationProduct', {
      Owner: 'administrator',
      Tags: Match.arrayWith([{ Key: 'sagemaker:studio-visibility', Value: 'true' }]),
      ProvisioningArtifactParameters: [Match.objectLike({ Name: '1.0', Info: { LoadTemplateFromURL: Match.anyValue() } })],
    });
    module.resourceCountIs('AWS::ServiceCatalog::PortfolioProductAssociation', 1);
  });

  it('constrains the product to the launch role the module creates', () => {
    const [[roleId]] = ofType(module, 'AWS::IAM::Role');
    module.hasResourceProperties('AWS::ServiceCatalog::LaunchRoleConstraint', { RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } });
    module.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'servicecatalog.amazonaws.com' } })] },
    });
  });

  describe('the launch role (reference bug 7)', () => {
    const [[, role]] = ofType(module, 'AWS::IAM::Role');
    const [[, policy]] = ofType(module, 'AWS::IAM::Policy');
    const statements = policy.Properties.PolicyDocument.Statement as Array<{ Sid: string; Action: string | string[]; Resource: unknown; Condition?: any }>;
    const actions = (s: (typeof statements)[number]) => ([] as string[]).concat(s.Action);

    it('has no managed policy: no IAMFullAccess or any *FullAccess', () => {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(JSON.stringify(module.toJSON())).not.toMatch(/FullAccess|PowerUser/);
    });

    it('grants no service-wide action (no "*" or "<service>:*")', () => {
      for (const statement of statements) for (const action of actions(statement)) expect(action).not.toMatch(/(^\*$|:\*$)/);
    });

    it('passes only project roles (path /sagemaker-project/) and only to the services that run them, never on *', () => {
      const passing = statements.filter((s) => actions(s).includes('iam:PassRole'));
      expect(passing).toHaveLength(1);
      expect(JSON.stringify(passing[0].Resource)).toContain(':role/sagemaker-project/*');
      expect(passing[0].Condition.StringEquals['iam:PassedToService']).toEqual([
        'sagemaker.amazonaws.com',
        'codebuild.amazonaws.com',
        'codepipeline.amazonaws.com',
        'events.amazonaws.com',
      ]);
    });

    it('creates and changes IAM roles only under the project role path', () => {
      const iamStatements = statements.filter((s) => actions(s).some((a) => a.startsWith('iam:')));
      for (const statement of iamStatements) expect(JSON.stringify(statement.Resource)).toMatch(/:role\/sagemaker-project\/\*"/);
    });

    it('creates KMS keys only with the project tag, and manages only keys carrying it', () => {
      expect(statements.find((s) => s.Sid === 'CreateProjectKeys')!.Condition).toEqual({ Null: { 'aws:RequestTag/sagemaker:project-id': 'false' } });
      expect(statements.find((s) => s.Sid === 'ManageProjectKeys')!.Condition).toEqual({ Null: { 'aws:ResourceTag/sagemaker:project-id': 'false' } });
    });

    it('operates only on Service Catalog stacks, and reads only the module asset bucket', () => {
      expect(JSON.stringify(statements.find((s) => s.Sid === 'ProjectStacks')!.Resource)).toContain(':stack/SC-*');
      expect(JSON.stringify(statements.find((s) => s.Sid === 'ReadTemplateAndSeeds')!.Resource)).toContain(':s3:::cdk-hnb659fds-assets-111111111111-eu-west-1/*"');
    });

    it('requires the permissions boundary on every role it creates when one is configured', () => {
      const { stack: bounded } = synth({ ...REQUIRED, permissions_boundary_name: 'mlops-boundary' });
      const [[, boundedPolicy]] = ofType(templates(bounded).module, 'AWS::IAM::Policy');
      const create = boundedPolicy.Properties.PolicyDocument.Statement.find((s: any) => s.Sid === 'CreateProjectRoles');
      expect(JSON.stringify(create.Condition.StringEquals['iam:PermissionsBoundary'])).toContain(':policy/mlops-boundary');
    });
  });

  it('writes the reference SSM parameters', () => {
    const parameters = Object.fromEntries(ofType(module, 'AWS::SSM::Parameter').map(([, p]) => [p.Properties.Name, p.Properties.Value]));
    // The /mlops/deploy/* store parameters exist only with another deployment region (deployment-region.test.ts).
    const sameRegion = Object.values(SSM_PARAMETERS).filter((name) => name !== SSM_PARAMETERS.deployArtifactBucket && name !== SSM_PARAMETERS.deployArtifactKeyArn);
    expect(Object.keys(parameters).sort()).toEqual(sameRegion.sort());
    expect(parameters).toMatchObject({
      '/mlops/code/seed_bucket': 'cdk-hnb659fds-assets-111111111111-eu-west-1',
      '/mlops/dev/account_id': ACCOUNTS.dev,
      '/mlops/preprod/account_id': ACCOUNTS.preprod,
      '/mlops/preprod/region': 'eu-west-1',
      '/mlops/prod/account_id': ACCOUNTS.prod,
      '/mlops/prod/region': 'eu-west-1',
    });
    for (const key of ['/mlops/code/build', '/mlops/code/deploy']) expect(parameters[key]).toMatch(/^[0-9a-f]{64}\.zip$/);
  });

  it('outputs the ids, the launch role, the template URL and the Seedfarmer metadata', () => {
    const outputs = module.toJSON().Outputs;
    expect(Object.keys(outputs).sort()).toEqual(['LaunchRoleArn', 'PortfolioId', 'ProductId', 'ProductTemplateUrl', 'ProvisioningArtifactId', 'metadata'].sort());
    expect(JSON.stringify(outputs.ProductTemplateUrl.Value)).toMatch(/\.json/);
  });
});
