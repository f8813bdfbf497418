import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { describe, expect, test } from 'vitest';
import { crossAccountKmsStatements, grantKeyUseTo } from '../src';

const TOOLING = '111111111111';
const STAGING = '333333333333';
const PROD = '444444444444';

function toolingStack(): Stack {
  return new Stack(new App(), 'Tooling', { env: { account: TOOLING, region: 'eu-west-1' } });
}

describe('crossAccountKmsStatements', () => {
  test('lets the account roots decrypt only through the given services, from their own accounts', () => {
    // GIVEN
    const stack = toolingStack();

    // WHEN
    const statements = crossAccountKmsStatements({
      accounts: [STAGING, PROD],
      region: 'eu-west-1',
      viaServices: ['s3', 'sagemaker'],
      usage: 'decrypt',
      urlSuffix: 'amazonaws.com',
    });

    // THEN
    expect(statements).toHaveLength(1);
    expect(stack.resolve(statements[0].toStatementJson())).toEqual({
      Sid: 'CrossAccountKeyUseViaServices',
      Effect: 'Allow',
      Principal: {
        AWS: [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::333333333333:root']] },
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::444444444444:root']] },
        ],
      },
      Action: ['kms:Decrypt', 'kms:DescribeKey'],
      Resource: '*',
      Condition: {
        StringEquals: {
          'kms:ViaService': ['s3.eu-west-1.amazonaws.com', 'sagemaker.eu-west-1.amazonaws.com'],
          'kms:CallerAccount': [STAGING, PROD],
        },
      },
    });
  });

  test('adds the encrypt actions for encrypt-decrypt', () => {
    // WHEN
    const [statement] = crossAccountKmsStatements({
      accounts: [STAGING],
      region: 'eu-west-1',
      viaServices: ['s3'],
      usage: 'encrypt-decrypt',
    });

    // THEN
    expect(statement.toStatementJson().Action).toEqual([
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:Encrypt',
      'kms:ReEncrypt*',
      'kms:GenerateDataKey*',
    ]);
  });

  test('names the service endpoints with the deploy-time URL suffix by default, so China regions work', () => {
    // GIVEN
    const stack = new Stack(new App(), 'China', { env: { account: TOOLING, region: 'cn-north-1' } });
    const key = new kms.Key(stack, 'Key');

    // WHEN
    for (const statement of crossAccountKmsStatements({
      accounts: [STAGING],
      region: 'cn-north-1',
      viaServices: ['s3'],
      usage: 'decrypt',
    })) {
      key.addToResourcePolicy(statement);
    }

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CrossAccountKeyUseViaServices',
            Condition: {
              StringEquals: {
                'kms:ViaService': [{ 'Fn::Join': ['', ['s3.cn-north-1.', { Ref: 'AWS::URLSuffix' }]] }],
                'kms:CallerAccount': [STAGING],
              },
            },
          }),
        ]),
      },
    });
  });

  test('fails when no service is named', () => {
    // WHEN / THEN
    expect(() =>
      crossAccountKmsStatements({ accounts: [STAGING], region: 'eu-west-1', viaServices: [], usage: 'decrypt' }),
    ).toThrow("viaServices must not be empty: name the services the key is used through, e.g. ['s3', 'sagemaker'].");
  });

  test('fails when a service is a hostname instead of a prefix', () => {
    // WHEN / THEN
    expect(() =>
      crossAccountKmsStatements({
        accounts: [STAGING],
        region: 'eu-west-1',
        viaServices: ['s3.eu-west-1.amazonaws.com'],
        usage: 'decrypt',
      }),
    ).toThrow(/viaServices entries must be service prefixes/);
  });

  test('fails when there is no account', () => {
    // WHEN / THEN
    expect(() =>
      crossAccountKmsStatements({ accounts: [], region: 'eu-west-1', viaServices: ['s3'], usage: 'decrypt' }),
    ).toThrow('accounts must not be empty: list the accounts that use the key.');
  });
});

describe('grantKeyUseTo', () => {
  test('gives a consumer role an identity policy on the key ARN, restricted to the services', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Staging', { env: { account: STAGING, region: 'eu-west-1' } });
    const keyArn = `arn:aws:kms:eu-west-1:${TOOLING}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const key = kms.Key.fromKeyArn(stack, 'ToolingKey', keyArn);
    const role = new iam.Role(stack, 'ModelRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });

    // WHEN
    const grant = grantKeyUseTo(key, role, { usage: 'decrypt', viaServices: ['s3'], urlSuffix: 'amazonaws.com' });

    // THEN
    expect(grant.success).toBe(true);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['kms:Decrypt', 'kms:DescribeKey'],
            Resource: keyArn,
            Condition: { StringEquals: { 'kms:ViaService': ['s3.eu-west-1.amazonaws.com'] } },
          },
        ],
      },
    });
  });
});
