import { Template, Match, Capture } from 'aws-cdk-lib/assertions';
import { matchesEventPattern, sampleCodeCommitReferenceUpdated, sampleModelPackageStateChange } from '@sagemaker-mlops/events';
import { MODEL_REGISTRY_WRITE_ACTIONS } from '@sagemaker-mlops/iam';
import { DUMMY_ACCOUNTS, DUMMY_REGION } from '@sagemaker-mlops/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InfraPipelineStack } from '../src/stacks/infra-pipeline-stack';
import { PARAMETERS, synth } from './fixtures';

let stack: InfraPipelineStack;
const tooling = () => Template.fromStack(stack.stages[1].pipelines);
const buildAccount = (i: number) => Template.fromStack(stack.stages[i].buildAccount);

interface Action { Name: string; RunOrder?: number; Region?: string; RoleArn?: unknown; ActionTypeId: { Category: string; Provider: string } }
interface PipelineStage { Name: string; Actions: Action[] }
function stagesOf(template: Template, pipelineName: string): PipelineStage[] {
  const pipelines = template.findResources('AWS::CodePipeline::Pipeline', { Properties: { Name: pipelineName } });
  const [pipeline] = Object.values(pipelines);
  return pipeline.Properties.Stages;
}

beforeAll(() => {
  ({ stack } = synth());
});

describe('the infra pipeline', () => {
  it('is self-mutating, synthesizes from the infra repository with the validated parameters only, and deploys one stage per group', () => {
    const template = Template.fromStack(stack);
    const stages = stagesOf(template, 'mlops-test-model-cicd-infra').map((s) => s.Name);
    expect(stages).toEqual(['Source', 'Build', 'UpdatePipeline', 'Assets', 'Group-experiment', 'Group-production']);
    const env = new Capture();
    template.hasResourceProperties('AWS::CodeBuild::Project', {
      Environment: { EnvironmentVariables: Match.arrayWith([{ Name: 'MODEL_CICD_CONFIG', Type: 'PLAINTEXT', Value: env }]) },
    });
    const config = JSON.parse(env.asString());
    expect(Object.keys(config)).toEqual(['project', 'deployment', 'module', 'account', 'region', 'parameters']);
    // Never a copy of the SEEDFARMER_* environment (the reference's CACHED_SEEDFARMER_ENV).
    expect(JSON.stringify(template.toJSON())).not.toMatch(/SEEDFARMER_|CACHED_SEEDFARMER_ENV/);
    expect(config.parameters.deployment_groups).toHaveLength(2);
  });

  it('synthesizes on Node.js 22, the version the app requires', () => {
    const template = Template.fromStack(stack);
    const projects = Object.values(template.findResources('AWS::CodeBuild::Project')).filter((p) => JSON.stringify(p).includes('cdk synth'));
    expect(projects).toHaveLength(1);
    expect(JSON.parse(projects[0].Properties.Source.BuildSpec).phases.install['runtime-versions']).toEqual({ nodejs: 22 });
  });

  it('exposes the metadata output with the infra pipeline and every group', () => {
    const outputs = Template.fromStack(stack).findOutputs('metadata');
    const value = JSON.stringify(Object.values(outputs)[0].Value);
    for (const key of ['InfraPipelineName', 'InfraPipelineArn', 'BuildPipelineName', 'DeployPipelineName', 'ModelPackageGroupArn', 'ArtifactsBucketName']) {
      expect(value).toContain(key);
    }
  });
});

describe('the deploy pipeline', () => {
  it('always has its stages: Build, then per environment an approval before preprod and prod, the deploy, and a staging test after non-prod', () => {
    const names = stack.config.groups[1].names;
    const stages = stagesOf(tooling(), names.deployPipeline).map((s) => [s.Name, s.Actions.sort((a, b) => (a.RunOrder ?? 1) - (b.RunOrder ?? 1)).map((a) => a.Name)]);
    expect(stages).toEqual([
      ['Source', ['EnvironmentSettings', 'BuildTool', 'TestTool', 'EndpointTemplate']],
      ['Build', ['LatestApprovedVersion']],
      ['Deploy-preprod', ['Approve', 'DeployEndpoint', 'TestEndpoint']],
      ['Deploy-prod', ['Approve', 'DeployEndpoint']],
    ]);
  });

  it('deploys the experiment group\'s build environment first, with no approval for dev', () => {
    const names = stack.config.groups[0].names;
    const stages = stagesOf(Template.fromStack(stack.stages[0].pipelines), names.deployPipeline).slice(2).map((s) => [s.Name, s.Actions.map((a) => a.Name).sort()]);
    expect(stages).toEqual([
      ['Deploy-exp-train', ['DeployEndpoint', 'TestEndpoint']],
      ['Deploy-exp-serve', ['DeployEndpoint', 'TestEndpoint']],
    ]);
  });

  it('deploys into each environment\'s own region with that account\'s CDK bootstrap roles', () => {
    const [, , preprod, prod] = stagesOf(tooling(), stack.config.groups[1].names.deployPipeline);
    const deploy = (s: PipelineStage) => s.Actions.find((a) => a.Name === 'DeployEndpoint')!;
    // The tooling account's region: no Region field.
    expect(deploy(preprod).Region).toBeUndefined();
    expect(stack.config.region).toBe(DUMMY_REGION);
    expect(deploy(prod).Region).toBe('us-east-1');
    expect(JSON.stringify(deploy(prod).RoleArn)).toContain(`cdk-hnb659fds-deploy-role-${DUMMY_ACCOUNTS.prod}-us-east-1`);
    expect(JSON.stringify(tooling().toJSON())).toContain(`cdk-hnb659fds-cfn-exec-role-${DUMMY_ACCOUNTS.prod}-us-east-1`);
  });

  it('is started by Approved and Rejected events of its group from its build account only', () => {
    const pattern = new Capture();
    tooling().hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.anyValue(),
      EventPattern: pattern,
      Targets: [Match.objectLike({ Arn: Match.anyValue(), DeadLetterConfig: Match.anyValue(), RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 } })],
    });
    const group = stack.config.groups[1].names.modelPackageGroup;
    const event = (status: 'Approved' | 'Rejected' | 'PendingManualApproval', account: string = DUMMY_ACCOUNTS.staging, groupName = group) =>
      sampleModelPackageStateChange({ account, region: DUMMY_REGION, groupName, status });
    const p = pattern.asObject();
    expect(matchesEventPattern(p, event('Approved'))).toBe(true);
    expect(matchesEventPattern(p, event('Rejected'))).toBe(true);
    expect(matchesEventPattern(p, event('PendingManualApproval'))).toBe(false);
    expect(matchesEventPattern(p, event('Approved', DUMMY_ACCOUNTS.prod))).toBe(false);
    expect(matchesEventPattern(p, event('Approved', DUMMY_ACCOUNTS.staging, stack.config.groups[0].names.modelPackageGroup))).toBe(false);
  });

  it('receives the events on a bus that only the build account may put events on', () => {
    const policies = Object.values(tooling().findResources('AWS::Events::EventBusPolicy'));
    expect(policies).toHaveLength(1);
    const statement = policies[0].Properties.Statement;
    expect(statement.Action).toBe('events:PutEvents');
    expect(JSON.stringify(statement.Principal)).toContain(`:${DUMMY_ACCOUNTS.staging}:root`);
  });
});

describe('the build pipeline', () => {
  it('runs the model build repository\'s buildspec at the group\'s branch, with the reference\'s environment', () => {
    const names = stack.config.groups[1].names;
    const [source] = stagesOf(tooling(), names.buildPipeline);
    tooling().hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Name: names.buildPipeline,
      Stages: Match.arrayWith([Match.objectLike({ Name: 'Source', Actions: [Match.objectLike({ Configuration: Match.objectLike({ BranchName: 'main', FullRepositoryId: 'acme/model-build' }) })] })]),
    });
    expect(source.Name).toBe('Source');
    const variables = new Capture();
    tooling().hasResourceProperties('AWS::CodeBuild::Project', { Name: names.buildPipeline, Environment: { EnvironmentVariables: variables } });
    expect((variables.asArray() as { Name: string }[]).map((v) => v.Name)).toEqual([
      'AWS_REGION', 'ASSUME_ROLE_ARN', 'ENV_TYPE', 'PROJECT_NAME', 'MODEL_PACKAGE_GROUP_NAME', 'SAGEMAKER_PIPELINE_NAME',
      'SAGEMAKER_PIPELINE_DESCRIPTION', 'SAGEMAKER_PIPELINE_ROLE_ARN', 'ARTIFACT_BUCKET', 'ARTIFACT_BUCKET_KMS_KEY',
    ]);
  });
});

describe('the build account', () => {
  it('forwards Approved and Rejected state changes of its group to the tooling bus, with retries and a dead-letter queue', () => {
    buildAccount(1).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.sagemaker'], account: [DUMMY_ACCOUNTS.staging], detail: { ModelPackageGroupName: [stack.config.groups[1].names.modelPackageGroup], ModelApprovalStatus: ['Approved', 'Rejected'] } },
      Targets: [Match.objectLike({ Arn: `arn:aws:events:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:event-bus/${stack.config.groups[1].names.eventBus}`, DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.anyValue() })],
    });
  });

  it('shares the model package group read-only (plus CreateModel) with the tooling and deploy accounts: never UpdateModelPackage', () => {
    const groups = buildAccount(1).findResources('AWS::SageMaker::ModelPackageGroup');
    const policy = JSON.stringify(Object.values(groups)[0].Properties.ModelPackageGroupPolicy);
    for (const action of MODEL_REGISTRY_WRITE_ACTIONS) expect(policy).not.toContain(`"${action}"`);
    expect(policy).toContain('sagemaker:CreateModel');
    expect(policy).toContain(DUMMY_ACCOUNTS.tooling);
    expect(policy).toContain(DUMMY_ACCOUNTS.prod);
  });

  it('keeps the model artifacts, their key and the registry on delete, versioned and TLS-only (the reference destroys them)', () => {
    const template = buildAccount(1);
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', Properties: { BucketName: stack.config.groups[1].names.artifactsBucket, VersioningConfiguration: { Status: 'Enabled' } } });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
    template.hasResource('AWS::SageMaker::ModelPackageGroup', { DeletionPolicy: 'Retain' });
  });

  it('gives SageMaker no managed full-access policy, and no role a * action or a PassRole on *', () => {
    const template = buildAccount(1);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/AmazonSageMakerFullAccess/);
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        const actions = [].concat(statement.Action);
        expect(actions).not.toContain('*');
        expect(actions.some((a: string) => /^[a-z0-9]+:\*$/.test(a))).toBe(false);
        if (actions.includes('iam:PassRole' as never)) expect(statement.Resource).not.toBe('*');
      }
    }
  });
});

describe('names', () => {
  it('never collide for two groups on one branch', () => {
    const twin = { ...PARAMETERS.deployment_groups[1], name: 'production-twin' };
    const { stack: twins } = synth({ ...PARAMETERS, deployment_groups: [PARAMETERS.deployment_groups[1], twin] });
    const [a, b] = twins.stages.map((s) => s.pipelines);
    const named = (t: Template, type: string, key: string) => Object.values(t.findResources(type)).map((r) => JSON.stringify(r.Properties[key])).filter((n) => n !== undefined);
    for (const [type, key] of [['AWS::CodePipeline::Pipeline', 'Name'], ['AWS::CodeBuild::Project', 'Name'], ['AWS::Events::Rule', 'Name'], ['AWS::IAM::Role', 'RoleName']]) {
      const left = named(Template.fromStack(a), type, key);
      for (const name of named(Template.fromStack(b), type, key)) expect(left).not.toContain(name);
    }
    expect(a.stackName).not.toBe(b.stackName);
    // Environments of one group in one account: their endpoint stacks differ too.
    const envs = twins.stages[0].pipelines;
    const stackNames = twins.config.groups[0].deployEnvironments.map((e) => envs.endpointStackName(e));
    expect(new Set(stackNames).size).toBe(stackNames.length);
    expect(twins.stages[0].buildAccount.stackName).not.toBe(twins.stages[1].buildAccount.stackName);
  });
});

describe('the gates and triggers of the shared delivery blocks', () => {
  const statementsOfRole = (template: Template, roleId: string) =>
    Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: { Ref?: string }) => r.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);

  it('gives each approval its own approver role, which may approve only that environment\'s action and read the pipeline state', () => {
    const pipelines = stack.stages[1].pipelines;
    const template = tooling();
    expect(Object.keys(pipelines.approverRoles)).toEqual(['preprod', 'prod']);
    const pipelineId = pipelines.getLogicalId(pipelines.deployPipeline.node.defaultChild as never);
    for (const env of ['preprod', 'prod']) {
      const roleId = pipelines.getLogicalId(pipelines.approverRoles[env].node.defaultChild as never);
      const statements = statementsOfRole(template, roleId);
      expect(statements.map((s) => s.Action)).toEqual(['codepipeline:PutApprovalResult', 'codepipeline:GetPipelineState']);
      const approve = JSON.stringify(statements[0].Resource);
      expect(approve).toContain(`{"Ref":"${pipelineId}"}`);
      expect(approve).toContain(`/Deploy-${env}/Approve"`);
      expect(template.findOutputs(`ApproverRoleArn${env}`)[`ApproverRoleArn${env}`].Value).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    }
    // No approval, no approver: the dev environments of the experiment group.
    expect(stack.stages[0].pipelines.approverRoles).toEqual({});
  });

  it('CodeConnections: the build pipeline starts on a push to the group\'s branch through a V2 git trigger', () => {
    const names = stack.config.groups[1].names;
    tooling().hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Name: names.buildPipeline,
      Triggers: [{ ProviderType: 'CodeStarSourceConnection', GitConfiguration: { SourceActionName: 'ModelBuildRepository', Push: [{ Branches: { Includes: ['main'] } }] } }],
    });
    expect(stack.stages[1].pipelines.buildPushRule).toBeUndefined();
  });

  it('CodeCommit: the build pipeline starts on a push to the group\'s branch through one rule with retries and a dead-letter queue, and never polls', () => {
    const { stack: cc } = synth({ ...PARAMETERS, model_build_repo: { host: 'codecommit', name: 'model-build' } });
    const pipelines = cc.stages[1].pipelines;
    const template = Template.fromStack(pipelines);
    const names = cc.config.groups[1].names;
    const [source] = stagesOf(template, names.buildPipeline);
    expect(source.Actions[0]).toMatchObject({ ActionTypeId: { Provider: 'CodeCommit' }, Configuration: { BranchName: 'main', PollForSourceChanges: false } });
    const pattern = new Capture();
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: `${names.prefix}-build-push`,
      EventPattern: pattern,
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 } })],
    });
    const repositoryArn = `arn:aws:codecommit:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:model-build`;
    // The pattern names the imported repository's ARN; the sample event carries it resolved.
    expect(JSON.stringify(pattern.asObject().resources)).toContain(':codecommit:');
    const p = { ...pattern.asObject(), resources: [repositoryArn] };
    const push = (branch: string) => sampleCodeCommitReferenceUpdated({ account: DUMMY_ACCOUNTS.tooling, region: DUMMY_REGION, repositoryArn, branch });
    expect(matchesEventPattern(p, push('main'))).toBe(true);
    expect(matchesEventPattern(p, push('dev'))).toBe(false);
    // Only our rules: no rule the source action would have created without a dead-letter queue.
    for (const rule of Object.values(template.findResources('AWS::Events::Rule'))) expect(rule.Properties.Targets[0].DeadLetterConfig).toBeDefined();
  });
});
