import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CfnCapabilities, Stack } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DeadLetterQueue, matchesEventPattern, sampleCodeCommitReferenceUpdated } from '@sagemaker-mlops/events';
import { createTestApp, DUMMY_ACCOUNTS, DUMMY_REGION, dummyEnv, expectCfnLintClean, expectNoGuardFindings, expectNoNagFindings } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import {
  acknowledgeGrantWildcards,
  acknowledgePipelineArtifactGrants,
  nagReferencePrefix,
  onlyResourcesOf,
  ApprovalGate,
  ApprovalTopic,
  crossAccountDeployAction,
  EncryptionKey,
  LATEST_APPROVED_VARIABLES,
  LatestApprovedPackageStep,
  RepositorySource,
  SecureBucket,
  seededCodeCommitRepository,
  SourceRepository,
} from '../src';

const GROUP = 'churn-models';
const CONNECTION = `arn:aws:codeconnections:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:connection/0a1b2c3d-0000-1111-2222-333344445555`;

function seedDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'delivery-seed-'));
  writeFileSync(join(dir, 'README.md'), '# seed\n');
  return dir;
}

/** A small delivery pipeline in the tooling account: Source -> Build -> DeployStaging -> Approve -> DeployProd (another region). */
function deliveryStack(repository: 'codecommit' | 'codeconnections' = 'codecommit', options: { emails?: string[] } = {}) {
  const app = createTestApp();
  const stack = new Stack(app, 'Delivery', { env: dummyEnv('tooling') });
  const key = new EncryptionKey(stack, 'Key', { description: 'pipeline', retainOnDelete: false }).key;
  const artifacts = new SecureBucket(stack, 'Artifacts', { encryptionKey: key, retainOnDelete: false }).bucket;
  const location: SourceRepository =
    repository === 'codecommit'
      ? { host: 'codecommit', repository: seededCodeCommitRepository(stack, 'Repo', { repositoryName: 'deploy-config', seedCodeDir: seedDir(), branch: 'main' }) }
      : { host: 'codeconnections', connectionArn: CONNECTION, ownerAndName: 'example-org/deploy-config' };
  const sourceOutput = new codepipeline.Artifact('Source');
  const buildOutput = new codepipeline.Artifact('BuildOutput');
  const source = new RepositorySource(stack, 'Source', { repository: location, branch: 'main', output: sourceOutput, actionName: 'DeployRepository' });
  const lookup = new LatestApprovedPackageStep(stack, 'Lookup', {
    modelPackageGroupName: GROUP,
    stageNames: ['staging', 'prod'],
    projectName: 'churn',
    projectId: 'p-1',
    encryptionKey: key,
  });
  const topic = options.emails ? new ApprovalTopic(stack, 'ApprovalTopic', { encryptionKey: key, emailAddresses: options.emails }).topic : undefined;
  const gate = new ApprovalGate(stack, 'ProdApproval', {
    actionName: 'ApproveProd',
    message: `Deploy version ${LATEST_APPROVED_VARIABLES.modelPackageVersion} of ${GROUP} to prod (${DUMMY_ACCOUNTS.prod}, us-east-1).`,
    notificationTopic: topic,
    approverRoleName: 'churn-approver',
  });
  const deploy = (id: string, account: string, region: string, stage: string) =>
    crossAccountDeployAction(stack, id, {
      actionName: 'DeployEndpoint',
      stackName: `churn-${stage}`,
      templatePath: sourceOutput.atPath('endpoint.template.json'),
      templateConfiguration: buildOutput.atPath(`${stage}-template-configuration.json`),
      account,
      region,
      replaceOnFailure: stage !== 'prod',
    });
  const pipeline = new codepipeline.Pipeline(stack, 'Pipeline', {
    pipelineName: 'churn-deploy',
    pipelineType: codepipeline.PipelineType.V2,
    crossRegionReplicationBuckets: {
      [DUMMY_REGION]: artifacts,
      'us-east-1': s3.Bucket.fromBucketAttributes(stack, 'Replication', {
        bucketName: 'churn-replication-us-east-1',
        region: 'us-east-1',
        encryptionKey: kms.Key.fromKeyArn(stack, 'ReplicationKey', `arn:aws:kms:us-east-1:${DUMMY_ACCOUNTS.tooling}:alias/churn-replication`),
      }),
    },
    stages: [
      { stageName: 'Source', actions: [source.action, lookup.sourceAction()] },
      { stageName: 'Build', actions: [lookup.action({ input: sourceOutput, output: buildOutput })] },
      { stageName: 'DeployStaging', actions: [deploy('Staging', DUMMY_ACCOUNTS.staging, DUMMY_REGION, 'staging')] },
      { stageName: 'Approve', actions: [gate.action] },
      { stageName: 'DeployProd', actions: [deploy('Prod', DUMMY_ACCOUNTS.prod, 'us-east-1', 'prod')] },
    ],
  });
  // What a user of the blocks acknowledges: CodePipeline's own grants on its artifact and replication buckets.
  acknowledgePipelineArtifactGrants(pipeline);
  acknowledgeGrantWildcards(stack, [
    {
      // CodePipeline grants its role the home artifact bucket and the replication bucket in one statement.
      covers: onlyResourcesOf('churn-replication-us-east-1', 'alias/churn-replication', nagReferencePrefix(artifacts), nagReferencePrefix(key)),
      reason: "CodePipeline's generated grant on the artifact and replication buckets: every execution's artifacts.",
    },
  ]);
  const dlq = new DeadLetterQueue(stack, 'TriggerDeadLetters', { encryptionKey: key });
  const rule = source.triggerOnPush(pipeline, { ruleName: 'churn-repo-push', deadLetterQueue: dlq });
  return { app, stack, pipeline, gate, rule, template: Template.fromStack(stack) };
}

/** An ARN as text whether the app renders the partition as a literal or as `AWS::Partition` (feature flag): other references as `<Id>`. */
function arnText(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (v && 'Ref' in v) return v.Ref === 'AWS::Partition' ? 'aws' : `<${v.Ref}>`;
  if (v && 'Fn::Join' in v) return (v['Fn::Join'][1] as unknown[]).map(arnText).join(v['Fn::Join'][0]);
  return JSON.stringify(value);
}

const pipelineStages = (template: Template) => Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0].Properties.Stages as any[];
const action = (template: Template, stage: string) => pipelineStages(template).find((s) => s.Name === stage).Actions[0];
const statementsOfRole = (template: Template, roleName: string) => {
  const roleId = Object.keys(template.findResources('AWS::IAM::Role', { Properties: { RoleName: roleName } }))[0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
};

describe('crossAccountDeployAction', () => {
  const { template } = deliveryStack();
  const bootstrap = (account: string, region: string, kind: string) => `cdk-hnb659fds-${kind}-role-${account}-${region}`;

  it('acts as the target account\'s CDK deploy role and has CloudFormation use its cfn-exec role, a literal ARN (cfn-lint E3703)', () => {
    const staging = action(template, 'DeployStaging');
    expect(arnText(staging.RoleArn)).toBe(`arn:aws:iam::${DUMMY_ACCOUNTS.staging}:role/${bootstrap(DUMMY_ACCOUNTS.staging, DUMMY_REGION, 'deploy')}`);
    expect(staging.Region).toBeUndefined();
    expect(staging.Configuration).toEqual({
      ActionMode: 'REPLACE_ON_FAILURE',
      StackName: 'churn-staging',
      Capabilities: 'CAPABILITY_NAMED_IAM',
      RoleArn: `arn:aws:iam::${DUMMY_ACCOUNTS.staging}:role/${bootstrap(DUMMY_ACCOUNTS.staging, DUMMY_REGION, 'cfn-exec')}`,
      TemplatePath: 'Source::endpoint.template.json',
      TemplateConfiguration: 'BuildOutput::staging-template-configuration.json',
    });
  });

  it('deploys into another region with that region\'s bootstrap roles, and never replaces a prod stack', () => {
    const prod = action(template, 'DeployProd');
    expect(prod.Region).toBe('us-east-1');
    expect(JSON.stringify(prod.RoleArn)).toContain(bootstrap(DUMMY_ACCOUNTS.prod, 'us-east-1', 'deploy'));
    expect(prod.Configuration).toMatchObject({
      ActionMode: 'CREATE_UPDATE',
      RoleArn: `arn:aws:iam::${DUMMY_ACCOUNTS.prod}:role/${bootstrap(DUMMY_ACCOUNTS.prod, 'us-east-1', 'cfn-exec')}`,
    });
  });

  it('in its own account: an action role of this stack that may pass only the cfn-exec role of the qualifier; the capabilities given', () => {
    const app = createTestApp();
    const stack = new Stack(app, 'Own', { env: dummyEnv('tooling') });
    const key = new EncryptionKey(stack, 'Key', { description: 'k', retainOnDelete: false }).key;
    const src = new codepipeline.Artifact('Src');
    const own = crossAccountDeployAction(stack, 'Own', {
      stackName: 's',
      templatePath: src.atPath('t.json'),
      account: DUMMY_ACCOUNTS.tooling,
      region: DUMMY_REGION,
      qualifier: 'mlops1',
      capabilities: [CfnCapabilities.NAMED_IAM, CfnCapabilities.AUTO_EXPAND],
    });
    expect(own.actionProperties.account).toBeUndefined();
    expect(own.actionProperties.role).toBeUndefined();
    expect(own.actionProperties.actionName).toBe('Deploy');
    new codepipeline.Pipeline(stack, 'P', {
      artifactBucket: new SecureBucket(stack, 'A', { encryptionKey: key, retainOnDelete: false }).bucket,
      stages: [
        { stageName: 'Source', actions: [new actions.S3SourceAction({ actionName: 'S', bucket: s3.Bucket.fromBucketName(stack, 'B', 'source-bucket'), bucketKey: 'k', output: src })] },
        { stageName: 'Deploy', actions: [own] },
      ],
    });
    const template = Template.fromStack(stack);
    const deployAction = action(template, 'Deploy');
    const cfnExec = `arn:aws:iam::${DUMMY_ACCOUNTS.tooling}:role/cdk-mlops1-cfn-exec-role-${DUMMY_ACCOUNTS.tooling}-${DUMMY_REGION}`;
    expect(deployAction.Configuration).toMatchObject({ Capabilities: 'CAPABILITY_NAMED_IAM,CAPABILITY_AUTO_EXPAND', RoleArn: cfnExec });
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const passRole = statements.filter((s: any) => [].concat(s.Action).includes('iam:PassRole' as never));
    expect(passRole.map((s: any) => arnText(s.Resource))).toEqual([cfnExec]);
  });

  it('renders the cfn-exec role in the target region\'s partition, and refuses a region it cannot place', () => {
    const stack = new Stack(createTestApp(), 'Cn', { env: { account: DUMMY_ACCOUNTS.tooling, region: 'cn-north-1' } });
    const src = new codepipeline.Artifact('Src');
    const cn = crossAccountDeployAction(stack, 'Cn', { stackName: 's', templatePath: src.atPath('t.json'), account: DUMMY_ACCOUNTS.prod, region: 'cn-north-1' });
    expect(cn.actionProperties.role?.roleArn ?? '').toContain('cdk-hnb659fds-deploy-role');
    expect(((cn as any).props.deploymentRole as { roleArn: string }).roleArn).toMatch(/^arn:aws-cn:iam::/);
    expect(() =>
      crossAccountDeployAction(stack, 'Mars', { stackName: 's', templatePath: src.atPath('t.json'), account: DUMMY_ACCOUNTS.prod, region: 'mars-east-1' }),
    ).toThrow(/region 'mars-east-1' is unknown.*give its partition/);
  });
});

describe('ApprovalGate', () => {
  it('gives the approver role PutApprovalResult on exactly its one action and read access to the pipeline state, nothing more', () => {
    const { template } = deliveryStack();
    const statements = statementsOfRole(template, 'churn-approver');
    const pipelineId = Object.keys(template.findResources('AWS::CodePipeline::Pipeline'))[0];
    const pipelineArn = `arn:aws:codepipeline:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:<${pipelineId}>`;
    expect(statements.map((s: any) => ({ ...s, Resource: arnText(s.Resource) }))).toEqual([
      { Sid: 'ApproveThisAction', Effect: 'Allow', Action: 'codepipeline:PutApprovalResult', Resource: `${pipelineArn}/Approve/ApproveProd` },
      { Sid: 'ReadPipelineState', Effect: 'Allow', Action: 'codepipeline:GetPipelineState', Resource: pipelineArn },
    ]);
    const role = Object.values(template.findResources('AWS::IAM::Role', { Properties: { RoleName: 'churn-approver' } }))[0] as any;
    expect(role.Properties.AssumeRolePolicyDocument.Statement.map((s: any) => arnText(s.Principal.AWS))).toEqual([`arn:aws:iam::${DUMMY_ACCOUNTS.tooling}:root`]);
  });

  it('names what is deployed in its message, and notifies a topic encrypted with the pipeline key with one e-mail subscription per address', () => {
    const { template } = deliveryStack('codecommit', { emails: ['a@example.com', 'b@example.com'] });
    const approve = action(template, 'Approve');
    expect(approve.Configuration.CustomData).toBe(`Deploy version #{Build.MODEL_PACKAGE_VERSION} of ${GROUP} to prod (${DUMMY_ACCOUNTS.prod}, us-east-1).`);
    const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0];
    expect(approve.Configuration.NotificationArn).toEqual({ Ref: topicId });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } });
    // TLS only (cdk-nag SNS3).
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    const endpoints = Object.values(template.findResources('AWS::SNS::Subscription')).map((s: any) => [s.Properties.Protocol, s.Properties.Endpoint]);
    expect(endpoints).toEqual([['email', 'a@example.com'], ['email', 'b@example.com']]);
  });

  it('sends no notification and creates no topic without addresses', () => {
    const { template } = deliveryStack();
    template.resourceCountIs('AWS::SNS::Topic', 0);
    expect(action(template, 'Approve').Configuration.NotificationArn).toBeUndefined();
    expect(() => new ApprovalTopic(new Stack(createTestApp(), 'S'), 'T', { encryptionKey: undefined as never, emailAddresses: [] })).toThrow(/emailAddresses is empty/);
  });

  it('creates no role when asked not to, and fails the synth when its action never reaches a pipeline', () => {
    const stack = new Stack(createTestApp(), 'S');
    expect(new ApprovalGate(stack, 'NoRole', { message: 'm', createApproverRole: false }).approverRole).toBeUndefined();
    const orphan = new ApprovalGate(stack, 'Orphan', { message: 'm' });
    expect(orphan.node.validate()).toEqual([expect.stringMatching(/never added to a pipeline stage/)]);
  });
});

describe('RepositorySource', () => {
  it('CodeCommit: never polls, and one rule of its own starts the pipeline on a push to the branch, with retries and a dead-letter queue', () => {
    const { template } = deliveryStack('codecommit');
    expect(action(template, 'Source').Configuration).toMatchObject({ BranchName: 'main', PollForSourceChanges: false });
    const pattern = new Capture();
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'churn-repo-push',
      EventPattern: pattern,
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 }, DeadLetterConfig: { Arn: Match.anyValue() } })],
    });
    template.resourceCountIs('AWS::Events::Rule', 1);
    const repositoryArn = `arn:aws:codecommit:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:deploy-config`;
    const p = JSON.parse(JSON.stringify(pattern.asObject()).replace(/\{"Fn::GetAtt":\["Repo[0-9A-F]+","Arn"\]\}/, JSON.stringify(repositoryArn)));
    const push = (branch: string) => sampleCodeCommitReferenceUpdated({ account: DUMMY_ACCOUNTS.tooling, region: DUMMY_REGION, repositoryArn, branch });
    expect(matchesEventPattern(p, push('main'))).toBe(true);
    expect(matchesEventPattern(p, push('feature'))).toBe(false);
  });

  it('CodeCommit: the seeded repository starts with the seed code on the branch', () => {
    const { template } = deliveryStack('codecommit');
    template.hasResourceProperties('AWS::CodeCommit::Repository', { RepositoryName: 'deploy-config', Code: { BranchName: 'main', S3: Match.anyValue() } });
  });

  it('CodeConnections: a V2 git push trigger on the branch, no rule', () => {
    const { template, rule } = deliveryStack('codeconnections');
    expect(rule).toBeUndefined();
    template.resourceCountIs('AWS::Events::Rule', 0);
    expect(action(template, 'Source').Configuration).toMatchObject({ FullRepositoryId: 'example-org/deploy-config', BranchName: 'main', ConnectionArn: CONNECTION });
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Triggers: [{ ProviderType: 'CodeStarSourceConnection', GitConfiguration: { SourceActionName: 'DeployRepository', Push: [{ Branches: { Includes: ['main'] } }] } }],
    });
  });

  it('refuses a CodeCommit trigger that could lose pushes, and a repository name without owner', () => {
    const stack = new Stack(createTestApp(), 'S', { env: dummyEnv('tooling') });
    const out = new codepipeline.Artifact('O');
    expect(() => new RepositorySource(stack, 'Bad', { repository: { host: 'codeconnections', connectionArn: CONNECTION, ownerAndName: 'repo' }, branch: 'main', output: out })).toThrow(
      /ownerAndName must be 'owner\/repository', got 'repo'/,
    );
    const { stack: s2, pipeline } = deliveryStack('codeconnections');
    const cc = new RepositorySource(s2, 'Cc', {
      repository: { host: 'codecommit', repository: seededCodeCommitRepository(s2, 'Repo2', { repositoryName: 'r', seedCodeDir: seedDir(), branch: 'main' }) },
      branch: 'main',
      output: new codepipeline.Artifact('O2'),
    });
    expect(() => cc.triggerOnPush(pipeline)).toThrow(/needs ruleName and deadLetterQueue/);
  });
});

describe('LatestApprovedPackageStep', () => {
  it('reads only the one group, and hands the tool the stages and the group', () => {
    const { template } = deliveryStack();
    const project = Object.values(template.findResources('AWS::CodeBuild::Project')).find((p: any) =>
      p.Properties.Environment.EnvironmentVariables.some((v: any) => v.Name === 'STAGES'),
    ) as any;
    const env = Object.fromEntries(project.Properties.Environment.EnvironmentVariables.map((v: any) => [v.Name, v.Value]));
    expect(env).toMatchObject({ MODEL_PACKAGE_GROUP_NAME: GROUP, STAGES: '["staging","prod"]', OUTPUT_DIR: 'build-output', SAGEMAKER_PROJECT_ID: 'p-1' });
    const spec = JSON.parse(project.Properties.Source.BuildSpec);
    expect(spec.env['exported-variables']).toEqual(['MODEL_PACKAGE_ARN', 'MODEL_PACKAGE_VERSION', 'MODEL_PACKAGE_GROUP']);
    expect(action(template, 'Build')).toMatchObject({ Namespace: 'Build', InputArtifacts: [{ Name: 'Source' }, { Name: 'BuildTool' }], OutputArtifacts: [{ Name: 'BuildOutput' }] });
    const registry = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => [].concat(s.Action).some((a: string) => a.startsWith('sagemaker:')));
    expect(registry).toHaveLength(1);
    expect([...registry[0].Action].sort()).toEqual(['sagemaker:DescribeModelPackage', 'sagemaker:DescribeModelPackageGroup', 'sagemaker:ListModelPackages']);
    expect(JSON.stringify(registry[0].Resource)).toContain(`:model-package-group/${GROUP}`);
  });

  it('reads a group of another account by ARN', () => {
    const stack = new Stack(createTestApp(), 'S', { env: dummyEnv('tooling') });
    const key = new EncryptionKey(stack, 'Key', { description: 'k' }).key;
    const step = new LatestApprovedPackageStep(stack, 'Lookup', { modelPackageGroupName: GROUP, account: DUMMY_ACCOUNTS.staging, stageNames: ['dev'], projectName: 'p', projectId: 'i', encryptionKey: key });
    expect(arnText(stack.resolve(step.groupArn))).toBe(`arn:aws:sagemaker:${DUMMY_REGION}:${DUMMY_ACCOUNTS.staging}:model-package-group/${GROUP}`);
    Template.fromStack(stack).hasResourceProperties('AWS::CodeBuild::Project', {
      Environment: { EnvironmentVariables: Match.arrayWith([{ Name: 'MODEL_PACKAGE_GROUP_NAME', Type: 'PLAINTEXT', Value: stack.resolve(step.groupArn) }]) },
    });
  });
});

describe('a small stack of the delivery blocks', () => {
  it('is cdk-nag AwsSolutions clean (CodeCommit, with notifications)', () => expectNoNagFindings(deliveryStack('codecommit', { emails: ['a@example.com'] }).app));
  it('is cdk-nag AwsSolutions clean (CodeConnections)', () => expectNoNagFindings(deliveryStack('codeconnections').app));
  it('passes the Control Tower controls', () => expectNoGuardFindings(deliveryStack('codecommit', { emails: ['a@example.com'] }).app));
  it('is cfn-lint clean in the pipeline\'s and the deploy regions (the literal cfn-exec RoleArn, E3703)', async () => {
    const result = await expectCfnLintClean(deliveryStack('codecommit', { emails: ['a@example.com'] }).app, [DUMMY_REGION, 'us-east-1']);
    if (!result.skipped) expect(result.templates.length).toBeGreaterThan(0);
  });
});
