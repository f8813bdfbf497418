import { Template } from 'aws-cdk-lib/assertions';
import { DUMMY_ACCOUNTS, expectNoNagFindings } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { CONNECTION_ARN, MULTI_ACCOUNT, synth } from './fixtures';

describe('endpoint-deploy stack with a GitHub/GitLab/Bitbucket repository through CodeConnections', () => {
  const { app, stack } = synth({
    ...MULTI_ACCOUNT,
    repository_type: 'codeconnections',
    code_connection_arn: CONNECTION_ARN,
    repository_owner_and_name: 'acme/ml/churn-deploy',
    branch: 'release',
    permissions_boundary_name: 'mlops-boundary',
  });
  const template = Template.fromStack(stack);
  const pipeline = (Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0] as any).Properties;

  it('reads the repository through the connection and creates no CodeCommit repository', () => {
    template.resourceCountIs('AWS::CodeCommit::Repository', 0);
    expect(pipeline.Stages[0].Actions[0]).toMatchObject({
      ActionTypeId: { Provider: 'CodeStarSourceConnection' },
      Configuration: { ConnectionArn: CONNECTION_ARN, FullRepositoryId: 'acme/ml/churn-deploy', BranchName: 'release' },
    });
  });

  it('starts on a push to the branch through the pipeline\'s git trigger, not an EventBridge rule', () => {
    expect(pipeline.Triggers).toEqual([
      {
        ProviderType: 'CodeStarSourceConnection',
        GitConfiguration: { SourceActionName: 'DeployRepository', Push: [{ Branches: { Includes: ['release'] } }] },
      },
    ]);
    const sources = Object.values(template.findResources('AWS::Events::Rule')).map((r: any) => r.Properties.EventPattern.source[0]);
    expect(sources).toEqual(['aws.sagemaker']);
  });

  it('lets only the source action use the connection', () => {
    const uses = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => JSON.stringify(s.Action).includes('UseConnection'));
    expect(uses).toHaveLength(1);
    expect(uses[0].Resource).toBe(CONNECTION_ARN);
  });

  it('outputs no repository or push rule', () => {
    const outputs = Object.keys(template.findOutputs('*'));
    for (const name of ['RepositoryPushRuleArn', 'RepositoryCloneUrlHttp', 'RepositoryCloneUrlGrc']) expect(outputs).not.toContain(name);
    for (const name of ['PipelineArn', 'PipelineName', 'ApproverRoleArn', 'ModelPackageStateRuleArn', 'metadata']) expect(outputs).toContain(name);
  });

  it('puts every role of the module under the permissions boundary', () => {
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    expect(roles.length).toBeGreaterThan(5);
    for (const role of roles as any[]) {
      expect(role.Properties.PermissionsBoundary).toEqual({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${DUMMY_ACCOUNTS.tooling}:policy/mlops-boundary`]],
      });
    }
  });

  it('is cdk-nag AwsSolutions clean', () => expectNoNagFindings(app));
});
