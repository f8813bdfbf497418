import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, test } from 'vitest';
import { assertNoRegistryWrites, MODEL_REGISTRY_WRITE_ACTIONS, modelPackageGroupPolicy } from '../src';

const TOOLING = '111111111111';
const STAGING = '333333333333';
const PROD = '444444444444';

const BASE = {
  groupName: 'churn-model',
  groupAccount: TOOLING,
  region: 'eu-west-1',
  partition: 'aws',
  consumerAccounts: [STAGING, PROD],
};

describe('modelPackageGroupPolicy', () => {
  test('gives consumer roots exactly describe on the group and read + CreateModel on its versions', () => {
    // WHEN
    const doc = modelPackageGroupPolicy(BASE);

    // THEN
    const principal = { AWS: ['arn:aws:iam::333333333333:root', 'arn:aws:iam::444444444444:root'] };
    expect(doc.toJSON()).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ConsumersDescribeModelPackageGroup',
          Effect: 'Allow',
          Principal: principal,
          Action: 'sagemaker:DescribeModelPackageGroup',
          Resource: 'arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/churn-model',
        },
        {
          Sid: 'ConsumersReadModelPackages',
          Effect: 'Allow',
          Principal: principal,
          Action: ['sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages', 'sagemaker:CreateModel'],
          Resource: 'arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn-model/*',
        },
      ],
    });
  });

  test('builds every ARN in the given partition', () => {
    // WHEN
    const json = JSON.stringify(
      modelPackageGroupPolicy({ ...BASE, partition: 'aws-cn', region: 'cn-north-1', consumerAccounts: [STAGING] }).toJSON(),
    );

    // THEN
    expect(json).toContain('"arn:aws-cn:iam::333333333333:root"');
    expect(json).toContain('"arn:aws-cn:sagemaker:cn-north-1:111111111111:model-package-group/churn-model"');
    expect(json).toContain('"arn:aws-cn:sagemaker:cn-north-1:111111111111:model-package/churn-model/*"');
    expect(json).not.toContain('arn:aws:');
  });

  test('leaves out CreateModel when it is not allowed, and lists a repeated account once', () => {
    // WHEN
    const json = modelPackageGroupPolicy({ ...BASE, consumerAccounts: [STAGING, STAGING], allowCreateModel: false }).toJSON();

    // THEN
    expect(json.Statement[1].Action).toEqual(['sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages']);
    expect(json.Statement[1].Principal).toEqual({ AWS: 'arn:aws:iam::333333333333:root' });
  });

  test('never grants a registry write action', () => {
    // WHEN
    const doc = modelPackageGroupPolicy(BASE);

    // THEN
    expect(() => assertNoRegistryWrites(doc)).not.toThrow();
    const actions = doc.toJSON().Statement.flatMap((s: { Action: string | string[] }) => s.Action);
    expect(actions).not.toContain('sagemaker:UpdateModelPackage');
  });

  test('fails when there is no consumer account', () => {
    // WHEN / THEN
    expect(() => modelPackageGroupPolicy({ ...BASE, consumerAccounts: [] })).toThrow(
      'consumerAccounts must not be empty: list the accounts that read this registry.',
    );
  });

  test('fails when a consumer account is not 12 digits', () => {
    // WHEN / THEN
    expect(() => modelPackageGroupPolicy({ ...BASE, consumerAccounts: [STAGING, 'prod'] })).toThrow(
      "consumerAccounts[1] must be a 12-digit AWS account id, got 'prod'.",
    );
  });

  test('fails when the group name is not a SageMaker name', () => {
    // WHEN / THEN
    expect(() => modelPackageGroupPolicy({ ...BASE, groupName: 'churn_model' })).toThrow(/groupName must be 1 to 63/);
  });
});

describe('assertNoRegistryWrites', () => {
  function docWith(...statements: iam.PolicyStatement[]): iam.PolicyDocument {
    return new iam.PolicyDocument({ statements });
  }
  const consumer = new iam.ArnPrincipal('arn:aws:iam::333333333333:root');

  test('fails when a statement grants UpdateModelPackage, naming the statement and action', () => {
    // GIVEN
    const doc = docWith(
      new iam.PolicyStatement({
        sid: 'Promote',
        principals: [consumer],
        actions: ['sagemaker:DescribeModelPackage', 'sagemaker:UpdateModelPackage'],
        resources: ['*'],
      }),
    );

    // WHEN / THEN
    expect(() => assertNoRegistryWrites(doc)).toThrow(
      'The policy grants model registry write actions, which consumer accounts must never hold: ' +
        "statement 'Promote' grants sagemaker:UpdateModelPackage.",
    );
  });

  test.each(['sagemaker:*', '*', 'sagemaker:Update*', 'SageMaker:*ModelPackage*', 'sagemaker:deletemodelpackagegroup'])(
    'fails when the action %j can grant a registry write',
    (action) => {
      // GIVEN
      const doc = docWith(new iam.PolicyStatement({ principals: [consumer], actions: [action], resources: ['*'] }));

      // WHEN / THEN
      expect(() => assertNoRegistryWrites(doc)).toThrow(/statement #0 grants/);
    },
  );

  test('fails when an Allow with NotAction leaves write actions granted', () => {
    // GIVEN
    const doc = { Statement: { Effect: 'Allow', NotAction: ['sagemaker:Delete*'], Resource: '*' } };

    // WHEN / THEN
    expect(() => assertNoRegistryWrites(doc)).toThrow(
      'statement #0 grants sagemaker:CreateModelPackage, sagemaker:CreateModelPackageGroup, ' +
        'sagemaker:UpdateModelPackage, sagemaker:PutModelPackageGroupPolicy through NotAction.',
    );
  });

  test('accepts CreateModel, other services and Deny statements', () => {
    // GIVEN
    const doc = docWith(
      new iam.PolicyStatement({ actions: ['sagemaker:CreateModel', 'sagemaker:Describe*', 's3:PutObject'], resources: ['*'] }),
      new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['sagemaker:*'], resources: ['*'] }),
    );

    // WHEN / THEN
    expect(() => assertNoRegistryWrites(doc)).not.toThrow();
  });

  test('lists the write actions it guards against', () => {
    // THEN
    expect(MODEL_REGISTRY_WRITE_ACTIONS).toContain('sagemaker:UpdateModelPackage');
    expect(MODEL_REGISTRY_WRITE_ACTIONS).not.toContain('sagemaker:CreateModel');
  });
});
