import { describe, expect, it } from 'vitest';
import {
  BOOTSTRAP_POLICY_KINDS,
  BOOTSTRAP_POLICY_TYPES,
  CFN_RESOURCE_ACTIONS,
  DEPLOY_HANDLERS,
  executionPolicyDocument,
  HANDLER_PERMISSION_EXCLUSIONS,
  HANDLER_PERMISSIONS,
  handlerPermissionGaps,
  policyAllows,
} from '../src';

/** Types whose registry schema publishes no handlers: CFN_RESOURCE_ACTIONS is their only list. */
const WITHOUT_PUBLISHED_HANDLERS = ['AWS::CodeBuild::Project', 'AWS::SNS::Subscription'];
/** Lambda-backed custom resources: CloudFormation only invokes the function (lambda:InvokeFunction). */
const CUSTOM = 'Custom::*';

describe('the published handler permissions (CloudFormation registry schemas)', () => {
  it('cover every resource type of CFN_RESOURCE_ACTIONS, each with the repository, path and commit it was read from', () => {
    const types = Object.keys(CFN_RESOURCE_ACTIONS).filter((t) => t !== CUSTOM).sort();
    expect(Object.keys(HANDLER_PERMISSIONS).sort()).toEqual(types);
    for (const { source } of Object.values(HANDLER_PERMISSIONS)) {
      expect(source.repository).toMatch(/^[\w-]+\/[\w.-]+$/);
      expect(source.path).toMatch(/\.json$/);
      expect(source.commit).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it('lack handlers only for the legacy types, which say so', () => {
    const without = Object.entries(HANDLER_PERMISSIONS).filter(([, h]) => !h.handlers);
    expect(without.map(([t]) => t).sort()).toEqual(WITHOUT_PUBLISHED_HANDLERS);
    for (const [, h] of without) expect(h.note).toMatch(/no handlers/);
    for (const [type, h] of Object.entries(HANDLER_PERMISSIONS).filter(([, e]) => e.handlers)) {
      expect(h.handlers!.create?.length, type).toBeGreaterThan(0);
      expect(h.handlers!.delete?.length, type).toBeGreaterThan(0);
    }
  });

  it('are named service:Action (the schema text, transcribed)', () => {
    for (const h of Object.values(HANDLER_PERMISSIONS)) {
      for (const list of Object.values(h.handlers ?? {})) for (const action of list) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9.]+$/i);
    }
  });
});

describe('the deliberate exclusions', () => {
  it('each excludes handler permissions its type really lists, for a stated reason', () => {
    for (const [type, exclusions] of Object.entries(HANDLER_PERMISSION_EXCLUSIONS)) {
      const listed = new Set(DEPLOY_HANDLERS.flatMap((op) => HANDLER_PERMISSIONS[type]?.handlers?.[op] ?? []));
      for (const exclusion of exclusions) {
        expect(exclusion.reason.length, `${type}: ${exclusion.actions}`).toBeGreaterThan(10);
        for (const action of exclusion.actions) expect(listed.has(action), `${type} ${action}`).toBe(true);
      }
    }
  });

  it('stop holding when a resource sets the feature: a bucket with CORS, a topic with inline subscriptions', () => {
    const policy = executionPolicyDocument('endpoint');
    expect(handlerPermissionGaps([{ Type: 'AWS::S3::Bucket' }], policy).missing).toEqual({});
    expect(handlerPermissionGaps([{ Type: 'AWS::S3::Bucket', Properties: { CorsConfiguration: { CorsRules: [] } } }], policy).missing).toEqual({
      'AWS::S3::Bucket': ['s3:DeleteBucketCors', 's3:PutBucketCORS'],
    });
    expect(handlerPermissionGaps([{ Type: 'AWS::SNS::Topic', Properties: { Subscription: [{ Protocol: 'sqs', Endpoint: 'x' }] } }], policy).missing).toEqual({
      'AWS::SNS::Topic': ['sns:Subscribe', 'sns:Unsubscribe'],
    });
  });

  it('require the IAM actions that authorize API operation names instead (Amazon S3 API Reference: DeleteBucketEncryption needs s3:PutEncryptionConfiguration)', () => {
    const bucket = [{ Type: 'AWS::S3::Bucket' }];
    const update = HANDLER_PERMISSIONS['AWS::S3::Bucket'].handlers!.update!;
    const excluded = new Set(HANDLER_PERMISSION_EXCLUSIONS['AWS::S3::Bucket'].flatMap((e) => e.actions));
    const granted = update.filter((a) => !excluded.has(a));
    expect(handlerPermissionGaps(bucket, { Statement: [{ Effect: 'Allow', Action: granted }] }, { operations: ['update'] }).missing).toEqual({});
    const withoutEncryption = granted.filter((a) => a !== 's3:PutEncryptionConfiguration');
    expect(handlerPermissionGaps(bucket, { Statement: [{ Effect: 'Allow', Action: withoutEncryption }] }, { operations: ['update'] }).missing).toEqual({
      'AWS::S3::Bucket': ['s3:PutEncryptionConfiguration'],
    });
  });
});

describe('handlerPermissionGaps', () => {
  it('counts wildcard action patterns (sagemaker:Describe*), case-insensitively, and ignores Deny statements', () => {
    const allows = policyAllows({ Statement: [{ Effect: 'Allow', Action: 'sagemaker:Describe*' }, { Effect: 'Deny', Action: 'sagemaker:CreateModelPackageGroup' }] });
    expect(allows('sagemaker:DescribeModelPackageGroup')).toBe(true);
    expect(allows('SageMaker:describemodelpackagegroup')).toBe(true);
    expect(allows('sagemaker:CreateModelPackageGroup')).toBe(false);
    const gaps = handlerPermissionGaps([{ Type: 'AWS::SageMaker::ModelPackageGroup' }, { Type: 'AWS::CodeBuild::Project' }], {
      Statement: [{ Effect: 'Allow', Action: ['sagemaker:Describe*', 'sagemaker:*ModelPackageGroup*', 'sagemaker:AddTags', 'sagemaker:DeleteTags'] }],
    });
    expect(gaps).toEqual({ withoutHandlers: ['AWS::CodeBuild::Project'], missing: { 'AWS::SageMaker::ModelPackageGroup': ['sagemaker:ListTags'] } });
  });
});

describe('the bootstrap execution policies (docs/bootstrap/*.json, the generated documents)', () => {
  for (const kind of BOOTSTRAP_POLICY_KINDS) {
    it(`${kind}: allows every create, update and delete handler permission of every type it covers, exclusions aside`, () => {
      const types = BOOTSTRAP_POLICY_TYPES[kind];
      const gaps = handlerPermissionGaps(types.map((Type) => ({ Type })), executionPolicyDocument(kind));
      expect(gaps.missing).toEqual({});
      expect(gaps.withoutHandlers).toEqual(types.filter((t) => t === CUSTOM || WITHOUT_PUBLISHED_HANDLERS.includes(t)));
    });

    // "IAM and AWS STS quotas", IAM User Guide: a managed policy holds at most 6,144 characters, whitespace not counted.
    it(`${kind}: fits the 6,144 characters of a managed policy`, () => {
      expect(JSON.stringify(executionPolicyDocument(kind)).replace(/\s/g, '').length).toBeLessThanOrEqual(6144);
    });
  }
});
