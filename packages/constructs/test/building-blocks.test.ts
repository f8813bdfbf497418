import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, dummyEnv } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { BundledTool, EncryptionKey, SecureBucket } from '../src';

function toolDir() {
  const dir = mkdtempSync(join(tmpdir(), 'tool-'));
  writeFileSync(join(dir, 'index.cjs'), 'console.log("tool")');
  return dir;
}

describe('EncryptionKey', () => {
  it('rotates and is retained by default', () => {
    const app = createTestApp();
    const stack = new Stack(app, 'Test', { env: dummyEnv('tooling') });
    new EncryptionKey(stack, 'Key', { description: 'test key' });
    Template.fromStack(stack).hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ EnableKeyRotation: true, Description: 'test key' }),
    });
  });
});

describe('BundledTool', () => {
  function pipelineWithTool(args: string[] = ['promote']) {
    const app = createTestApp();
    const stack = new Stack(app, 'Test', { env: dummyEnv('tooling') });
    const key = new EncryptionKey(stack, 'Key', { description: 'pipeline', retainOnDelete: false }).key;
    const tool = new BundledTool(stack, 'Tool', { bundleDir: toolDir() });
    const project = tool.project('Run', {
      encryptionKey: key,
      args,
      timeout: Duration.minutes(30),
      environmentVariables: { GROUP: { value: 'churn' } },
      reports: { StagingTests: { files: ['report.xml'], fileFormat: 'JUNITXML' } },
    });
    const source = new codepipeline.Artifact('Tool');
    new codepipeline.Pipeline(stack, 'Pipeline', {
      artifactBucket: new SecureBucket(stack, 'Artifacts', { encryptionKey: key }).bucket,
      stages: [
        { stageName: 'Source', actions: [tool.sourceAction(source)] },
        { stageName: 'Run', actions: [new actions.CodeBuildAction({ actionName: 'Run', project, input: source })] },
      ],
    });
    return { app, stack, template: Template.fromStack(stack) };
  }

  it('runs the bundle with node 22 and installs nothing', () => {
    const { template } = pipelineWithTool(['promote', '--verbose']);
    const project = Object.values(template.findResources('AWS::CodeBuild::Project'))[0];
    const spec = JSON.parse(project.Properties.Source.BuildSpec);
    expect(spec.phases.install).toEqual({ 'runtime-versions': { nodejs: 22 } });
    expect(spec.phases.build.commands).toEqual(['node ./index.cjs promote --verbose']);
    expect(JSON.stringify(spec)).not.toMatch(/npm (ci|install)|pip install/);
    expect(spec.reports).toEqual({ StagingTests: { files: ['report.xml'], 'file-format': 'JUNITXML' } });
    expect(project.Properties).toMatchObject({ EncryptionKey: expect.anything(), TimeoutInMinutes: 30 });
    expect(project.Properties.Environment).toMatchObject({ PrivilegedMode: false, EnvironmentVariables: [{ Name: 'GROUP', Value: 'churn' }] });
  });

  it('fetches the bundle with a source action that never polls', () => {
    const { template } = pipelineWithTool();
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Stages: Match.arrayWith([
        Match.objectLike({
          Name: 'Source',
          Actions: [Match.objectLike({ ActionTypeId: Match.objectLike({ Provider: 'S3' }), Configuration: Match.objectLike({ PollForSourceChanges: false }) })],
        }),
      ]),
    });
  });

  it('exports the variables the tool writes, for later actions', () => {
    const app = createTestApp();
    const stack = new Stack(app, 'Test', { env: dummyEnv('tooling') });
    const key = new EncryptionKey(stack, 'Key', { description: 'k' }).key;
    const project = new BundledTool(stack, 'Tool', { bundleDir: toolDir() }).project('Run', {
      encryptionKey: key,
      exportedVariables: { names: ['MODEL_PACKAGE_ARN'], file: 'out/vars.env' },
      outputFiles: ['*.json'],
      outputBaseDirectory: 'out',
    });
    const spec = JSON.parse(Template.fromStack(stack).findResources('AWS::CodeBuild::Project')[stack.getLogicalId(project.node.defaultChild as any)].Properties.Source.BuildSpec);
    expect(spec.env).toEqual({ 'exported-variables': ['MODEL_PACKAGE_ARN'] });
    expect(spec.phases.build.commands).toEqual(['node ./index.cjs', '. ./out/vars.env']);
    expect(spec.artifacts).toEqual({ 'base-directory': 'out', files: ['*.json'] });
  });

  it('runs the bundle from a secondary input when the primary input is a repository', () => {
    const app = createTestApp();
    const stack = new Stack(app, 'Test', { env: dummyEnv('tooling') });
    const key = new EncryptionKey(stack, 'Key', { description: 'k' }).key;
    const project = new BundledTool(stack, 'Tool', { bundleDir: toolDir() }).project('Run', { encryptionKey: key, toolInput: 'Tool' });
    const spec = JSON.parse(Template.fromStack(stack).findResources('AWS::CodeBuild::Project')[stack.getLogicalId(project.node.defaultChild as any)].Properties.Source.BuildSpec);
    expect(spec.phases.build.commands).toEqual(['node "$CODEBUILD_SRC_DIR_Tool"/index.cjs']);
  });
});
