import { matchesEventPattern, sampleModelPackageStateChange } from '@sagemaker-mlops/events';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { BUILD_ENVIRONMENT_VARIABLES, BUILD_PIPELINE_STAGES } from '../src/product/build-cicd';
import { DEPLOY_PIPELINE_STAGES } from '../src/product/deploy-cicd';
import { ACCOUNTS, CONNECTION_ARN, ofType, REQUIRED, synth, templates } from './fixtures';

const GROUP = { 'Fn::Join': ['-', [{ Ref: 'SageMakerProjectName' }, { Ref: 'SageMakerProjectId' }]] };
/** Replaces the parameters by the values SageMaker would pass, for matching sample events. */
const withProject = (value: unknown) =>
  JSON.parse(JSON.stringify(value).replaceAll(JSON.stringify(GROUP), '"churn-p-abc123def456"'));

describe('the product template (one SageMaker project)', () => {
  const { stack } = synth();
  const { product } = templates(stack);
  const json = product.toJSON();
  const resources = json.Resources as Record<string, { Type: string; Properties?: any }>;
  const pipelines = Object.fromEntries(ofType(product, 'AWS::CodePipeline::Pipeline').map(([, p]) => [p.Properties.Name['Fn::Join'][1][1], p.Properties]));

  it('takes SageMakerProjectName (1-32) and SageMakerProjectId (1-16), and the stage accounts and region defaulting to the module values', () => {
    expect(json.Parameters.SageMakerProjectName).toMatchObject({ Type: 'String', MinLength: 1, MaxLength: 32 });
    expect(json.Parameters.SageMakerProjectId).toMatchObject({ Type: 'String', MinLength: 1, MaxLength: 16 });
    expect(json.Parameters.PreProdAccount).toMatchObject({ Type: 'String', Default: ACCOUNTS.preprod, AllowedPattern: '^\\d{12}$' });
    expect(json.Parameters.ProdAccount).toMatchObject({ Type: 'String', Default: ACCOUNTS.prod, AllowedPattern: '^\\d{12}$' });
    expect(json.Parameters.DeploymentRegion).toMatchObject({ Type: 'String', Default: 'eu-west-1', AllowedValues: ['eu-west-1'] });
    expect(Object.keys(json.Parameters).filter((p) => p !== 'BootstrapVersion').sort()).toEqual(
      ['DeploymentRegion', 'PreProdAccount', 'ProdAccount', 'SageMakerProjectId', 'SageMakerProjectName'].sort(),
    );
  });

  it('tags every resource that takes tags with sagemaker:project-name and sagemaker:project-id', () => {
    // CloudFormation types without a Tags property.
    const untaggable = new Set(['AWS::IAM::Policy', 'AWS::S3::BucketPolicy', 'AWS::SQS::QueuePolicy']);
    for (const [id, resource] of Object.entries(resources)) {
      if (untaggable.has(resource.Type)) continue;
      expect(resource.Properties?.Tags, `${id} (${resource.Type})`).toEqual(
        expect.arrayContaining([
          { Key: 'sagemaker:project-name', Value: { Ref: 'SageMakerProjectName' } },
          { Key: 'sagemaker:project-id', Value: { Ref: 'SageMakerProjectId' } },
        ]),
      );
    }
  });

  describe('shared resources', () => {
    it('creates the model package group <name>-<id>, retained, with a read-only policy for preprod and prod (reference bug 8)', () => {
      const [[, group]] = ofType(product, 'AWS::SageMaker::ModelPackageGroup');
      expect(group.Properties.ModelPackageGroupName).toEqual(GROUP);
      const policy = JSON.stringify(group.Properties.ModelPackageGroupPolicy);
      expect(policy).not.toMatch(/UpdateModelPackage|Put|Delete|sagemaker:\*/);
      const actions = group.Properties.ModelPackageGroupPolicy.Statement.flatMap((s: any) => [].concat(s.Action));
      expect(actions.sort()).toEqual(['sagemaker:CreateModel', 'sagemaker:DescribeModelPackage', 'sagemaker:DescribeModelPackageGroup', 'sagemaker:ListModelPackages']);
      expect(policy).toContain('{"Ref":"PreProdAccount"}');
      expect(policy).toContain('{"Ref":"ProdAccount"}');
      expect(resources[ofType(product, 'AWS::SageMaker::ModelPackageGroup')[0][0]]).toMatchObject({ DeletionPolicy: 'Retain' });
    });

    it('keeps the artifact bucket and key (versioned, TLS only, KMS), readable but not writable by preprod and prod (reference bug 6)', () => {
      const policies = ofType(product, 'AWS::S3::BucketPolicy').map(([, p]) => p.Properties.PolicyDocument.Statement).flat();
      const read = policies.find((s: any) => s.Sid === 'DeployAccountsReadModels');
      expect(read.Action).toEqual(['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket']);
      expect(read.Principal.AWS.map((a: any) => JSON.stringify(a))).toEqual([expect.stringContaining('PreProdAccount'), expect.stringContaining('ProdAccount')]);
      const artifactBucketId = read.Resource[0]['Fn::GetAtt'][0];
      expect(resources[artifactBucketId]).toMatchObject({
        DeletionPolicy: 'Retain',
        Properties: { VersioningConfiguration: { Status: 'Enabled' }, BucketEncryption: { ServerSideEncryptionConfiguration: [expect.objectContaining({ ServerSideEncryptionByDefault: expect.objectContaining({ SSEAlgorithm: 'aws:kms' }) })] } },
      });
      expect(policies.some((s: any) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
      const keys = ofType(product, 'AWS::KMS::Key');
      expect(keys.every(([, k]) => k.Properties.EnableKeyRotation)).toBe(true);
      const decrypt = keys.flatMap(([, k]) => k.Properties.KeyPolicy.Statement).find((s: any) => s.Sid === 'DeployAccountsDecryptModelsViaS3');
      expect(decrypt.Action).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
      expect(JSON.stringify(decrypt.Condition)).toContain('kms:ViaService');
    });

    it('creates the image repository with scan on push and immutable tags, pull-only for preprod and prod', () => {
      product.hasResourceProperties('AWS::ECR::Repository', {
        RepositoryName: { 'Fn::Join': ['-', ['sagemaker', { Ref: 'SageMakerProjectId' }]] },
        ImageScanningConfiguration: { ScanOnPush: true },
        ImageTagMutability: 'IMMUTABLE',
        RepositoryPolicyText: {
          Statement: [
            Match.objectLike({
              Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
              Principal: { AWS: [Match.anyValue(), Match.anyValue()] },
            }),
          ],
        },
      });
    });
  });

  describe('build CI/CD', () => {
    it('seeds the <name>-build repository from the module asset bucket on main', () => {
      product.hasResourceProperties('AWS::CodeCommit::Repository', {
        RepositoryName: { 'Fn::Join': ['-', [{ Ref: 'SageMakerProjectName' }, 'build']] },
        Code: { BranchName: 'main', S3: { Bucket: 'cdk-hnb659fds-assets-111111111111-eu-west-1', Key: Match.stringLikeRegexp('^[0-9a-f]{64}\\.zip$') } },
      });
    });

    it('runs Source -> Build on pushes to main, the build project with the reference environment', () => {
      expect(pipelines.build.Stages.map((s: any) => s.Name)).toEqual([...BUILD_PIPELINE_STAGES]);
      const [[, project]] = ofType(product, 'AWS::CodeBuild::Project').filter(([, p]) => JSON.stringify(p.Properties.Name).includes('"build"'));
      expect(project.Properties.Source.BuildSpec).toBe('buildspec.yml');
      expect(project.Properties.Environment.EnvironmentVariables.map((v: any) => v.Name)).toEqual([...BUILD_ENVIRONMENT_VARIABLES]);
      const rules = ofType(product, 'AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern.source?.[0] === 'aws.codecommit');
      expect(rules.map(([, r]) => r.Properties.EventPattern.detail.referenceName)).toEqual([['main'], ['main']]);
    });

    it('gives the SageMaker execution role registration into its own group only, and lets it pass only itself to SageMaker', () => {
      const exec = ofType(product, 'AWS::IAM::Policy').find(([id]) => id.startsWith('BuildSageMakerExecutionRoleDefaultPolicy'))![1];
      const statements = exec.Properties.PolicyDocument.Statement;
      const register = statements.find((s: any) => s.Sid === 'RegisterIntoTheGroup');
      expect(register.Action).not.toContain('sagemaker:UpdateModelPackage');
      const pass = statements.find((s: any) => s.Sid === 'PassSelfToJobs');
      expect(pass.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^BuildSageMakerExecutionRole/), 'Arn'] });
      expect(pass.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } });
    });
  });

  describe('deploy CI/CD', () => {
    const deploy = pipelines.deploy;
    const action = (stage: string) => deploy.Stages.find((s: any) => s.Name === stage).Actions[0];

    it('runs the stages in the reference order, with the staging test after DeployPreProd', () => {
      expect(deploy.Stages.map((s: any) => s.Name)).toEqual([...DEPLOY_PIPELINE_STAGES]);
      expect(deploy.PipelineType).toBe('V2');
    });

    it('uses REPLACE_ON_FAILURE in dev only (reference bug 4)', () => {
      expect(action('DeployDev').Configuration.ActionMode).toBe('REPLACE_ON_FAILURE');
      expect(action('DeployPreProd').Configuration.ActionMode).toBe('CREATE_UPDATE');
      expect(action('DeployProd').Configuration.ActionMode).toBe('CREATE_UPDATE');
    });

    it("deploys each stage's own template with that account's CDK bootstrap roles in DeploymentRegion", () => {
      for (const [stage, account] of [['Dev', 'AWS::AccountId'], ['PreProd', 'PreProdAccount'], ['Prod', 'ProdAccount']] as const) {
        const a = action(`Deploy${stage}`);
        expect(a.Configuration.TemplatePath).toBe(`CDKSynth::${stage.toLowerCase()}.template.json`);
        expect(a.Configuration.RoleArn).toEqual({ 'Fn::Sub': `arn:aws:iam::\${${account}}:role/cdk-hnb659fds-cfn-exec-role-\${${account}}-eu-west-1` });
        if (stage === 'Dev') {
          // In its own account the action role is one of the product, which may pass only dev's cfn-exec role.
          expect(a.RoleArn['Fn::GetAtt'][0]).toMatch(/^DeployPipelineDeployDev/);
        } else {
          expect(JSON.stringify(a.RoleArn)).toContain(':role/cdk-hnb659fds-deploy-role-');
          expect(JSON.stringify(a.RoleArn)).toContain(`"Ref":"${account}"`);
        }
        expect(a.Configuration.Capabilities).toBe('CAPABILITY_NAMED_IAM,CAPABILITY_AUTO_EXPAND');
      }
    });

    it('lets the pipeline assume the preprod and prod bootstrap deploy roles, and lets only those read its artifacts', () => {
      const pipelineRoleId = deploy.RoleArn['Fn::GetAtt'][0];
      const policy = ofType(product, 'AWS::IAM::Policy').find(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === pipelineRoleId))![1];
      const assumed = JSON.stringify(policy.Properties.PolicyDocument.Statement.filter((s: any) => s.Action === 'sts:AssumeRole').map((s: any) => s.Resource));
      for (const account of ['PreProdAccount', 'ProdAccount']) expect(assumed).toContain(`{"Ref":"${account}"},":role/cdk-hnb659fds-deploy-role-",{"Ref":"${account}"}`);
      const read = ofType(product, 'AWS::S3::BucketPolicy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement).find((s: any) => s.Sid === 'StageBootstrapRolesReadArtifacts');
      expect(read.Action).toEqual(['s3:GetObject', 's3:GetObjectVersion', 's3:GetBucketLocation']);
      expect(read.Condition.ArnEquals['aws:PrincipalArn']).toHaveLength(4);
    });

    it('puts manual approvals before preprod and prod, each approvable by its own role only', () => {
      expect(action('ApprovePreProd').ActionTypeId.Category).toBe('Approval');
      expect(action('ApproveProd').ActionTypeId.Category).toBe('Approval');
      const approvals = ofType(product, 'AWS::IAM::Policy')
        .map(([, p]) => p.Properties.PolicyDocument.Statement.find((s: any) => s.Action === 'codepipeline:PutApprovalResult'))
        .filter(Boolean);
      expect(approvals.map((s: any) => JSON.stringify(s.Resource))).toEqual([
        expect.stringContaining('/ApprovePreProd/ApprovePreProd'),
        expect.stringContaining('/ApproveProd/ApproveProd'),
      ]);
    });

    it('starts on Approved and Rejected of the group, never on PendingManualApproval, with retries and a DLQ', () => {
      const [[, rule]] = ofType(product, 'AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern.source?.[0] === 'aws.sagemaker');
      const pattern = withProject(rule.Properties.EventPattern);
      const event = (status: 'Approved' | 'Rejected' | 'PendingManualApproval', groupName = 'churn-p-abc123def456') =>
        sampleModelPackageStateChange({ account: ACCOUNTS.dev, region: 'eu-west-1', groupName, status });
      expect(matchesEventPattern(pattern, event('Approved'))).toBe(true);
      expect(matchesEventPattern(pattern, event('Rejected'))).toBe(true);
      expect(matchesEventPattern(pattern, event('PendingManualApproval'))).toBe(false);
      expect(matchesEventPattern(pattern, event('Approved', 'another-group'))).toBe(false);
      const target = rule.Properties.Targets[0];
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 });
      expect(resources[target.DeadLetterConfig.Arn['Fn::GetAtt'][0]].Type).toBe('AWS::SQS::Queue');
    });

    it('synthesizes the deploy app and exports the version; SecurityEvaluation runs the bundled check on its output', () => {
      const projects = Object.fromEntries(ofType(product, 'AWS::CodeBuild::Project').map(([, p]) => [p.Properties.Name['Fn::Join'][1].at(-1), p.Properties]));
      const synthSpec = JSON.parse(projects['deploy-synth'].Source.BuildSpec);
      expect(synthSpec.env['exported-variables']).toEqual(['MODEL_PACKAGE_ARN', 'MODEL_PACKAGE_VERSION']);
      expect(synthSpec.phases.build.commands).toEqual(['npm run synth', '. ./cdk.out/pipeline-variables.env']);
      expect(synthSpec.artifacts['base-directory']).toBe('cdk.out');
      const securitySpec = JSON.parse(projects['security-evaluation'].Source.BuildSpec);
      // Nothing installed at run time: only the bundled tool runs (the reference gem-installs cfn-nag every time).
      expect(securitySpec.phases.install.commands).toBeUndefined();
      expect(securitySpec.phases.build.commands).toEqual(['node "$CODEBUILD_SRC_DIR_SecurityEvaluationTool/index.cjs"']);
      expect(securitySpec.artifacts.files).toEqual(['security-report.json']);
      expect(action('SecurityEvaluation').InputArtifacts).toEqual([{ Name: 'CDKSynth' }, { Name: 'SecurityEvaluationTool' }]);
    });

    it('wires the staging test: it invokes the preprod endpoint by the name EndpointStack gives it (reference bug 9)', () => {
      const projects = ofType(product, 'AWS::CodeBuild::Project').map(([, p]) => p.Properties);
      const test = projects.find((p) => JSON.stringify(p.Name).includes('staging-test'))!;
      const env = Object.fromEntries(test.Environment.EnvironmentVariables.map((v: any) => [v.Name, v.Value]));
      expect(env.ENDPOINT_NAME).toEqual({ 'Fn::Join': ['', [{ Ref: 'SageMakerProjectName' }, '-', { Ref: 'SageMakerProjectId' }, '-preprod']] });
      expect(env.TEST_ROLE_NAME).toEqual({ 'Fn::Join': ['', [{ Ref: 'SageMakerProjectName' }, '-', { Ref: 'SageMakerProjectId' }, '-preprod-test']] });
      expect(env.STAGE_REGION).toEqual({ Ref: 'DeploymentRegion' });
      expect(action('TestPreProd').Configuration.EnvironmentVariables).toContain('#{Build.MODEL_PACKAGE_ARN}');
    });
  });

  it('puts every project role under /sagemaker-project/, the only path the launch role manages', () => {
    for (const [id, role] of ofType(product, 'AWS::IAM::Role')) expect(role.Properties.Path, id).toBe('/sagemaker-project/');
  });

  it('with CodeConnections creates no CodeCommit repository and asks for the repositories instead', () => {
    const { stack: connected } = synth({ ...REQUIRED, repository_type: 'codeconnections', code_connection_arn: CONNECTION_ARN });
    const { product: p } = templates(connected);
    p.resourceCountIs('AWS::CodeCommit::Repository', 0);
    expect(Object.keys(p.toJSON().Parameters)).toEqual(expect.arrayContaining(['RepositoryOwner', 'BuildRepositoryName', 'DeployRepositoryName']));
    const sources = ofType(p, 'AWS::CodePipeline::Pipeline').map(([, pl]) => pl.Properties.Stages[0].Actions[0]);
    for (const source of sources) expect(source.Configuration.ConnectionArn).toBe(CONNECTION_ARN);
    // Pushes start the pipelines through V2 git triggers (CodeConnections publishes no events).
    for (const [, pl] of ofType(p, 'AWS::CodePipeline::Pipeline')) expect(pl.Properties.Triggers[0].GitConfiguration.Push[0].Branches.Includes).toEqual(['main']);
  });
});
