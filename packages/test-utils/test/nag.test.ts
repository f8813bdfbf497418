import { type App, Aspects, type IAspect, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, test } from 'vitest';
import { createTestApp, dummyEnv, expectNoNagFindings, nagFindings } from '../src';

function compliantStack(): Stack {
  const stack = new Stack(createTestApp(), 'Compliant', { env: dummyEnv('tooling') });
  new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return stack;
}

function nonCompliantStack(): { stack: Stack; queue: sqs.Queue; role: iam.Role } {
  const stack = new Stack(createTestApp(), 'NonCompliant', { env: dummyEnv('tooling') });
  const queue = new sqs.Queue(stack, 'Queue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['*'], resources: [queue.queueArn] }));
  return { stack, queue, role };
}

describe('nagFindings', () => {
  test('returns nothing for a compliant stack', () => {
    // GIVEN
    const stack = compliantStack();

    // WHEN / THEN
    expect(nagFindings(stack)).toEqual([]);
  });

  test('reports each unacknowledged AwsSolutions violation with its rule, severity, resources and message', () => {
    // GIVEN
    const { stack } = nonCompliantStack();

    // WHEN
    const findings = nagFindings(stack);

    // THEN
    expect(findings.map((f) => f.rule)).toEqual([
      'AwsSolutions-SQS2',
      'AwsSolutions-SQS3',
      'AwsSolutions-SQS4',
      'AwsSolutions-IAM5[Action::*]',
    ]);
    expect(findings[0]).toEqual({
      rule: 'AwsSolutions-SQS2',
      severity: 'error',
      resources: ['NonCompliant/Queue/Resource'],
      message: 'The SQS Queue does not have server-side encryption enabled.',
    });
    expect(findings[3].resources).toEqual(['NonCompliant/Role/DefaultPolicy/Resource']);
  });

  test('an acknowledgement on the resource removes exactly that finding', () => {
    // GIVEN
    const { stack, queue } = nonCompliantStack();
    const before = nagFindings(stack).map((f) => f.rule);

    // WHEN
    Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'This queue is itself a dead-letter queue.' });

    // THEN
    const after = nagFindings(stack).map((f) => f.rule);
    expect(before.filter((rule) => !after.includes(rule))).toEqual(['AwsSolutions-SQS3']);
    expect(after).toHaveLength(before.length - 1);
  });

  test('an acknowledgement of one granular finding leaves the other rules', () => {
    // GIVEN
    const { stack, role } = nonCompliantStack();

    // WHEN
    Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Action::*]', reason: 'Test of a granular id.' });

    // THEN
    expect(nagFindings(stack).map((f) => f.rule)).toEqual(['AwsSolutions-SQS2', 'AwsSolutions-SQS3', 'AwsSolutions-SQS4']);
  });

  test('only looks under the given scope', () => {
    // GIVEN
    const { stack } = nonCompliantStack();
    const other = new Stack(stack.node.root as App, 'Other', { env: dummyEnv('staging') });
    new sqs.Queue(other, 'Queue', { encryption: sqs.QueueEncryption.UNENCRYPTED });

    // WHEN
    const resources = nagFindings(other).flatMap((f) => f.resources);

    // THEN
    expect(resources.length).toBeGreaterThan(0);
    resources.forEach((resource) => expect(resource).toMatch(/^Other\//));
  });

  test('sees the tree after aspects have run', () => {
    // GIVEN
    const stack = compliantStack();
    const addsWildcardPolicy: IAspect = {
      visit(node: IConstruct) {
        if (node instanceof iam.Role) {
          node.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['*'], resources: [node.roleArn] }));
        }
      },
    };
    Aspects.of(stack).add(addsWildcardPolicy);

    // WHEN
    const findings = nagFindings(stack);

    // THEN
    expect(findings.map((f) => f.rule)).toEqual(['AwsSolutions-IAM5[Action::*]']);
  });

  test('runs another rule pack when given one', () => {
    // GIVEN
    const { stack } = nonCompliantStack();

    // WHEN
    const findings = nagFindings(stack, { pack: new ServerlessChecks() });

    // THEN
    expect(findings.length).toBeGreaterThan(0);
    findings.forEach((f) => expect(f.rule).toMatch(/^Serverless-/));
  });
});

describe('expectNoNagFindings', () => {
  test('passes for a compliant stack', () => {
    // GIVEN
    const stack = compliantStack();

    // WHEN / THEN
    expect(() => expectNoNagFindings(stack)).not.toThrow();
  });

  test('fails when a stack has findings, listing every rule, resource and message', () => {
    // GIVEN
    const { stack } = nonCompliantStack();

    // WHEN / THEN
    expect(() => expectNoNagFindings(stack)).toThrow(
      [
        "4 unacknowledged cdk-nag finding(s) under 'NonCompliant':",
        '  AwsSolutions-SQS2 (error) on NonCompliant/Queue/Resource: The SQS Queue does not have server-side encryption enabled.',
        '  AwsSolutions-SQS3 (error) on NonCompliant/Queue/Resource: The SQS queue is not used as a dead-letter queue (DLQ) and does not have a DLQ enabled.',
        '  AwsSolutions-SQS4 (error) on NonCompliant/Queue/Resource: The SQS queue does not require requests to use SSL.',
        '  AwsSolutions-IAM5[Action::*] (error) on NonCompliant/Role/DefaultPolicy/Resource: The IAM entity contains wildcard permissions and does not have a cdk-nag rule suppression with evidence for those permission.',
        "Fix the resource, or acknowledge that one finding on that one resource with Validations.of(construct).acknowledge({ id: '<rule>', reason: '<why>' }).",
      ].join('\n'),
    );
  });

  test('passes once every finding is acknowledged', () => {
    // GIVEN
    const { stack, queue, role } = nonCompliantStack();

    // WHEN
    for (const id of ['AwsSolutions-SQS2', 'AwsSolutions-SQS3', 'AwsSolutions-SQS4']) {
      Validations.of(queue).acknowledge({ id, reason: 'Test queue.' });
    }
    Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Action::*]', reason: 'Test role.' });

    // THEN
    expect(() => expectNoNagFindings(stack)).not.toThrow();
  });
});
