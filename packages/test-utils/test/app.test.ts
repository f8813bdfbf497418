import * as fs from 'node:fs';
import * as path from 'node:path';
import { Annotations, App, FeatureFlags, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, test } from 'vitest';
import { createTestApp, dummyEnv } from '../src';

function queueStack(app: App): Stack {
  const stack = new Stack(app, 'Tooling', { env: dummyEnv('tooling') });
  new sqs.Queue(stack, 'Queue', { enforceSSL: true });
  return stack;
}

function warningTraces(app: App): unknown[] {
  const stack = queueStack(app);
  Annotations.of(stack).addWarningV2('test:warning', 'a warning records a stack trace when traces are on');
  return stack.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => m.trace);
}

describe('createTestApp', () => {
  test('records no construct stack traces', () => {
    // WHEN
    const withTestApp = warningTraces(createTestApp());
    const withDefaultApp = warningTraces(new App());

    // THEN
    expect(withTestApp).toEqual([undefined]);
    expect(withDefaultApp).toEqual([expect.any(Array)]);
  });

  test('writes no tree metadata into the cloud assembly', () => {
    // GIVEN
    const app = createTestApp();
    queueStack(app);

    // WHEN
    const assembly = app.synth();

    // THEN
    expect(assembly.tryGetArtifact('Tree')).toBeUndefined();
    expect(fs.existsSync(path.join(assembly.directory, 'tree.json'))).toBe(false);
  });

  test('passes the context, feature flags included, to every construct', () => {
    // GIVEN
    const app = createTestApp({ stage: 'staging', '@aws-cdk/aws-iam:minimizePolicies': true });

    // WHEN
    const stack = queueStack(app);

    // THEN
    expect(stack.node.tryGetContext('stage')).toBe('staging');
    expect(FeatureFlags.of(stack).isEnabled('@aws-cdk/aws-iam:minimizePolicies')).toBe(true);
    expect(FeatureFlags.of(queueStack(createTestApp())).isEnabled('@aws-cdk/aws-iam:minimizePolicies')).toBe(false);
  });

  test('synthesizes the same template twice, without CDK metadata resources', () => {
    // WHEN
    const first = Template.fromStack(queueStack(createTestApp())).toJSON();
    const second = Template.fromStack(queueStack(createTestApp())).toJSON();

    // THEN
    expect(second).toEqual(first);
    const types = Object.values(first.Resources).map((r) => (r as { Type: string }).Type);
    expect(types).toEqual(['AWS::SQS::Queue', 'AWS::SQS::QueuePolicy']);
  });
});
