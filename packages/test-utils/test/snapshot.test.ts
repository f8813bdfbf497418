import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, test } from 'vitest';
import {
  ASSET_HASH_MARKER,
  ASSETS_BUCKET_MARKER,
  assetHashSerializer,
  createTestApp,
  dummyEnv,
  normalizeAssetHashes,
  templateSnapshot,
} from '../src';

const HASH = 'a'.repeat(36) + '0123456789abcdef0123456789ab';

function functionStack(source: string, env?: ReturnType<typeof dummyEnv>): Stack {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'test-utils-asset-'));
  fs.writeFileSync(path.join(dir, 'index.js'), source);
  const stack = new Stack(createTestApp(), 'Functions', { env });
  new lambda.Function(stack, 'Handler', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(dir),
  });
  return stack;
}

function codeOf(template: Record<string, unknown>): unknown {
  const resources = Object.values(template.Resources as Record<string, { Type: string; Properties: { Code: unknown } }>);
  return resources.find((r) => r.Type === 'AWS::Lambda::Function')?.Properties.Code;
}

describe('templateSnapshot', () => {
  test('replaces the asset hash and the bootstrap bucket of a Lambda asset', () => {
    // GIVEN
    const stack = functionStack('exports.handler = async () => 1;', dummyEnv('tooling'));

    // WHEN
    const snapshot = templateSnapshot(stack);

    // THEN
    expect(codeOf(snapshot)).toEqual({ S3Bucket: ASSETS_BUCKET_MARKER, S3Key: `${ASSET_HASH_MARKER}.zip` });
  });

  test('replaces the Fn::Sub bucket name of an environment-agnostic stack', () => {
    // GIVEN
    const stack = functionStack('exports.handler = async () => 1;');

    // WHEN
    const snapshot = templateSnapshot(stack);

    // THEN
    expect(codeOf(snapshot)).toEqual({ S3Bucket: { 'Fn::Sub': ASSETS_BUCKET_MARKER }, S3Key: '[ASSET HASH].zip' });
  });

  test('does not change when only the asset contents change', () => {
    // WHEN
    const first = templateSnapshot(functionStack('exports.handler = async () => 1;'));
    const second = templateSnapshot(functionStack('exports.handler = async () => 2;'));

    // THEN
    expect(second).toEqual(first);
    expect(JSON.stringify(first)).not.toMatch(/[0-9a-f]{64}/);
  });
});

describe('normalizeAssetHashes', () => {
  test('rewrites hashes in object keys, nested values and S3 URLs, and leaves other values alone', () => {
    // WHEN
    const normalized = normalizeAssetHashes({
      [`${HASH}.zip`]: [`s3://cdk-mlops01-assets-111111111111-eu-west-1/${HASH}.zip`],
      image: `111111111111.dkr.ecr.eu-west-1.amazonaws.com/cdk-hnb659fds-container-assets-111111111111-eu-west-1:${HASH}`,
      count: 2,
      empty: null,
    });

    // THEN
    expect(normalized).toEqual({
      '[ASSET HASH].zip': ['s3://[ASSETS BUCKET]/[ASSET HASH].zip'],
      image: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/[ASSETS REPOSITORY]:[ASSET HASH]',
      count: 2,
      empty: null,
    });
  });
});

describe('assetHashSerializer', () => {
  test('handles only strings that contain an asset hash or bucket', () => {
    // WHEN / THEN
    expect(assetHashSerializer.test(`${HASH}.zip`)).toBe(true);
    expect(assetHashSerializer.test('cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}')).toBe(true);
    expect(assetHashSerializer.test('MyQueueE6CA6235')).toBe(false);
    expect(assetHashSerializer.test({ key: HASH })).toBe(false);
  });

  test('hands the rewritten string to the printer', () => {
    // GIVEN
    const printed: unknown[] = [];
    const printer = (value: unknown) => {
      printed.push(value);
      return `<${String(value)}>`;
    };

    // WHEN
    const out = assetHashSerializer.serialize(`${HASH}.zip`, {}, '', 0, [], printer);

    // THEN
    expect(out).toBe('<[ASSET HASH].zip>');
    expect(printed).toEqual(['[ASSET HASH].zip']);
  });

  test('plugs into expect.addSnapshotSerializer', () => {
    // GIVEN
    expect.addSnapshotSerializer(assetHashSerializer);

    // WHEN / THEN
    expect({ S3Key: `${HASH}.zip`, S3Bucket: 'cdk-hnb659fds-assets-111111111111-eu-west-1' }).toMatchInlineSnapshot(`
      {
        "S3Bucket": "[ASSETS BUCKET]",
        "S3Key": "[ASSET HASH].zip",
      }
    `);
  });
});
