import { DefaultStackSynthesizer, Fn, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { createTestApp, DUMMY_ACCOUNTS, DUMMY_REGION, expectNoNagFindings } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { EndpointStack, EndpointStackProps } from '../../src';

const PARTITION = 'aws';
const ARTIFACT_KEY_ARN = `arn:${PARTITION}:kms:${DUMMY_REGION}:${DUMMY_ACCOUNTS.source}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const TEST_PRINCIPAL_ARN = `arn:${PARTITION}:iam::${DUMMY_ACCOUNTS.tooling}:role/churn-staging-test-runner`;
const SUBNETS = ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'];
const SECURITY_GROUPS = ['sg-0123456789abcdef0'];

const BASE: EndpointStackProps = {
  projectName: 'churn',
  projectId: 'p-abc123def456',
  stageNames: ['staging', 'prod'],
  modelRegistryAccount: DUMMY_ACCOUNTS.source,
  modelArtifactBucketName: 'churn-model-artifacts',
  modelArtifactKeyArn: ARTIFACT_KEY_ARN,
  testPrincipalArn: TEST_PRINCIPAL_ARN,
};

const GUARDED: Partial<EndpointStackProps> = {
  vpc: { subnetIds: SUBNETS, securityGroupIds: SECURITY_GROUPS },
  autoscaling: { minCapacity: 2, maxCapacity: 6, targetInvocationsPerInstance: 200 },
  guardrails: { mode: 'canary', canaryPercent: 25, waitIntervalSeconds: 300, alarms: { max5xxErrorRate: 0.01, maxModelLatencyMs: 250 } },
};

function synth(overrides: Partial<EndpointStackProps> = {}) {
  const app = createTestApp();
  const stack = new EndpointStack(app, 'Endpoint', { ...BASE, ...overrides });
  return { app, stack, template: Template.fromStack(stack) };
}

function build(overrides: Partial<EndpointStackProps>) {
  return () => new EndpointStack(createTestApp(), 'Endpoint', { ...BASE, ...overrides });
}

function singleResource(template: Template, type: string) {
  const resources = Object.values(template.findResources(type));
  expect(resources).toHaveLength(1);
  return resources[0];
}

function executionRoleStatements(template: Template): any[] {
  const roles = template.findResources('AWS::IAM::Role', {
    Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'sagemaker.amazonaws.com' } })] } },
  });
  const [role] = Object.values(roles);
  return role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
}

function statement(template: Template, sid: string) {
  const found = executionRoleStatements(template).find((s) => s.Sid === sid);
  expect(found, `statement ${sid}`).toBeDefined();
  return found;
}

const arnJoin = (...parts: unknown[]) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ...parts]] });
const STAGE = { Ref: 'StageName' };

describe('EndpointStack template', () => {
  it('contains no asset and no bootstrap version check, so StackSets can deploy it anywhere', () => {
    // GIVEN / WHEN
    const { app, stack, template } = synth();
    const json = template.toJSON();
    const assembly = app.synth();
    // THEN
    expect(json.Parameters).not.toHaveProperty('BootstrapVersion');
    expect(json.Rules).toBeUndefined();
    expect(JSON.stringify(json)).not.toMatch(/cdk-[a-z0-9]+-(assets|deploy-role)/);
    expect(assembly.getStackArtifact(stack.artifactId).assets).toEqual([]);
    expect(() => stack.synthesizer.addFileAsset({ sourceHash: 'x', fileName: 'x' })).toThrow(/Cannot add assets/);
  });

  it('declares the parameters the build step writes, with their defaults', () => {
    // GIVEN / WHEN
    const { template } = synth();
    // THEN
    const parameters = template.toJSON().Parameters;
    expect(Object.keys(parameters).sort()).toEqual(
      ['DataCaptureSamplingPercentage', 'InstanceCount', 'InstanceType', 'ModelPackageArn', 'StageName', 'VariantName'].sort(),
    );
    expect(parameters.ModelPackageArn).toMatchObject({ Type: 'String' });
    expect(parameters.ModelPackageArn).not.toHaveProperty('Default');
    expect(parameters.StageName).toMatchObject({ Type: 'String', AllowedValues: ['staging', 'prod'] });
    expect(parameters.InstanceType).toMatchObject({ Type: 'String', Default: 'ml.m5.large' });
    expect(parameters.InstanceCount).toMatchObject({ Type: 'Number', Default: 1, MinValue: 1 });
    expect(parameters.VariantName).toMatchObject({ Type: 'String', Default: 'AllTraffic' });
    expect(parameters.DataCaptureSamplingPercentage).toMatchObject({ Type: 'Number', Default: 100, MinValue: 0, MaxValue: 100 });
  });

  it('takes the default sampling percentage from the props', () => {
    // GIVEN / WHEN
    const { template } = synth({ dataCapture: { samplingPercentage: 25 } });
    // THEN
    template.hasParameter('DataCaptureSamplingPercentage', { Type: 'Number', Default: 25 });
  });

  it('accepts only versioned model packages of the model registry account', () => {
    // GIVEN
    const { template } = synth();
    // WHEN
    const pattern = new RegExp(template.toJSON().Parameters.ModelPackageArn.AllowedPattern);
    const arn = (account: string, resource: string) => `arn:${PARTITION}:sagemaker:${DUMMY_REGION}:${account}:${resource}`;
    // THEN
    expect(pattern.test(arn(DUMMY_ACCOUNTS.source, 'model-package/churn-p-abc123def456/3'))).toBe(true);
    expect(pattern.test(arn(DUMMY_ACCOUNTS.staging, 'model-package/churn-p-abc123def456/3'))).toBe(false);
    expect(pattern.test(arn(DUMMY_ACCOUNTS.source, 'model-package-group/churn-p-abc123def456'))).toBe(false);
    expect(pattern.test(arn(DUMMY_ACCOUNTS.source, 'model-package/churn-p-abc123def456'))).toBe(false);
  });

  it('names the endpoint and both roles uniquely per project and stage', () => {
    // GIVEN / WHEN
    const { template } = synth();
    // THEN
    template.hasResourceProperties('AWS::SageMaker::Endpoint', {
      EndpointName: { 'Fn::Join': ['', ['churn-p-abc123def456-', STAGE]] },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: { 'Fn::Join': ['', ['churn-p-abc123def456-', STAGE, '-test']] },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: { 'Fn::Join': ['', ['churn-p-abc123def456-', STAGE, '-exec']] },
    });
  });

  it('creates the model from the model package parameter without a fixed name, so a new version replaces it', () => {
    // GIVEN / WHEN
    const { template } = synth();
    // THEN
    const model = singleResource(template, 'AWS::SageMaker::Model');
    expect(model.Properties).toMatchObject({
      Containers: [{ ModelPackageName: { Ref: 'ModelPackageArn' } }],
      ExecutionRoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^ExecutionRole/), 'Arn'] },
    });
    expect(model.Properties).not.toHaveProperty('ModelName');
    expect(model.Properties).not.toHaveProperty('VpcConfig');
    expect(model.Properties).not.toHaveProperty('EnableNetworkIsolation');
  });

  it('configures one variant from the parameters', () => {
    // GIVEN / WHEN
    const { template } = synth();
    // THEN
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [
        {
          ModelName: { 'Fn::GetAtt': ['Model', 'ModelName'] },
          VariantName: { Ref: 'VariantName' },
          InitialInstanceCount: { Ref: 'InstanceCount' },
          InstanceType: { Ref: 'InstanceType' },
          InitialVariantWeight: 1,
        },
      ],
    });
    template.hasResourceProperties('AWS::SageMaker::Endpoint', {
      EndpointConfigName: { 'Fn::GetAtt': ['EndpointConfig', 'EndpointConfigName'] },
    });
  });

  it('encrypts the endpoint volumes with a rotating, retained key of the stack', () => {
    // GIVEN / WHEN
    const { template } = synth();
    // THEN
    const keys = template.findResources('AWS::KMS::Key');
    const [keyId] = Object.keys(keys);
    expect(keys[keyId]).toMatchObject({ DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      KmsKeyId: { 'Fn::If': ['InstanceHasLocalStorage', { Ref: 'AWS::NoValue' }, { 'Fn::GetAtt': [keyId, 'Arn'] }] },
    });
  });

  it('leaves the key out for instance families with local storage, which SageMaker encrypts itself', () => {
    // GIVEN / WHEN
    const { template } = synth();
    // THEN
    const condition = JSON.stringify(template.toJSON().Conditions.InstanceHasLocalStorage);
    const family = { 'Fn::Select': [1, { 'Fn::Split': ['.', { Ref: 'InstanceType' }] }] };
    expect(condition).toContain(JSON.stringify({ 'Fn::Equals': [family, 'g5'] }));
    expect(condition).toContain(JSON.stringify({ 'Fn::Equals': [family, 'p4d'] }));
    expect(condition).not.toContain('"m5"');
  });

  it('uses the given instance storage families instead of the built-in list', () => {
    // GIVEN / WHEN
    const { template } = synth({ instanceStorageFamilies: ['g5', 'x9z'] });
    // THEN
    const family = { 'Fn::Select': [1, { 'Fn::Split': ['.', { Ref: 'InstanceType' }] }] };
    template.templateMatches({
      Conditions: {
        InstanceHasLocalStorage: { 'Fn::Or': [{ 'Fn::Equals': [family, 'g5'] }, { 'Fn::Equals': [family, 'x9z'] }] },
      },
    });
  });

  it('tags every taggable resource with the stage, project id and project name', () => {
    // GIVEN / WHEN
    const { template } = synth(GUARDED);
    // THEN
    const tagged = Object.entries(template.toJSON().Resources as Record<string, any>).filter(([, r]) => r.Properties?.Tags);
    expect(tagged.map(([, r]) => r.Type)).toEqual(
      expect.arrayContaining([
        'AWS::KMS::Key',
        'AWS::S3::Bucket',
        'AWS::IAM::Role',
        'AWS::SageMaker::Model',
        'AWS::SageMaker::EndpointConfig',
        'AWS::SageMaker::Endpoint',
        'AWS::CloudWatch::Alarm',
      ]),
    );
    for (const [, resource] of tagged) {
      expect(resource.Properties.Tags).toEqual(
        expect.arrayContaining([
          { Key: 'sagemaker:deployment-stage', Value: STAGE },
          { Key: 'sagemaker:project-id', Value: 'p-abc123def456' },
          { Key: 'sagemaker:project-name', Value: 'churn' },
        ]),
      );
    }
  });

  it('outputs the endpoint, its roles and the capture bucket', () => {
    // GIVEN / WHEN
    const { template } = synth();
    // THEN
    const outputs = template.toJSON().Outputs;
    expect(Object.keys(outputs).sort()).toEqual(['DataCaptureBucketName', 'EndpointArn', 'EndpointName', 'ExecutionRoleArn', 'TestRoleArn']);
    expect(outputs.EndpointName.Value).toEqual({ 'Fn::GetAtt': ['Endpoint', 'EndpointName'] });
    // Ref is the ARN (AWS::SageMaker::Endpoint return values, CloudFormation Template Reference)
    expect(outputs.EndpointArn.Value).toEqual({ Ref: 'Endpoint' });
  });

  it('fails when any template GetAtts EndpointArn, which the Endpoint schema of eu-west-1, us-east-2 and ap-* lacks', () => {
    // GIVEN / WHEN
    const { template } = synth(GUARDED);
    // THEN
    expect(JSON.stringify(template.toJSON())).not.toMatch(/"Fn::GetAtt":\["Endpoint","EndpointArn"\]/);
  });
});

describe('EndpointStack execution role', () => {
  it('is trusted by SageMaker only', () => {
    // GIVEN / WHEN
    const { stack } = synth();
    // THEN
    const trust = stack.resolve(stack.executionRole.assumeRolePolicy?.toJSON());
    expect(trust.Statement).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' } }]);
  });

  it('allows exactly the artifact, image and capture actions, never PassRole or a wildcard action', () => {
    // GIVEN / WHEN
    const { template } = synth();
    // THEN
    const statements = executionRoleStatements(template);
    expect(statements.map((s) => [s.Sid, s.Action])).toEqual([
      ['ReadModelArtifacts', 's3:GetObject'],
      ['DecryptModelArtifacts', 'kms:Decrypt'],
      ['PullModelImages', ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability']],
      ['AuthorizeImagePulls', 'ecr:GetAuthorizationToken'],
      ['WriteEndpointLogs', ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams']],
      ['PublishEndpointMetrics', 'cloudwatch:PutMetricData'],
      ['WriteCapturedData', 's3:PutObject'],
      ['EncryptCapturedData', ['kms:Encrypt', 'kms:GenerateDataKey']],
    ]);
    const actions = statements.flatMap((s) => [].concat(s.Action));
    expect(actions.filter((a: string) => a.includes('*') || a.startsWith('iam:'))).toEqual([]);
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
  });

  it('reads only objects of the artifact bucket owned by the model registry account', () => {
    // GIVEN / WHEN
    const { template } = synth();
    // THEN
    expect(statement(template, 'ReadModelArtifacts')).toMatchObject({
      Resource: arnJoin(':s3:::churn-model-artifacts/*'),
      Condition: { StringEquals: { 's3:ResourceAccount': DUMMY_ACCOUNTS.source } },
    });
  });

  it('decrypts with the artifact key through S3 only', () => {
    // GIVEN / WHEN
    const { template } = synth();
    // THEN
    expect(statement(template, 'DecryptModelArtifacts')).toMatchObject({
      Resource: ARTIFACT_KEY_ARN,
      Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
    });
  });

  it('has no decrypt permission when the artifacts use no customer managed key', () => {
    // GIVEN / WHEN
    const { template } = synth({ modelArtifactKeyArn: undefined });
    // THEN
    expect(executionRoleStatements(template).map((s) => s.Sid)).not.toContain('DecryptModelArtifacts');
  });

  it('pulls images from the repositories of the model registry account only', () => {
    // GIVEN / WHEN
    const { template } = synth();
    // THEN
    expect(statement(template, 'PullModelImages').Resource).toEqual(
      arnJoin(':ecr:', { Ref: 'AWS::Region' }, `:${DUMMY_ACCOUNTS.source}:repository/*`),
    );
    expect(statement(template, 'AuthorizeImagePulls').Resource).toBe('*');
  });

  it('acknowledges each wildcard resource as one finding on the role, with a reason', () => {
    // GIVEN / WHEN
    const { stack } = synth();
    // THEN
    const acknowledged = stack.executionRole.node.defaultChild!.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(acknowledged.map(([id]) => id.replace(/^.*?(AwsSolutions-)/, '$1')).sort()).toEqual(
      [
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-IAM5[Resource::<DataCapture8D9F5501.Arn>/data-capture/*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/Endpoints/churn-p-abc123def456-<StageName>:log-stream:*]',
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecr:<AWS::Region>:${DUMMY_ACCOUNTS.source}:repository/*]`,
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::churn-model-artifacts/*]',
      ].sort(),
    );
    for (const [, reason] of acknowledged) expect(reason.length).toBeGreaterThan(30);
  });
});

describe('EndpointStack test role', () => {
  it('trusts only the test principal of the tooling account', () => {
    // GIVEN / WHEN
    const { template } = synth();
    // THEN
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: { 'Fn::Join': ['', ['churn-p-abc123def456-', STAGE, '-test']] },
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { AWS: arnJoin(`:iam::${DUMMY_ACCOUNTS.tooling}:root`) },
            Condition: { ArnEquals: { 'aws:PrincipalArn': TEST_PRINCIPAL_ARN } },
          },
        ],
      },
    });
  });

  it('may only describe and invoke this endpoint, and describe its configuration and model', () => {
    // GIVEN / WHEN
    const { stack, template } = synth();
    // THEN
    const roleId = stack.getLogicalId(stack.testRole.node.defaultChild as any);
    expect(template.toJSON().Resources[roleId].Properties.Policies).toEqual([
      {
        PolicyName: 'TestEndpoint',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'DescribeAndInvokeEndpoint',
              Effect: 'Allow',
              Action: ['sagemaker:DescribeEndpoint', 'sagemaker:InvokeEndpoint'],
              Resource: { Ref: 'Endpoint' },
            },
            {
              // the staging test checks that the endpoint serves the model package of the build
              Sid: 'CheckServedModelPackage',
              Effect: 'Allow',
              Action: ['sagemaker:DescribeEndpointConfig', 'sagemaker:DescribeModel'],
              Resource: [{ Ref: 'EndpointConfig' }, { Ref: 'Model' }],
            },
          ],
        },
      },
    ]);
  });

  it('reads the tooling account of a deploy-time principal ARN from the ARN itself', () => {
    // GIVEN
    const principal = Fn.importValue('TestRunnerRoleArn');
    // WHEN
    const stack = new EndpointStack(createTestApp(), 'Endpoint', { ...BASE, testPrincipalArn: principal });
    // THEN
    const trust = Template.fromStack(stack).findResources('AWS::IAM::Role', {
      Properties: { RoleName: { 'Fn::Join': ['', ['churn-p-abc123def456-', STAGE, '-test']] } },
    });
    const statementJson = JSON.stringify(Object.values(trust)[0].Properties.AssumeRolePolicyDocument);
    expect(statementJson).toContain('"Fn::Select":[4,{"Fn::Split":[":",{"Fn::ImportValue":"TestRunnerRoleArn"}]}]');
  });
});

describe('EndpointStack data capture', () => {
  it('captures requests and responses by default to an encrypted, versioned, retained bucket of the stack', () => {
    // GIVEN / WHEN
    const { stack, template } = synth();
    // THEN
    const bucketId = stack.getLogicalId(stack.dataCaptureBucket!.node.defaultChild as any);
    const keyId = stack.getLogicalId(stack.encryptionKey.node.defaultChild as any);
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } } }),
          ],
        },
      }),
    });
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      DataCaptureConfig: {
        EnableCapture: true,
        InitialSamplingPercentage: { Ref: 'DataCaptureSamplingPercentage' },
        DestinationS3Uri: { 'Fn::Join': ['', ['s3://', { Ref: bucketId }, '/data-capture']] },
        KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
        CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
      },
    });
    expect(statement(template, 'WriteCapturedData').Resource).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/data-capture/*']],
    });
  });

  it('captures nothing and creates no bucket when disabled, but keeps the parameter the build step writes', () => {
    // GIVEN / WHEN
    const { stack, template } = synth({ dataCapture: { enabled: false } });
    // THEN
    expect(stack.dataCaptureBucket).toBeUndefined();
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', { DataCaptureConfig: Match.absent() });
    expect(template.toJSON().Outputs).not.toHaveProperty('DataCaptureBucketName');
    template.hasParameter('DataCaptureSamplingPercentage', { Type: 'Number' });
    expect(executionRoleStatements(template).map((s) => s.Sid)).not.toContain('WriteCapturedData');
  });
});

describe('EndpointStack VPC', () => {
  it('places the model in the given subnets and security groups with ENI permissions scoped to them', () => {
    // GIVEN / WHEN
    const { template } = synth({ vpc: { subnetIds: SUBNETS, securityGroupIds: SECURITY_GROUPS } });
    // THEN
    template.hasResourceProperties('AWS::SageMaker::Model', {
      VpcConfig: { Subnets: SUBNETS, SecurityGroupIds: SECURITY_GROUPS },
      EnableNetworkIsolation: Match.absent(),
    });
    const ec2 = (type: string) => arnJoin(':ec2:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${type}`);
    expect(statement(template, 'CreateNetworkInterfaces')).toMatchObject({
      Action: 'ec2:CreateNetworkInterface',
      Resource: [
        ec2('network-interface/*'),
        ec2(`subnet/${SUBNETS[0]}`),
        ec2(`subnet/${SUBNETS[1]}`),
        ec2(`security-group/${SECURITY_GROUPS[0]}`),
      ],
    });
    expect(statement(template, 'ManageNetworkInterfaces')).toMatchObject({ Resource: ec2('network-interface/*') });
    expect(statement(template, 'DescribeNetwork')).toMatchObject({ Resource: '*' });
  });

  it('reads subnets and security groups from SSM parameters of the target account', () => {
    // GIVEN / WHEN
    const { template } = synth({
      vpc: { subnetIdsParameterName: '/network/private-subnet-ids', securityGroupIdsParameterName: '/network/endpoint-sg-ids' },
    });
    // THEN
    template.hasParameter('SubnetIds', { Type: 'AWS::SSM::Parameter::Value<List<String>>', Default: '/network/private-subnet-ids' });
    template.hasParameter('SecurityGroupIds', { Type: 'AWS::SSM::Parameter::Value<List<String>>', Default: '/network/endpoint-sg-ids' });
    template.hasResourceProperties('AWS::SageMaker::Model', {
      VpcConfig: { Subnets: { Ref: 'SubnetIds' }, SecurityGroupIds: { Ref: 'SecurityGroupIds' } },
    });
    const resources = JSON.stringify(statement(template, 'CreateNetworkInterfaces').Resource);
    expect(resources).toContain(':subnet/*');
    expect(resources).toContain(':security-group/*');
  });

  it('fails when a subnet id is malformed', () => {
    expect(build({ vpc: { subnetIds: ['subnet-xyz'], securityGroupIds: SECURITY_GROUPS } })).toThrow(/vpc\.subnetIds: got "subnet-xyz"/);
  });

  it('fails when no security group is given', () => {
    expect(build({ vpc: { subnetIds: SUBNETS, securityGroupIds: [] } })).toThrow(/vpc\.securityGroupIds: .*1 to 5 security groups/);
  });
});

describe('EndpointStack autoscaling', () => {
  it('registers the variant as a scalable target with an invocations-per-instance policy', () => {
    // GIVEN / WHEN
    const { template } = synth({
      autoscaling: { minCapacity: 2, maxCapacity: 6, targetInvocationsPerInstance: 200, scaleInCooldownSeconds: 600, scaleOutCooldownSeconds: 60 },
    });
    // THEN
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ServiceNamespace: 'sagemaker',
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      ResourceId: { 'Fn::Join': ['', ['endpoint/', { 'Fn::GetAtt': ['Endpoint', 'EndpointName'] }, '/variant/', { Ref: 'VariantName' }]] },
      MinCapacity: 2,
      MaxCapacity: 6,
      RoleARN: Match.absent(),
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      ScalingTargetId: { Ref: 'ScalableTarget' },
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 200,
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
        ScaleInCooldown: 600,
        ScaleOutCooldown: 60,
      },
    });
    template.hasResourceProperties('AWS::SageMaker::Endpoint', { RetainAllVariantProperties: true });
  });

  it('scales nothing and keeps InstanceCount on updates without autoscaling', () => {
    // GIVEN / WHEN
    const { template } = synth();
    // THEN
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    template.hasResourceProperties('AWS::SageMaker::Endpoint', { RetainAllVariantProperties: Match.absent() });
  });

  it('fails when minCapacity exceeds maxCapacity', () => {
    expect(build({ autoscaling: { minCapacity: 5, maxCapacity: 2, targetInvocationsPerInstance: 100 } })).toThrow(
      /autoscaling\.minCapacity: got 5; it must not exceed autoscaling\.maxCapacity \(2\)/,
    );
  });

  it('fails when minCapacity is below one instance', () => {
    expect(build({ autoscaling: { minCapacity: 0, maxCapacity: 2, targetInvocationsPerInstance: 100 } })).toThrow(
      /autoscaling\.minCapacity: got 0/,
    );
  });
});

describe('EndpointStack guardrails', () => {
  function deploymentConfig(template: Template) {
    return singleResource(template, 'AWS::SageMaker::Endpoint').Properties.DeploymentConfig;
  }

  it('shifts a canary first and rolls back on the 5XX and latency alarms of this endpoint variant', () => {
    // GIVEN / WHEN
    const { template } = synth({
      guardrails: {
        mode: 'canary',
        canaryPercent: 25,
        waitIntervalSeconds: 300,
        terminationWaitSeconds: 120,
        maximumExecutionTimeoutSeconds: 3600,
        alarms: { max5xxErrorRate: 0.01, maxModelLatencyMs: 250 },
      },
    });
    // THEN
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    expect(Object.keys(alarms)).toHaveLength(2);
    expect(deploymentConfig(template)).toEqual({
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: {
          Type: 'CANARY',
          CanarySize: { Type: 'CAPACITY_PERCENT', Value: 25 },
          WaitIntervalInSeconds: 300,
        },
        TerminationWaitInSeconds: 120,
        MaximumExecutionTimeoutInSeconds: 3600,
      },
      AutoRollbackConfiguration: { Alarms: Object.keys(alarms).map((id) => ({ AlarmName: { Ref: id } })) },
    });
  });

  it('watches the average 5XX share and the average latency in microseconds of the endpoint variant', () => {
    // GIVEN / WHEN
    const { template } = synth({ guardrails: { mode: 'all-at-once', waitIntervalSeconds: 600, alarms: { max5xxErrorRate: 0.05, maxModelLatencyMs: 250 } } });
    // THEN
    const dimensions = [
      { Name: 'EndpointName', Value: { 'Fn::Join': ['', ['churn-p-abc123def456-', STAGE]] } },
      { Name: 'VariantName', Value: { Ref: 'VariantName' } },
    ];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SageMaker',
      MetricName: 'Invocation5XXErrors',
      Statistic: 'Average',
      Threshold: 0.05,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: dimensions,
      TreatMissingData: 'notBreaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ModelLatency',
      Statistic: 'Average',
      Threshold: 250000,
      Dimensions: dimensions,
    });
  });

  it('shifts linearly in steps of 20% by default', () => {
    // GIVEN / WHEN
    const { template } = synth({ guardrails: { mode: 'linear', waitIntervalSeconds: 120, alarms: { maxModelLatencyMs: 100 } } });
    // THEN
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    expect(deploymentConfig(template).BlueGreenUpdatePolicy.TrafficRoutingConfiguration).toEqual({
      Type: 'LINEAR',
      LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: 20 },
      WaitIntervalInSeconds: 120,
    });
  });

  it('shifts all at once after the baking period', () => {
    // GIVEN / WHEN
    const { template } = synth({ guardrails: { mode: 'all-at-once', waitIntervalSeconds: 600, alarms: { max5xxErrorRate: 0.02 } } });
    // THEN
    expect(deploymentConfig(template).BlueGreenUpdatePolicy.TrafficRoutingConfiguration).toEqual({
      Type: 'ALL_AT_ONCE',
      WaitIntervalInSeconds: 600,
    });
  });

  it('uses SageMaker default updates and creates no alarm without guardrails', () => {
    // GIVEN / WHEN
    const { template } = synth();
    // THEN
    expect(deploymentConfig(template)).toBeUndefined();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  it('fails when a guardrail has no alarm to roll back on', () => {
    expect(build({ guardrails: { mode: 'canary', waitIntervalSeconds: 300, alarms: {} } })).toThrow(
      /guardrails\.alarms: .*needs at least one alarm/,
    );
  });

  it('fails when the canary is larger than half of the fleet', () => {
    expect(build({ guardrails: { mode: 'canary', canaryPercent: 60, waitIntervalSeconds: 300, alarms: { max5xxErrorRate: 0.01 } } })).toThrow(
      /guardrails\.canaryPercent: got 60; expected a whole percentage from 1 to 50/,
    );
  });

  it('fails when a linear step is smaller than 10%', () => {
    expect(build({ guardrails: { mode: 'linear', linearStepPercent: 5, waitIntervalSeconds: 300, alarms: { max5xxErrorRate: 0.01 } } })).toThrow(
      /guardrails\.linearStepPercent: got 5/,
    );
  });

  it('fails when a canary size is given for linear shifting', () => {
    expect(build({ guardrails: { mode: 'linear', canaryPercent: 10, waitIntervalSeconds: 300, alarms: { max5xxErrorRate: 0.01 } } })).toThrow(
      /guardrails\.canaryPercent: got 10; it only applies to mode 'canary'/,
    );
  });

  it('fails when the error rate is given as a percentage', () => {
    expect(build({ guardrails: { mode: 'canary', waitIntervalSeconds: 300, alarms: { max5xxErrorRate: 5 } } })).toThrow(
      /guardrails\.alarms\.max5xxErrorRate: got 5; expected a fraction/,
    );
  });

  it('fails when the time limit does not exceed the waiting time', () => {
    expect(
      build({ guardrails: { mode: 'canary', waitIntervalSeconds: 600, terminationWaitSeconds: 100, maximumExecutionTimeoutSeconds: 650, alarms: { max5xxErrorRate: 0.01 } } }),
    ).toThrow(/guardrails\.maximumExecutionTimeoutSeconds: got 650; it must exceed .* \(700\)/);
  });
});

describe('EndpointStack props', () => {
  it('fails when the longest stage would make a role name longer than 64 characters', () => {
    // GIVEN: the endpoint name (61 characters) fits, its role names (66) do not
    const props = { projectName: 'a'.repeat(30), projectId: 'p-abcdefghijkl', stageNames: ['staging', 'production-eu-1'] };
    // WHEN / THEN
    expect(build(props)).toThrow(/the role name of stage 'production-eu-1' has 66 characters, at most 64/);
    expect(build(props)).not.toThrow(/endpoint name/);
  });

  it('fails when a stage name is not usable in an endpoint name', () => {
    expect(build({ stageNames: ['staging', 'prod_eu'] })).toThrow(/stageNames: got "prod_eu"/);
  });

  it('fails when no stage is given', () => {
    expect(build({ stageNames: [] })).toThrow(/stageNames: got \[\]/);
  });

  it('fails when the stack is bound to one account, since one template serves every stage account', () => {
    expect(build({ env: { account: DUMMY_ACCOUNTS.staging, region: DUMMY_REGION } })).toThrow(/env: .*environment-agnostic/);
  });

  it('fails when a synthesizer is given, since the template must not need the CDK bootstrap', () => {
    expect(build({ synthesizer: new DefaultStackSynthesizer() })).toThrow(/synthesizer: .*leave it unset/);
  });

  it('fails when the test principal is not a role ARN, listing every problem at once', () => {
    expect(build({ testPrincipalArn: 'tester', modelRegistryAccount: '12345' })).toThrow(
      /modelRegistryAccount: got "12345".*\n- testPrincipalArn: got "tester"; expected an IAM role ARN/s,
    );
  });

  it('fails when the artifact key is an alias', () => {
    expect(build({ modelArtifactKeyArn: `arn:${PARTITION}:kms:${DUMMY_REGION}:${DUMMY_ACCOUNTS.source}:alias/models` })).toThrow(
      /modelArtifactKeyArn: .*not an alias/,
    );
  });
});

describe('EndpointStack cdk-nag', () => {
  it('is AwsSolutions clean by default', () => {
    const { app } = synth();
    expectNoNagFindings(app);
  });

  it('is AwsSolutions clean with a VPC, autoscaling and guardrails', () => {
    const { app } = synth(GUARDED);
    expectNoNagFindings(app);
  });

  it('is AwsSolutions clean with the VPC from SSM parameters and no data capture', () => {
    const { app } = synth({
      ...GUARDED,
      vpc: { subnetIdsParameterName: '/network/private-subnet-ids', securityGroupIdsParameterName: '/network/endpoint-sg-ids' },
      dataCapture: { enabled: false },
      modelArtifactKeyArn: undefined,
    });
    expectNoNagFindings(app);
  });
});
