import { Annotations, Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { matchesEventPattern, sampleCodeCommitReferenceUpdated, sampleModelPackageStateChange } from '@sagemaker-mlops/events';
import { parseEndpointBuildEnvironment, parseEndpointTestEnvironment } from '@sagemaker-mlops/registry';
import { DUMMY_ACCOUNTS, DUMMY_REGION, expectNoNagFindings } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { GROUP, MULTI_ACCOUNT, prerequisitesOf, synth } from './fixtures';

const pipelineOf = (template: Template) => Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0].Properties;
const projectEnv = (template: Template, variable: string) => {
  const project = Object.values(template.findResources('AWS::CodeBuild::Project')).find((p: any) =>
    p.Properties.Environment.EnvironmentVariables.some((v: any) => v.Name === variable),
  ) as any;
  return { project, env: Object.fromEntries(project.Properties.Environment.EnvironmentVariables.map((v: any) => [v.Name, v.Value])) as Record<string, string> };
};
const statementsOf = (template: Template) =>
  Object.entries(template.findResources('AWS::IAM::Policy')).flatMap(([id, p]: [string, any]) =>
    p.Properties.PolicyDocument.Statement.map((s: any) => ({ policy: id, roles: p.Properties.Roles, ...s })),
  );

describe('endpoint-deploy stack with a CodeCommit repository and one staging and one prod account', () => {
  const { app, stack, prerequisites } = synth({ ...MULTI_ACCOUNT, approval_email_addresses: ['ml-approvers@example.com'] });
  const template = Template.fromStack(stack);
  const pipeline = pipelineOf(template);

  it('is named <project>-<deployment>-<module> in the tooling account', () => {
    expect(stack.stackName).toBe('mlops-test-deploy-endpoint');
    expect(stack.account).toBe(DUMMY_ACCOUNTS.tooling);
  });

  it('runs Source, Build, DeployStaging, TestStaging, Approve, DeployProd in that order', () => {
    expect(pipeline.Stages.map((s: any) => s.Name)).toEqual(['Source', 'Build', 'DeployStaging', 'TestStaging', 'Approve', 'DeployProd']);
    expect(pipeline.Stages.map((s: any) => s.Actions.map((a: any) => `${a.Name}:${a.ActionTypeId.Provider}`))).toEqual([
      ['DeployRepository:CodeCommit', 'BuildTool:S3', 'TestTool:S3', 'EndpointTemplate:S3'],
      ['BuildEndpointParameters:CodeBuild'],
      ['DeployEndpoint:CloudFormation'],
      ['TestEndpoint:CodeBuild'],
      ['ApproveDeployment:Manual'],
      ['DeployEndpoint:CloudFormation'],
    ]);
  });

  it('is a V2 pipeline that queues executions, named as the reference names it', () => {
    expect(pipeline).toMatchObject({ PipelineType: 'V2', ExecutionMode: 'QUEUED', Name: 'sagemaker-churn-p-abc123def456-modeldeploy' });
  });

  it('no source polls: the rules start the pipeline', () => {
    for (const action of pipeline.Stages[0].Actions) expect(action.Configuration.PollForSourceChanges).toBe(false);
    expect(pipeline.Stages[0].Actions[0].Configuration).toMatchObject({ BranchName: 'main' });
  });

  it('creates the deploy repository seeded with the seed code on the branch', () => {
    template.hasResourceProperties('AWS::CodeCommit::Repository', {
      RepositoryName: 'sagemaker-churn-p-abc123def456-model-deploy',
      Code: { BranchName: 'main', S3: Match.anyValue() },
    });
  });

  it('starts on model package state changes of the group except new registrations awaiting approval', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule')).map((r: any) => r.Properties.EventPattern);
    const modelRule = rules.find((p: any) => p.source[0] === 'aws.sagemaker');
    expect(modelRule).toEqual({
      source: ['aws.sagemaker'],
      'detail-type': ['SageMaker Model Package State Change'],
      detail: { ModelPackageGroupName: [GROUP], ModelApprovalStatus: [{ 'anything-but': ['PendingManualApproval'] }] },
    });
    const event = (status: 'Approved' | 'Rejected' | 'PendingManualApproval', groupName = GROUP) =>
      sampleModelPackageStateChange({ account: DUMMY_ACCOUNTS.tooling, region: DUMMY_REGION, groupName, status });
    expect(matchesEventPattern(modelRule, event('Approved'))).toBe(true);
    expect(matchesEventPattern(modelRule, event('Rejected'))).toBe(true);
    expect(matchesEventPattern(modelRule, event('PendingManualApproval'))).toBe(false);
    expect(matchesEventPattern(modelRule, event('Approved', 'other-group'))).toBe(false);
  });

  it('starts on pushes to the deploy branch of the created repository only', () => {
    const rule = Object.values(template.findResources('AWS::Events::Rule')).find((r: any) => r.Properties.EventPattern.source[0] === 'aws.codecommit') as any;
    const pattern = stack.resolve(rule.Properties.EventPattern);
    expect(pattern.resources).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^DeployRepository/), 'Arn'] }]);
    // The repository ARN only exists at deploy time: match the samples against the pattern with a literal ARN.
    const repositoryArn = `arn:aws:codecommit:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:sagemaker-churn-p-abc123def456-model-deploy`;
    const literal = { ...pattern, resources: [repositoryArn] };
    const push = (branch: string, arn = repositoryArn) => sampleCodeCommitReferenceUpdated({ account: DUMMY_ACCOUNTS.tooling, region: DUMMY_REGION, repositoryArn: arn, branch });
    expect(matchesEventPattern(literal, push('main'))).toBe(true);
    expect(matchesEventPattern(literal, push('feature/new-instance-type'))).toBe(false);
    expect(matchesEventPattern(literal, push('main', repositoryArn.replace('model-deploy', 'other')))).toBe(false);
  });

  it('retries every trigger and dead-letters what it cannot deliver to an encrypted queue', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(2);
    for (const rule of rules as any[]) {
      expect(rule.Properties.Targets).toEqual([
        expect.objectContaining({
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/TriggerDeadLetterQueue/), 'Arn'] } },
        }),
      ]);
    }
    const queue = Object.values(template.findResources('AWS::SQS::Queue'))[0] as any;
    expect(queue.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/PipelineKey/), 'Arn'] });
  });

  it('encrypts artifacts with a rotating KMS key and keeps the artifact bucket private and TLS-only', () => {
    expect(pipeline.ArtifactStore).toMatchObject({ Type: 'S3', EncryptionKey: { Type: 'KMS', Id: { 'Fn::GetAtt': [expect.stringMatching(/PipelineKey/), 'Arn'] } } });
    const keys = Object.values(template.findResources('AWS::KMS::Key'));
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const key of keys as any[]) expect(key.Properties.EnableKeyRotation).toBe(true);
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket')) as any[]) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
  });

  it('runs the bundled endpoint-build tool with variables the tool accepts, and exports the model version', () => {
    const { project, env } = projectEnv(template, 'MODEL_PACKAGE_GROUP_NAME');
    const spec = JSON.parse(project.Properties.Source.BuildSpec);
    expect(spec.env['exported-variables']).toEqual(['MODEL_PACKAGE_ARN', 'MODEL_PACKAGE_VERSION', 'MODEL_PACKAGE_GROUP']);
    expect(spec.phases.build.commands).toEqual(['node "$CODEBUILD_SRC_DIR_BuildTool"/index.cjs', '. ./build-output/pipeline-variables.env']);
    expect(JSON.stringify(spec)).not.toMatch(/\b(npm|pip|cdk) /);
    const parsed = parseEndpointBuildEnvironment({ ...env, CODEBUILD_SRC_DIR: '/codebuild/src' }, '/codebuild/src');
    expect(parsed).toMatchObject({ groupName: GROUP, stages: ['staging', 'prod'], projectName: 'churn', projectId: 'p-abc123def456', outputDir: '/codebuild/src/build-output' });
    expect(pipeline.Stages[1].Actions[0]).toMatchObject({ Namespace: 'Build', InputArtifacts: [{ Name: 'Source' }, { Name: 'BuildTool' }] });
  });

  it('runs the bundled endpoint-test tool against the staging accounts, with a CodeBuild test report', () => {
    const { project, env } = projectEnv(template, 'STAGE_ACCOUNTS');
    // The action passes the model package the build chose, which the tool checks each endpoint serves.
    const testAction = pipeline.Stages.find((s: any) => s.Name === 'TestStaging').Actions[0];
    const actionEnv = JSON.parse(testAction.Configuration.EnvironmentVariables);
    expect(actionEnv).toEqual([{ name: 'MODEL_PACKAGE_ARN', type: 'PLAINTEXT', value: '#{Build.MODEL_PACKAGE_ARN}' }]);
    expect(pipeline.Stages.find((s: any) => s.Name === 'Build').Actions[0].Namespace).toBe('Build');
    const built = `arn:aws:sagemaker:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:model-package/churn/3`;
    const parsed = parseEndpointTestEnvironment({ ...env, MODEL_PACKAGE_ARN: built, CODEBUILD_SRC_DIR: '/codebuild/src' }, '/codebuild/src');
    expect(parsed).toMatchObject({
      accounts: [DUMMY_ACCOUNTS.staging],
      region: DUMMY_REGION,
      endpointName: 'churn-p-abc123def456-staging',
      testRoleName: 'churn-p-abc123def456-staging-test',
      modelPackageArn: built,
      definitionFile: 'test/staging-test.json',
    });
    const spec = JSON.parse(stack.resolve(project.Properties.Source.BuildSpec)['Fn::Join'][1].map((p: any) => (typeof p === 'string' ? p : 'ARN')).join(''));
    expect(spec.reports).toEqual({ ARN: { files: ['staging-test-junit.xml'], 'file-format': 'JUNITXML' } });
    expect(spec.artifacts.files).toEqual(['staging-test-report.json', 'staging-test-junit.xml']);
    template.hasResourceProperties('AWS::CodeBuild::ReportGroup', { Type: 'TEST', Name: 'sagemaker-churn-p-abc123def456-modeldeploy-staging-test' });
  });

  it('lets the staging test assume only the endpoint test role in the staging accounts, under a fixed name', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'churn-p-abc123def456-endpoint-tester',
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'codebuild.amazonaws.com' } })] },
    });
    const assumes = statementsOf(template).filter((s) => s.Sid === 'AssumeStagingTestRoles');
    expect(assumes).toHaveLength(1);
    expect(stack.resolve(assumes[0].Resource)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${DUMMY_ACCOUNTS.staging}:role/churn-p-abc123def456-staging-test`]],
    });
    const testRolePolicies = statementsOf(template).filter((s) => JSON.stringify(s.roles).includes('DeployTestRole'));
    expect(testRolePolicies.filter((s) => s.Action === 'sts:AssumeRole')).toHaveLength(1);
  });

  it('asks for approval with the model package version and a link to it, notifying an encrypted topic', () => {
    const approval = pipeline.Stages[4].Actions[0];
    expect(approval.Configuration.CustomData).toContain('#{Build.MODEL_PACKAGE_VERSION}');
    expect(approval.Configuration.CustomData).toContain(GROUP);
    expect(approval.Configuration.CustomData).toContain(DUMMY_ACCOUNTS.prod);
    expect(approval.Configuration.ExternalEntityLink).toMatch(new RegExp(`^https://${DUMMY_REGION}\\.console\\.aws\\.amazon\\.com/sagemaker/.*${GROUP}.*#\\{Build\\.MODEL_PACKAGE_VERSION\\}$`));
    expect(approval.Configuration.NotificationArn).toEqual({ Ref: expect.stringMatching(/ApprovalTopic/) });
    const topic = Object.values(template.findResources('AWS::SNS::Topic'))[0] as any;
    expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/PipelineKey/), 'Arn'] });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ml-approvers@example.com' });
  });

  it('outputs an approver role that can PutApprovalResult on exactly the approval action and read the pipeline state, nothing more', () => {
    const roleId = Object.keys(template.findResources('AWS::IAM::Role', { Properties: { RoleName: 'churn-p-abc123def456-deploy-approver' } }))[0];
    const statements = statementsOf(template).filter((s) => s.roles.some((r: any) => r.Ref === roleId));
    expect(statements.map((s) => s.Action)).toEqual(['codepipeline:PutApprovalResult', 'codepipeline:GetPipelineState']);
    const pipelineId = Object.keys(template.findResources('AWS::CodePipeline::Pipeline'))[0];
    expect(statements[0].Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:codepipeline:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:`, { Ref: pipelineId }, '/Approve/ApproveDeployment']],
    });
    expect(statements[1].Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:codepipeline:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:`, { Ref: pipelineId }]],
    });
    expect(template.findOutputs('ApproverRoleArn').ApproverRoleArn.Value).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
  });

  it('deploys a single account per stage with that account\'s CDK bootstrap deploy and cfn-exec roles', () => {
    const [staging, prod] = [pipeline.Stages[2].Actions[0], pipeline.Stages[5].Actions[0]];
    const role = (account: string, kind: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:role/cdk-hnb659fds-${kind}-role-${account}-${DUMMY_REGION}`]],
    });
    // The cfn-exec role ARN carries the configured partition (a literal): cfn-lint E3703 rejects a Fn::Join there.
    const literalRole = (account: string, kind: string) => `arn:aws:iam::${account}:role/cdk-hnb659fds-${kind}-role-${account}-${DUMMY_REGION}`;
    expect(staging).toMatchObject({
      RoleArn: role(DUMMY_ACCOUNTS.staging, 'deploy'),
      Configuration: {
        StackName: 'sagemaker-churn-p-abc123def456-staging',
        // A failed first create of staging is replaced on the next run (defect 12 of issue 7).
        ActionMode: 'REPLACE_ON_FAILURE',
        Capabilities: 'CAPABILITY_NAMED_IAM',
        RoleArn: literalRole(DUMMY_ACCOUNTS.staging, 'cfn-exec'),
        TemplateConfiguration: 'BuildOutput::staging-template-configuration.json',
        TemplatePath: `Template::${stack.template.templateFile}`,
      },
    });
    expect(prod).toMatchObject({ RoleArn: role(DUMMY_ACCOUNTS.prod, 'deploy'), Configuration: { StackName: 'sagemaker-churn-p-abc123def456-prod', ActionMode: 'CREATE_UPDATE', RoleArn: literalRole(DUMMY_ACCOUNTS.prod, 'cfn-exec') } });
  });

  it('lets the stage accounts\' deploy roles read the pipeline artifacts (bucket and key)', () => {
    const bucketPolicy = JSON.stringify(stack.resolve(Object.values(template.findResources('AWS::S3::BucketPolicy')).map((p: any) => p.Properties)));
    const keyPolicies = JSON.stringify(Object.values(template.findResources('AWS::KMS::Key')).map((k: any) => k.Properties.KeyPolicy));
    for (const account of [DUMMY_ACCOUNTS.staging, DUMMY_ACCOUNTS.prod]) {
      expect(bucketPolicy).toContain(`:iam::${account}:role/cdk-hnb659fds-deploy-role-${account}-${DUMMY_REGION}`);
      expect(keyPolicies).toContain(`:iam::${account}:role/cdk-hnb659fds-deploy-role-${account}-${DUMMY_REGION}`);
    }
  });

  it('gives the stage accounts read-only registry access plus CreateModel, never a registry write', () => {
    const call = new Capture();
    template.hasResourceProperties('Custom::AWS', { Create: call });
    const create = JSON.parse(JSON.stringify(call.asObject()));
    const text = JSON.stringify(create);
    expect(text).toContain('PutModelPackageGroupPolicy');
    for (const action of ['DescribeModelPackageGroup', 'DescribeModelPackage', 'ListModelPackages', 'CreateModel']) expect(text).toContain(`sagemaker:${action}`);
    expect(text).not.toMatch(/sagemaker:(UpdateModelPackage|DeleteModelPackage|CreateModelPackage|PutModelPackageGroupPolicy)/);
    for (const account of [DUMMY_ACCOUNTS.staging, DUMMY_ACCOUNTS.prod]) expect(text).toContain(`:iam::${account}:root`);
    expect(text).not.toContain(`:iam::${DUMMY_ACCOUNTS.tooling}:root`);
  });

  it('lets each stage account\'s endpoint execution role read the model artifacts and decrypt them through S3 only', () => {
    const bucket = Object.values(template.findResources('AWS::S3::Bucket')).find((b: any) => b.Properties.BucketName?.startsWith('sm-')) as any;
    expect(bucket.Properties.BucketName).toBe(`sm-p-abc123def456-models-${DUMMY_ACCOUNTS.tooling}-${DUMMY_REGION}`);
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')).map((p: any) => p.Properties.PolicyDocument.Statement).flat();
    const read = policies.find((s: any) => s.Sid === 'EndpointExecutionRolesReadModels');
    expect(read.Action).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    const roleArns = JSON.stringify(read.Condition.ArnEquals['aws:PrincipalArn']);
    for (const account of [DUMMY_ACCOUNTS.staging, DUMMY_ACCOUNTS.prod]) {
      for (const stage of ['staging', 'prod']) expect(roleArns).toContain(`:iam::${account}:role/churn-p-abc123def456-${stage}-exec`);
    }
    const keyStatements = Object.values(template.findResources('AWS::KMS::Key')).flatMap((k: any) => k.Properties.KeyPolicy.Statement);
    const decrypt = keyStatements.find((s: any) => s.Sid === 'CrossAccountKeyUseViaServices');
    expect(decrypt.Action).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
    expect(JSON.stringify(decrypt.Condition.StringEquals['kms:ViaService'])).toContain(`s3.${DUMMY_REGION}.`);
    expect(decrypt.Condition.ArnEquals['aws:PrincipalArn']).toHaveLength(4);
  });

  it('grants no action wildcard, no iam:PassRole on *, and no registry write to anyone', () => {
    const statements = statementsOf(template);
    for (const s of statements) {
      expect(s.Action).not.toBe('*');
      if ([].concat(s.Action).includes('iam:PassRole' as never)) expect(s.Resource).not.toBe('*');
    }
    // Only this account's custom resource writes the group's policy; nobody else writes the registry.
    const writes = statements.filter((s) => JSON.stringify(s.Action).match(/sagemaker:(Create|Update|Delete|Put)[A-Za-z]*ModelPackage/));
    expect(writes.map((s) => s.Action)).toEqual([['sagemaker:PutModelPackageGroupPolicy', 'sagemaker:DeleteModelPackageGroupPolicy']]);
    expect(writes[0].policy).toMatch(/^RegistryAccessGroupPolicy/);
  });

  it('names stacks, roles and the endpoint per project and stage, so stages may share an account', () => {
    const names = [pipeline.Stages[2].Actions[0].Configuration.StackName, pipeline.Stages[5].Actions[0].Configuration.StackName];
    expect(new Set(names).size).toBe(2);
    const roleNames = Object.values(template.findResources('AWS::IAM::Role')).map((r: any) => r.Properties.RoleName).filter(Boolean);
    expect(new Set(roleNames).size).toBe(roleNames.length);
    expect(roleNames.every((n: string) => n.startsWith('churn-p-abc123def456-'))).toBe(true);
  });

  it('outputs the pipeline, the approver, the rules, the repository and the artifact bucket, and all as Seedfarmer metadata', () => {
    const names = [
      'PipelineArn',
      'PipelineName',
      'ApproverRoleArn',
      'ModelPackageStateRuleArn',
      'RepositoryPushRuleArn',
      'RepositoryCloneUrlHttp',
      'RepositoryCloneUrlGrc',
      'ModelArtifactBucketName',
    ];
    for (const name of [...names, 'metadata']) template.hasOutput(name, {});
    const metadata = JSON.stringify(template.findOutputs('metadata').metadata.Value);
    for (const name of names) expect(metadata).toContain(`"${name}\\"`);
  });

  it('lists what each stage account needs before the first run in the printed prerequisites, not as annotations', () => {
    const staging = prerequisitesOf(prerequisites, DUMMY_ACCOUNTS.staging);
    expect(staging).toContain(`cdk bootstrap aws://${DUMMY_ACCOUNTS.staging}/${DUMMY_REGION} --trust ${DUMMY_ACCOUNTS.tooling}`);
    expect(staging).toContain('churn-p-abc123def456-staging-exec');
    expect(prerequisitesOf(prerequisites, DUMMY_ACCOUNTS.prod)).toContain('--trust');
    expect(Annotations.fromStack(stack).findInfo('*', Match.anyValue())).toEqual([]);
  });

  it('is cdk-nag AwsSolutions clean, endpoint template included', () => {
    expectNoNagFindings(app);
  });
});
