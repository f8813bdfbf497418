import { describe, expect, it } from 'vitest';
import { parseModelPackageGroupArn } from '../../src/model-registry/arn';

describe('parseModelPackageGroupArn', () => {
  it('splits a group ARN into partition, region, account and name', () => {
    expect(parseModelPackageGroupArn('arn:aws-cn:sagemaker:cn-north-1:444444444444:model-package-group/churn-v2')).toEqual({
      arn: 'arn:aws-cn:sagemaker:cn-north-1:444444444444:model-package-group/churn-v2',
      partition: 'aws-cn',
      region: 'cn-north-1',
      account: '444444444444',
      name: 'churn-v2',
    });
  });

  it.each([
    ['a model package ARN', 'arn:aws:sagemaker:eu-west-1:444444444444:model-package/churn/1'],
    ['a malformed account', 'arn:aws:sagemaker:eu-west-1:4444:model-package-group/churn'],
    ['a group name', 'churn'],
  ])('fails when given %s', (_, arn) => {
    expect(() => parseModelPackageGroupArn(arn)).toThrow(/Not a model package group ARN/);
  });
});
