import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DUMMY_ACCOUNTS, DUMMY_REGION, expectNoNagFindings } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { CONNECTION_ARN, MULTI_ACCOUNT, synth } from './fixtures';

/** The template inside the asset the pipeline's EndpointTemplate source action fetches. */
function shippedTemplate(app: ReturnType<typeof synth>['app'], stack: ReturnType<typeof synth>['stack']) {
  const assembly = app.synth();
  const folder = join(assembly.directory, stack.template.asset.assetPath);
  return { files: readdirSync(folder), template: JSON.parse(readFileSync(join(folder, stack.template.templateFile), 'utf8')) };
}

describe('the endpoint template shipped to the pipeline', () => {
  const { app, stack } = synth(MULTI_ACCOUNT);
  const { files, template } = shippedTemplate(app, stack);

  it('is a zip of exactly the EndpointStack template, fetched by the EndpointTemplate source action', () => {
    expect(files).toEqual([stack.template.templateFile]);
    const pipeline = Object.values(Template.fromStack(stack).findResources('AWS::CodePipeline::Pipeline'))[0] as any;
    const source = pipeline.Properties.Stages[0].Actions.find((a: any) => a.Name === 'EndpointTemplate');
    expect(source.Configuration.S3ObjectKey).toBe(`${stack.template.asset.assetHash}.zip`);
    expect(source.OutputArtifacts).toEqual([{ Name: 'Template' }]);
  });

  it('takes the parameters the build step writes, and needs no CDK bootstrap in the stage accounts', () => {
    expect(Object.keys(template.Parameters).sort()).toEqual(
      ['DataCaptureSamplingPercentage', 'InstanceCount', 'InstanceType', 'ModelPackageArn', 'StageName', 'VariantName'].sort(),
    );
    expect(template.Parameters.StageName.AllowedValues).toEqual(['staging', 'prod']);
    expect(template.Parameters.ModelPackageArn.AllowedPattern).toContain(DUMMY_ACCOUNTS.tooling);
    expect(template.Parameters.BootstrapVersion).toBeUndefined();
    expect(template.Rules).toBeUndefined();
    expect(JSON.stringify(template)).not.toContain('cdk-hnb659fds');
  });

  it('names the endpoint per project and stage, and lets only the fixed test project role assume its test role', () => {
    const t = Template.fromJSON(template);
    t.hasResourceProperties('AWS::SageMaker::Endpoint', { EndpointName: { 'Fn::Join': ['', ['churn-p-abc123def456-', { Ref: 'StageName' }]] } });
    expect(JSON.stringify(t.findResources('AWS::IAM::Role'))).toContain(`:iam::${DUMMY_ACCOUNTS.tooling}:role/churn-p-abc123def456-endpoint-tester`);
  });

  it('lets the execution role read the module\'s artifact bucket and decrypt through S3 in the registry region', () => {
    const t = Template.fromJSON(template);
    const policies = JSON.stringify({ ...t.findResources('AWS::IAM::Policy'), ...t.findResources('AWS::IAM::Role') });
    expect(policies).toContain(`sm-p-abc123def456-models-${DUMMY_ACCOUNTS.tooling}-${DUMMY_REGION}`);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'DecryptModelArtifactsViaS3',
            Action: 'kms:Decrypt',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:kms:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:key/*`]] },
            Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', [`s3.${DUMMY_REGION}.`, { Ref: 'AWS::URLSuffix' }]] } } },
          }),
        ]),
      },
    });
  });

  it('encrypts the endpoint volumes and captures data by default', () => {
    const t = Template.fromJSON(template);
    t.hasResourceProperties('AWS::SageMaker::EndpointConfig', { KmsKeyId: Match.anyValue(), DataCaptureConfig: Match.objectLike({ EnableCapture: true }) });
    expect(template.Parameters.DataCaptureSamplingPercentage.Default).toBe(100);
  });

  it('defaults the sampling percentage of each stage to the parameter, 0 included', () => {
    const zero = synth({ ...MULTI_ACCOUNT, data_capture_sampling_percentage: 0 });
    expect(shippedTemplate(zero.app, zero.stack).template.Parameters.DataCaptureSamplingPercentage.Default).toBe(0);
  });
});

describe('endpoint options flow into the template', () => {
  const { app, stack } = synth({
    ...MULTI_ACCOUNT,
    repository_type: 'codeconnections',
    code_connection_arn: CONNECTION_ARN,
    repository_owner_and_name: 'acme/churn-deploy',
    data_capture: false,
    vpc_subnet_ids_parameter: '/network/private-subnet-ids',
    vpc_security_group_ids_parameter: '/network/endpoint-sg-ids',
    autoscaling_min_capacity: 2,
    autoscaling_max_capacity: 8,
    autoscaling_target_invocations: 300,
    deployment_guardrail: 'linear',
    guardrail_linear_step_percent: 25,
    guardrail_wait_seconds: 120,
    guardrail_max_5xx_error_percent: 2,
    guardrail_max_latency_ms: 800,
  });
  const t = Template.fromJSON(shippedTemplate(app, stack).template);

  it('reads the VPC from SSM in each stage account', () => {
    expect(t.toJSON().Parameters.SubnetIds).toMatchObject({ Type: 'AWS::SSM::Parameter::Value<List<String>>', Default: '/network/private-subnet-ids' });
    t.hasResourceProperties('AWS::SageMaker::Model', { VpcConfig: Match.anyValue() });
  });

  it('scales on invocations per instance', () => {
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 8 });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 300 }),
    });
  });

  it('shifts traffic linearly and rolls back on the 5XX and latency alarms', () => {
    t.hasResourceProperties('AWS::SageMaker::Endpoint', {
      DeploymentConfig: Match.objectLike({
        BlueGreenUpdatePolicy: Match.objectLike({
          TrafficRoutingConfiguration: Match.objectLike({ Type: 'LINEAR', WaitIntervalInSeconds: 120, LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: 25 } }),
        }),
        AutoRollbackConfiguration: { Alarms: [Match.anyValue(), Match.anyValue()] },
      }),
    });
    t.resourceCountIs('AWS::CloudWatch::Alarm', 2);
  });

  it('captures no data when data capture is off', () => {
    const config = Object.values(t.findResources('AWS::SageMaker::EndpointConfig'))[0] as any;
    expect(config.Properties.DataCaptureConfig).toBeUndefined();
  });

  it('is cdk-nag AwsSolutions clean', () => expectNoNagFindings(app));
});
