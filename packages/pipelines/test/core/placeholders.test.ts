import { describe, expect, it } from 'vitest';
import { DUMMY_ACCOUNTS } from '@sagemaker-mlops/test-utils';
import { FailStep, ParameterString, Pipeline, Placeholder, ProcessingStep, renderDefinition, renderForCloudFormation } from '../../src';

function pipelineWithPlaceholders() {
  const role = Placeholder.of('RoleArn');
  const bucket = Placeholder.of('Bucket');
  return new Pipeline({
    name: 'p',
    parameters: [new ParameterString('Note', { defaultValue: 'costs ${cents}' })],
    steps: [
      new ProcessingStep({
        name: 'A',
        role,
        imageUri: 'image',
        instanceType: 'ml.m5.large',
        instanceCount: 1,
        volumeKmsKeyId: Placeholder.of('KmsKeyId'),
        vpc: { subnets: [Placeholder.of('SubnetA')], securityGroupIds: [Placeholder.of('SecurityGroup')] },
        outputs: [{ name: 'o', source: '/opt/ml/processing/o', destination: `s3://${bucket}/output` }],
      }),
    ],
  });
}

describe('account-specific values', () => {
  it('renders for CloudFormation as Fn::Sub variables, escaping literal ${ as ${! (CloudFormation Template Reference, Fn::Sub)', () => {
    // WHEN
    const value = renderForCloudFormation(pipelineWithPlaceholders(), {
      RoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] },
      Bucket: { Ref: 'Bucket' },
      KmsKeyId: { Ref: 'Key' },
      SubnetA: 'subnet-1',
      SecurityGroup: 'sg-1',
    });

    // THEN
    const [body, variables] = value['Fn::Sub'];
    expect(Object.keys(variables).sort()).toEqual(['Bucket', 'KmsKeyId', 'RoleArn', 'SecurityGroup', 'SubnetA']);
    expect(body).toContain('"RoleArn":"${RoleArn}"');
    expect(body).toContain('"S3Uri":"s3://${Bucket}/output"');
    expect(body).toContain('"VolumeKmsKeyId":"${KmsKeyId}"');
    expect(body).toContain('"NetworkConfig":{"VpcConfig":{"SecurityGroupIds":["${SecurityGroup}"],"Subnets":["${SubnetA}"]}}');
    expect(body).toContain('"DefaultValue":"costs ${!cents}"');
    // What Fn::Sub gives back is the definition with the values in it.
    const substituted = body.replace(/\$\{([A-Za-z0-9]+)\}/g, (_, n) => `<${n}>`).split('${!').join('${');
    expect(JSON.parse(substituted).Parameters[0].DefaultValue).toBe('costs ${cents}');
  });

  it('renders for the API with substitutions, one definition for every account (staging, prod)', () => {
    const values = (account: string) => ({
      RoleArn: `arn:aws:iam::${account}:role/pipeline`,
      Bucket: `artifacts-${account}`,
      KmsKeyId: 'alias/k',
      SubnetA: 'subnet-1',
      SecurityGroup: 'sg-1',
    });
    const pipeline = pipelineWithPlaceholders();
    const dev = JSON.parse(renderDefinition(pipeline, { substitutions: values(DUMMY_ACCOUNTS.staging) }));
    const prod = JSON.parse(renderDefinition(pipeline, { substitutions: values(DUMMY_ACCOUNTS.prod) }));
    expect(dev.Steps[0].Arguments.RoleArn).toBe(`arn:aws:iam::${DUMMY_ACCOUNTS.staging}:role/pipeline`);
    expect(prod.Steps[0].Arguments.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri).toBe(`s3://artifacts-${DUMMY_ACCOUNTS.prod}/output`);
  });

  it('fails when a placeholder has no value, or a value has no placeholder', () => {
    const pipeline = pipelineWithPlaceholders();
    expect(() => pipeline.render()).toThrowError('Pipeline p: no value for the placeholder(s) Bucket, KmsKeyId, RoleArn, SecurityGroup, SubnetA');
    expect(() => renderDefinition(pipeline, { substitutions: { RoleArn: 'r' } })).toThrowError(/no value for the placeholder\(s\) Bucket, KmsKeyId, SecurityGroup, SubnetA/);
    const simple = new Pipeline({ name: 'p', steps: [new FailStep({ name: 'F', errorMessage: 'x' })] });
    expect(() => renderForCloudFormation(simple, { Extra: 'x' })).toThrowError('Pipeline p: the definition has no placeholder Extra');
    expect(() => Placeholder.of('has-hyphen')).toThrowError(/letters and digits/);
  });
});
