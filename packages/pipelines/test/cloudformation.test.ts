import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintTemplates } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { batchInferencePipeline, renderForCloudFormation } from '../src';

/** A template with the pipeline as AWS::SageMaker::Pipeline, its account-specific values from parameters and resources. */
function template(definitionBody: unknown) {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Parameters: {
      ArtifactBucket: { Type: 'String' },
      ModelPackageGroupName: { Type: 'String' },
    },
    Resources: {
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        },
      },
      Pipeline: {
        Type: 'AWS::SageMaker::Pipeline',
        Properties: {
          PipelineName: 'batch-inference',
          RoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] },
          PipelineDefinition: { PipelineDefinitionBody: definitionBody },
        },
      },
    },
  };
}

function write(body: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-cfn-'));
  writeFileSync(join(dir, 'Pipeline.template.json'), JSON.stringify(template(body)));
  return dir;
}

describe('the definition rendered for CloudFormation', () => {
  const pipeline = batchInferencePipeline({ region: 'eu-west-1' });
  const value = renderForCloudFormation(pipeline, {
    SageMakerRoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] },
    ArtifactBucket: { Ref: 'ArtifactBucket' },
    ModelPackageGroupName: { Ref: 'ModelPackageGroupName' },
  });

  it('is cfn-lint clean as AWS::SageMaker::Pipeline PipelineDefinitionBody; unescaped, a literal ${ fails (E1019), which is why ${! is written', async () => {
    // GIVEN the rendered value, and the same with one literal ${ left unescaped
    const [body, variables] = value['Fn::Sub'];
    const clean = join(write(value), 'Pipeline.template.json');
    const unescaped = join(write({ 'Fn::Sub': [body.replace('"Version":"2020-12-01"', '"Version":"2020-12-01","Note":"${cents}"'), variables] }), 'Pipeline.template.json');

    // WHEN both are linted (one cfn-lint run)
    const result = await lintTemplates([clean, unescaped], ['eu-west-1', 'us-east-1']);
    if (result.skipped) return;

    // THEN
    const findings = [...result.errors, ...result.warnings];
    expect(findings.filter((f) => f.file === clean)).toEqual([]);
    expect(findings.filter((f) => f.file === unescaped).map((f) => f.rule)).toContain('E1019');
  });
});
