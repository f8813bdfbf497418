import { Match, Template } from 'aws-cdk-lib/assertions';
import { DUMMY_ACCOUNTS, DUMMY_REGION, expectCfnLintClean, expectNoGuardFindings, expectNoNagFindings, TARGET_REGIONS_METADATA_KEY } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { PIPELINE_LAYOUT } from '../src/constructs/promotion-pipeline';
import { CONNECTION_ARN, MULTI_ACCOUNT, synth } from './fixtures';

type Resources = Record<string, { Type: string; Properties: any }>;
const ofType = (resources: Resources, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

describe('the promotion pipeline (dev account)', () => {
  const { app, stack } = synth({ ...MULTI_ACCOUNT, approval_email_addresses: ['ml-approvers@example.com'] });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Resources;
  const [[, pipeline]] = ofType(resources, 'AWS::CodePipeline::Pipeline');
  const stage = (name: string) => pipeline.Properties.Stages.find((s: any) => s.Name === name);

  it('is a V2, QUEUED pipeline with KMS-encrypted artifacts: Source, Build, RunInDev, both approvals, both deployments in order', () => {
    expect(pipeline.Properties).toMatchObject({ PipelineType: 'V2', ExecutionMode: 'QUEUED', Name: 'abalone-p-abc123def456-batch-promotion' });
    expect(pipeline.Properties.Stages.map((s: any) => s.Name)).toEqual(['Source', 'Build', 'RunInDev', 'ApprovePreProd', 'DeployPreProd', 'ApproveProd', 'DeployProd']);
    expect(pipeline.Properties.ArtifactStore.EncryptionKey).toMatchObject({ Type: 'KMS' });
    expect(stage('ApprovePreProd').Actions[0].ActionTypeId.Category).toBe('Approval');
    expect(stage('ApproveProd').Actions[0].ActionTypeId.Category).toBe('Approval');
  });

  it('deploys the stage template into each stage account and region with its CDK bootstrap roles and template configuration', () => {
    for (const [name, account, file] of [
      ['DeployPreProd', DUMMY_ACCOUNTS.staging, 'preprod-template-configuration.json'],
      ['DeployProd', DUMMY_ACCOUNTS.prod, 'prod-template-configuration.json'],
    ]) {
      const [action] = stage(name).Actions;
      expect(action.ActionTypeId).toMatchObject({ Category: 'Deploy', Provider: 'CloudFormation' });
      expect(action.Configuration.StackName).toBe(`abalone-p-abc123def456-${name === 'DeployProd' ? 'prod' : 'preprod'}-batch-inference`);
      expect(action.Configuration.TemplateConfiguration).toBe(`BuildOutput::${file}`);
      expect(action.Configuration.RoleArn).toBe(`arn:aws:iam::${account}:role/cdk-hnb659fds-cfn-exec-role-${account}-${DUMMY_REGION}`);
      expect(JSON.stringify(action.RoleArn)).toContain(`:iam::${account}:role/cdk-hnb659fds-deploy-role-${account}-${DUMMY_REGION}`);
    }
    expect(stage('DeployPreProd').Actions[0].Configuration.ActionMode).toBe('REPLACE_ON_FAILURE');
    expect(stage('DeployProd').Actions[0].Configuration.ActionMode).toBe('CREATE_UPDATE');
  });

  it('names what will be deployed in each approval, notifies an encrypted topic, and lets an approver role approve that action only', () => {
    const [approval] = stage('ApproveProd').Actions;
    expect(approval.Configuration.CustomData).toMatch(/^Promote release #\{Build.RELEASE_ID\} of abalone .* to prod: SageMaker pipeline abalone-p-abc123def456-prod-pipeline .* account 444444444444, eu-west-1/);
    expect(approval.Configuration.NotificationArn).toBeDefined();
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'ApproveThisAction', Action: 'codepipeline:PutApprovalResult', Resource: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['/ApproveProd/Approve'])] }) }),
        ]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('ApproveProdApproverRole') }],
    });
  });

  it('builds with the bundled promotion tool and runs the dev pipeline with pipeline-run, skipping a release that already succeeded', () => {
    const specs = ofType(resources, 'AWS::CodeBuild::Project').map(([, p]) => JSON.stringify(p.Properties.Source.BuildSpec));
    expect(specs).toHaveLength(2);
    expect(specs[0]).toMatch(/index\.cjs build\\"/);
    expect(specs[1]).toMatch(/index\.cjs run-dev --definition dev-definition\.json --pipeline-name abalone-p-abc123def456-dev-pipeline --role-arn /);
    expect(specs[1]).toContain('/data=s3://p-abc123def456-dev-artifacts-111111111111/abalone-p-abc123def456-dev-pipeline/data/');
    expect(specs.every((spec) => !spec.includes('npm install') && !spec.includes('pip install'))).toBe(true);
    const [runAction] = stage('RunInDev').Actions;
    expect(runAction.Configuration.EnvironmentVariables).toContain('#{Build.DEV_RUN_MARKER}');
    const [buildAction] = stage('Build').Actions;
    expect(buildAction.Namespace).toBe('Build');
  });

  it('lets the tools write only their prefixes of the dev bucket, and RunInDev run only the dev pipeline', () => {
    const statements = ofType(resources, 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const run = statements.find((s: any) => s.Sid === 'UpsertAndRunDevPipeline');
    expect(JSON.stringify(run.Resource)).toContain(':pipeline/abalone-p-abc123def456-dev-pipeline');
    const pass = statements.find((s: any) => s.Sid === 'PassDevPipelineRole');
    expect(pass.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } });
    expect(JSON.stringify(pass.Resource)).toContain('role/abalone-p-abc123def456-dev-sm-execution');
    expect(statements.flatMap((s: any) => [].concat(s.Action)).filter((a: string) => a === '*' || a === 'iam:PassRole' && false)).toEqual([]);
  });

  it('lets each stage account read only its release: its definition for its cfn-exec role (the handler reads it), the code for its execution role', () => {
    const [[, policy]] = ofType(resources, 'AWS::S3::BucketPolicy').filter(([, p]) => JSON.stringify(p.Properties.PolicyDocument).includes('ReadsItsRelease'));
    const bySid = (sid: string) => policy.Properties.PolicyDocument.Statement.find((s: any) => s.Sid === sid);
    const code = bySid('prodReadsItsRelease');
    expect(code.Action).toBe('s3:GetObject');
    expect(code.Condition.ArnEquals['aws:PrincipalArn']).toEqual([`arn:aws:iam::${DUMMY_ACCOUNTS.prod}:role/abalone-p-abc123def456-prod-sm-execution`]);
    expect(JSON.stringify(code.Resource)).toContain('/releases/code/*');
    expect(JSON.stringify(code.Resource)).not.toContain('definitions');
    const definition = bySid('prodDeploysItsDefinition');
    expect(definition.Action).toBe('s3:GetObject');
    expect(definition.Condition.ArnEquals['aws:PrincipalArn']).toEqual([`arn:aws:iam::${DUMMY_ACCOUNTS.prod}:role/cdk-hnb659fds-cfn-exec-role-${DUMMY_ACCOUNTS.prod}-${DUMMY_REGION}`]);
    expect(JSON.stringify(definition.Resource)).toContain('/releases/definitions/prod/*');
  });

  it('outputs the promotion pipeline, the stage pipelines and dashboards, and metadata', () => {
    const outputs = template.toJSON().Outputs;
    for (const name of ['PipelineArn', 'PipelineName', 'PreProdPipelineName', 'PreProdDashboardName', 'ProdPipelineName', 'ProdDashboardName', 'metadata']) expect(outputs[name], name).toBeDefined();
    expect(outputs.ProdDashboardName.Value).toBe('abalone-p-abc123def456-prod-dashboard');
  });

  it('creates and seeds the CodeCommit repository, started by a push rule with a dead-letter queue', () => {
    template.hasResourceProperties('AWS::CodeCommit::Repository', { RepositoryName: 'abalone-p-abc123def456-pipeline-promotion', Code: { BranchName: 'main' } });
    const [[, rule]] = ofType(resources, 'AWS::Events::Rule');
    expect(rule.Properties.Name).toBe('abalone-p-abc123def456-repo-push');
    expect(rule.Properties.Targets[0].DeadLetterConfig).toBeDefined();
  });

  it('records the stage regions for the cfn-lint gate', () => {
    expect(template.toJSON().Metadata[TARGET_REGIONS_METADATA_KEY]).toEqual([DUMMY_REGION]);
  });

  it('is cdk-nag AwsSolutions clean, with the stage template', () => expectNoNagFindings(app));
  it('passes every Control Tower control or acknowledges it on one resource', () => expectNoGuardFindings(app));
  it('is cfn-lint clean, stage template included', async () => {
    const result = await expectCfnLintClean(stack);
    if (!result.skipped) expect(result.templates.some((t) => /StageTemplate/.test(t))).toBe(true);
  });
});

describe('a CodeConnections repository', () => {
  const { app, stack } = synth({ ...MULTI_ACCOUNT, repository_type: 'codeconnections', code_connection_arn: CONNECTION_ARN, repository_owner_and_name: 'acme/abalone-batch' });
  const resources = Template.fromStack(stack).toJSON().Resources as Resources;

  it('starts on a push to the branch through the V2 git trigger, creating no repository and no rule', () => {
    const [[, pipeline]] = ofType(resources, 'AWS::CodePipeline::Pipeline');
    expect(pipeline.Properties.Triggers[0].GitConfiguration.Push[0].Branches.Includes).toEqual(['main']);
    expect(ofType(resources, 'AWS::CodeCommit::Repository')).toEqual([]);
    expect(ofType(resources, 'AWS::Events::Rule')).toEqual([]);
    expect(PIPELINE_LAYOUT.source).toBe('Source');
  });
  it('is cdk-nag AwsSolutions clean', () => expectNoNagFindings(app));
});

describe('stages in other regions', () => {
  const { app, stack } = synth({ ...MULTI_ACCOUNT, preprod_region: 'us-east-1', prod_region: 'eu-central-1' });

  it('deploys each stage in its region and records both regions for the cfn-lint gate', () => {
    const json = Template.fromStack(stack).toJSON();
    const [[, pipeline]] = ofType(json.Resources, 'AWS::CodePipeline::Pipeline');
    const region = (name: string) => pipeline.Properties.Stages.find((s: any) => s.Name === name).Actions[0].Region;
    expect([region('DeployPreProd'), region('DeployProd')]).toEqual(['us-east-1', 'eu-central-1']);
    expect(json.Metadata[TARGET_REGIONS_METADATA_KEY]).toEqual(['eu-central-1', DUMMY_REGION, 'us-east-1']);
    expect(app.synth().stacks.map((s) => s.stackName)).toEqual(expect.arrayContaining([expect.stringMatching(/support-us-east-1/), expect.stringMatching(/support-eu-central-1/)]));
  });
  it('is cdk-nag AwsSolutions clean, support stacks included', () => expectNoNagFindings(app));
  it('passes every Control Tower control, support stacks included', () => expectNoGuardFindings(app));
});

describe('the promotion pipeline with the VPC as SSM parameter names', () => {
  const names = { vpc_subnet_ids_parameter: '/mlops/vpc/private-subnet-ids', vpc_security_group_ids_parameter: '/mlops/vpc/sagemaker-sg-ids' };
  const { app, stack } = synth({ ...MULTI_ACCOUNT, ...names });
  const template = Template.fromStack(stack);
  const json = template.toJSON();
  const resources = json.Resources as Resources;
  const [[, pipeline]] = ofType(resources, 'AWS::CodePipeline::Pipeline');
  const stage = (name: string) => pipeline.Properties.Stages.find((s: any) => s.Name === name);

  it('resolves dev\'s VPC from dev\'s SSM parameters of the configured names, for the dev role and the Build step', () => {
    expect(json.Parameters.DevVpcSubnetIds).toMatchObject({ Type: 'AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>', Default: '/mlops/vpc/private-subnet-ids' });
    expect(json.Parameters.DevVpcSecurityGroupIds).toMatchObject({ Type: 'AWS::SSM::Parameter::Value<List<AWS::EC2::SecurityGroup::Id>>', Default: '/mlops/vpc/sagemaker-sg-ids' });
    const devPolicy = JSON.stringify(ofType(resources, 'AWS::IAM::Policy').filter(([id]) => id.startsWith('DevPipelineRole')));
    expect(devPolicy).toContain('{"Ref":"DevVpcSubnetIds"}');
    const [build] = ofType(resources, 'AWS::CodeBuild::Project').filter(([, p]) => JSON.stringify(p.Properties.Source.BuildSpec).includes('index.cjs build'));
    const env = build[1].Properties.Environment.EnvironmentVariables as Array<{ Name: string; Value: unknown }>;
    const promotion = JSON.stringify(env.find((v) => v.Name === 'PROMOTION')!.Value);
    expect(promotion).toContain('subnetIdsParameter');
    expect(promotion).toContain('/mlops/vpc/private-subnet-ids');
    expect(promotion).toContain('{"Ref":"DevVpcSubnetIds"}');
    expect(env).toEqual(expect.arrayContaining([{ Name: 'STAGE_TEMPLATE_ARTIFACT', Type: 'PLAINTEXT', Value: 'StageTemplate' }, expect.objectContaining({ Name: 'STAGE_TEMPLATE_FILE' })]));
  });

  it('gives the Build step the stage template and deploys each stage from the template it wrote (definition inlined)', () => {
    const [build] = stage('Build').Actions;
    expect(build.InputArtifacts.map((a: any) => a.Name)).toEqual(['Source', 'PromotionTool', 'StageTemplate']);
    expect(stage('DeployPreProd').Actions[0].Configuration.TemplatePath).toBe('BuildOutput::preprod-template.json');
    expect(stage('DeployProd').Actions[0].Configuration.TemplatePath).toBe('BuildOutput::prod-template.json');
    const stageTemplate = Template.fromStack(stack.template.stageStack).toJSON();
    expect(stageTemplate.Parameters.VpcSubnetIds.Default).toBe('/mlops/vpc/private-subnet-ids');
  });

  it('lets each stage read only its released code from the dev bucket: the definition is inlined, nothing reads it at deploy time', () => {
    const [[, policy]] = ofType(resources, 'AWS::S3::BucketPolicy').filter(([, p]) => JSON.stringify(p.Properties.PolicyDocument).includes('ReadsItsRelease'));
    const reads = policy.Properties.PolicyDocument.Statement.filter((s: any) => /ReadsItsRelease$/.test(s.Sid));
    expect(reads).toHaveLength(2);
    expect(policy.Properties.PolicyDocument.Statement.filter((s: any) => /DeploysItsDefinition$/.test(s.Sid))).toEqual([]);
    for (const read of reads) {
      expect(JSON.stringify(read.Resource)).not.toContain('releases/definitions');
      expect(JSON.stringify(read.Resource)).toContain('releases/code/*');
      expect(JSON.stringify(read.Principal)).not.toContain('cfn-exec-role');
      expect(JSON.stringify(read.Condition)).not.toContain('cfn-exec-role');
    }
  });

  it('without SSM names deploys the pre-synthesized template as before', () => {
    const plain = synth(MULTI_ACCOUNT).stack;
    const [[, p]] = ofType(Template.fromStack(plain).toJSON().Resources, 'AWS::CodePipeline::Pipeline');
    expect(p.Properties.Stages.find((s: any) => s.Name === 'DeployProd').Actions[0].Configuration.TemplatePath).toMatch(/^StageTemplate::/);
    expect(Template.fromStack(plain).toJSON().Parameters?.DevVpcSubnetIds).toBeUndefined();
  });

  it('is cdk-nag AwsSolutions clean', () => expectNoNagFindings(stack));
  it('passes every Control Tower control or acknowledges it on one resource', () => expectNoGuardFindings(app));
  it('is cfn-lint clean', async () => {
    await expectCfnLintClean(stack, [DUMMY_REGION]);
  });
});
