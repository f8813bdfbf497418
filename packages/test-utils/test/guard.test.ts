import { App, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { createTestApp, expectNoGuardFindings, guardFindings } from '../src';

const OBJECT_LOCK = 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check';

/** Two plain buckets: each fails several Control Tower controls, among them CT.S3.PR.9 (object lock). */
function twoBuckets(app: App | Stage = createTestApp()) {
  const stack = new Stack(app, 'Test');
  const a = new s3.CfnBucket(stack, 'A');
  const b = new s3.CfnBucket(stack, 'B');
  return { app, stack, a, b };
}

describe('guardFindings', () => {
  it('reports the guard rule name, namespaced by the plugin, with the Control Tower id and the construct path', () => {
    // GIVEN
    const { app } = twoBuckets();
    // WHEN
    const lock = guardFindings(app).find((f) => f.id === OBJECT_LOCK);
    // THEN
    expect(lock).toMatchObject({ control: 'CT.S3.PR.9', resources: ['Test/A', 'Test/B'] });
  });

  it('drops exactly the one resource an acknowledgement of that id is on', () => {
    // GIVEN
    const { app, a } = twoBuckets();
    // WHEN
    Validations.of(a).acknowledge({ id: OBJECT_LOCK, reason: 'test' });
    // THEN
    const findings = guardFindings(app);
    expect(findings.find((f) => f.id === OBJECT_LOCK)?.resources).toEqual(['Test/B']);
    // Every other control still fails on A.
    expect(findings.filter((f) => f.resources.includes('Test/A')).length).toBeGreaterThan(1);
  });

  it('checks the stacks of nested stages', () => {
    // GIVEN
    const app = createTestApp();
    twoBuckets(new Stage(app, 'Nested'));
    // WHEN / THEN
    expect(guardFindings(app).find((f) => f.id === OBJECT_LOCK)?.resources).toEqual(['Nested/Test/A', 'Nested/Test/B']);
  });

  it('fails when a finding is not acknowledged, naming the id and the resource', () => {
    const { app } = twoBuckets();
    expect(() => expectNoGuardFindings(app)).toThrow(/cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check \(CT\.S3\.PR\.9\) on Test\/A/);
  });
});
