import { DUMMY_ACCOUNTS } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  accountId,
  booleanParam,
  environmentSchema,
  eventBusArn,
  iamRoleArn,
  intParam,
  isPlaceholderAccount,
  jsonParam,
  kmsKeyArn,
  listParam,
  modelPackageArn,
  modelPackageGroupArn,
  modelPackageGroupName,
  partition,
  partitionOfRegion,
  PLACEHOLDER_ACCOUNTS,
  region,
  s3BucketName,
} from '../src';

const TOOLING = DUMMY_ACCOUNTS.tooling;
const STAGING = DUMMY_ACCOUNTS.source;
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';

/** The messages of a failed parse, or [] when it succeeded. */
function messages(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => i.message);
}

describe('accountId', () => {
  it('accepts a string of 12 digits', () => {
    expect(accountId.parse(TOOLING)).toBe(TOOLING);
  });

  it('accepts a number, as YAML reads unquoted ids, and converts it to a string', () => {
    expect(accountId.parse(Number(STAGING))).toBe(STAGING);
  });

  it('fails when the string does not have exactly 12 digits, naming the rule', () => {
    expect(messages(accountId, '12345')).toEqual([expect.stringContaining('exactly 12 digits')]);
    expect(messages(accountId, '1111-1111-1111')).toEqual([expect.stringContaining('remove spaces and dashes')]);
  });

  it('fails when a number lost its leading zeros, suggesting to quote it', () => {
    expect(messages(accountId, 12345678901)).toEqual([expect.stringMatching(/only 11 digits.*quote it/)]);
  });

  it('fails when nothing is given or the type is wrong', () => {
    expect(messages(accountId, undefined)).toEqual([expect.stringContaining('required')]);
    expect(messages(accountId, [TOOLING])).toEqual([expect.stringContaining('got a list')]);
  });
});

describe('placeholder accounts', () => {
  it('knows the documentation ids and every all-same-digit id', () => {
    expect(PLACEHOLDER_ACCOUNTS.size).toBe(16);
    for (const id of ['123456789012', '012345678901', '111122223333', '444455556666', '777788889999', '123412341234']) {
      expect(isPlaceholderAccount(id)).toBe(true);
    }
    for (let d = 0; d <= 9; d++) {
      expect(isPlaceholderAccount(String(d).repeat(12))).toBe(true);
    }
  });

  it('does not flag other ids', () => {
    expect(isPlaceholderAccount('123456789013')).toBe(false);
    expect(isPlaceholderAccount('12345')).toBe(false);
  });
});

describe('region and partition', () => {
  it.each(['eu-west-1', 'us-gov-west-1', 'cn-north-1', 'ap-southeast-5', 'eusc-de-east-1', 'us-isob-east-1', 'il-central-1'])(
    'accepts the region %s',
    (code) => {
      expect(region.parse(code)).toBe(code);
    },
  );

  it('fails when the region is not a region code, with a hint for uppercase', () => {
    expect(messages(region, 'EU-West-1')).toEqual([expect.stringContaining('write "eu-west-1"')]);
    expect(messages(region, 'Europe (Ireland)')).toEqual([expect.stringContaining('not an AWS region code')]);
    expect(messages(region, 'eu-west')).toHaveLength(1);
  });

  it.each(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'])('accepts the partition %s', (p) => {
    expect(partition.parse(p)).toBe(p);
  });

  it('fails when the partition is unknown, listing the partitions', () => {
    expect(messages(partition, 'aws-mars')).toEqual([expect.stringContaining('aws, aws-cn, aws-us-gov')]);
  });

  it('derives the partition of a region', () => {
    expect(partitionOfRegion('eu-west-1')).toBe('aws');
    expect(partitionOfRegion('cn-northwest-1')).toBe('aws-cn');
    expect(partitionOfRegion('us-gov-east-1')).toBe('aws-us-gov');
    expect(partitionOfRegion('us-isob-east-1')).toBe('aws-iso-b');
    expect(partitionOfRegion('eusc-de-east-1')).toBe('aws-eusc');
  });
});

describe('modelPackageGroupArn', () => {
  it('parses the ARN into its parts', () => {
    expect(modelPackageGroupArn.parse(`arn:aws:sagemaker:eu-west-1:${TOOLING}:model-package-group/churn-model`)).toEqual({
      arn: `arn:aws:sagemaker:eu-west-1:${TOOLING}:model-package-group/churn-model`,
      partition: 'aws',
      region: 'eu-west-1',
      account: TOOLING,
      name: 'churn-model',
    });
  });

  it('parses ARNs of other partitions', () => {
    expect(modelPackageGroupArn.parse(`arn:aws-cn:sagemaker:cn-north-1:${TOOLING}:model-package-group/g`)).toMatchObject({
      partition: 'aws-cn',
      region: 'cn-north-1',
    });
    expect(modelPackageGroupArn.parse(`arn:aws-us-gov:sagemaker:us-gov-west-1:${TOOLING}:model-package-group/g`)).toMatchObject({
      partition: 'aws-us-gov',
    });
  });

  it('fails when given a model package ARN, saying which type was expected and which was received', () => {
    expect(messages(modelPackageGroupArn, `arn:aws:sagemaker:eu-west-1:${TOOLING}:model-package/churn-model/3`)).toEqual([
      'expected a SageMaker model package group ARN (arn:<partition>:sagemaker:<region>:<account>:model-package-group/<name>), ' +
        'got a model-package ARN; give the ARN of the group, not of one of its versions',
    ]);
  });

  it('fails when given an ARN of another service', () => {
    expect(messages(modelPackageGroupArn, `arn:aws:kms:eu-west-1:${TOOLING}:key/${KEY_ID}`)).toEqual([
      expect.stringContaining('got a kms key ARN'),
    ]);
  });

  it('fails when the account inside the ARN is malformed', () => {
    expect(messages(modelPackageGroupArn, 'arn:aws:sagemaker:eu-west-1:1111:model-package-group/g')).toEqual([
      expect.stringContaining('the account "1111" in the ARN is not a 12-digit AWS account id'),
    ]);
  });

  it('fails when the text is not an ARN or the name breaks the naming rule', () => {
    expect(messages(modelPackageGroupArn, 'churn-model')).toEqual([expect.stringContaining('which is not an ARN')]);
    expect(messages(modelPackageGroupArn, `arn:aws:sagemaker:eu-west-1:${TOOLING}:model-package-group/bad_name`)).toEqual([
      expect.stringContaining('only letters, digits and hyphens'),
    ]);
  });
});

describe('modelPackageArn', () => {
  it('parses group name and version', () => {
    expect(modelPackageArn.parse(`arn:aws:sagemaker:eu-west-1:${TOOLING}:model-package/churn-model/12`)).toEqual({
      arn: `arn:aws:sagemaker:eu-west-1:${TOOLING}:model-package/churn-model/12`,
      partition: 'aws',
      region: 'eu-west-1',
      account: TOOLING,
      groupName: 'churn-model',
      version: 12,
    });
  });

  it('fails when the package has no version or the version is not a number', () => {
    expect(messages(modelPackageArn, `arn:aws:sagemaker:eu-west-1:${TOOLING}:model-package/churn-model`)).toEqual([
      expect.stringContaining('has no version'),
    ]);
    expect(messages(modelPackageArn, `arn:aws:sagemaker:eu-west-1:${TOOLING}:model-package/churn-model/latest`)).toEqual([
      expect.stringContaining('not a positive whole number'),
    ]);
  });
});

describe('kmsKeyArn', () => {
  it('parses key and multi-Region key ARNs', () => {
    expect(kmsKeyArn.parse(`arn:aws:kms:eu-west-1:${TOOLING}:key/${KEY_ID}`)).toMatchObject({ keyId: KEY_ID, account: TOOLING });
    const mrk = `mrk-${'a1'.repeat(16)}`;
    expect(kmsKeyArn.parse(`arn:aws-iso-b:kms:us-isob-east-1:${TOOLING}:key/${mrk}`)).toMatchObject({
      keyId: mrk,
      partition: 'aws-iso-b',
    });
  });

  it('fails when given an alias ARN, asking for the key ARN', () => {
    expect(messages(kmsKeyArn, `arn:aws:kms:eu-west-1:${TOOLING}:alias/my-key`)).toEqual([
      expect.stringMatching(/got an alias ARN; give the key ARN instead of the alias ARN/),
    ]);
  });

  it('fails when the key id is neither a UUID nor an mrk id', () => {
    expect(messages(kmsKeyArn, `arn:aws:kms:eu-west-1:${TOOLING}:key/not-a-key`)).toEqual([
      expect.stringContaining('neither a key UUID nor a multi-Region key id'),
    ]);
  });
});

describe('iamRoleArn', () => {
  it('parses path and role name, without a region', () => {
    expect(iamRoleArn.parse(`arn:aws:iam::${TOOLING}:role/service-role/deployer`)).toEqual({
      arn: `arn:aws:iam::${TOOLING}:role/service-role/deployer`,
      partition: 'aws',
      account: TOOLING,
      path: '/service-role/',
      roleName: 'deployer',
    });
    expect(iamRoleArn.parse(`arn:aws:iam::${TOOLING}:role/deployer`)).toMatchObject({ path: '/', roleName: 'deployer' });
  });

  it('fails when the ARN has a region or is an STS assumed-role ARN', () => {
    expect(messages(iamRoleArn, `arn:aws:iam:eu-west-1:${TOOLING}:role/deployer`)).toEqual([
      expect.stringContaining('the region field of an IAM role ARN is empty'),
    ]);
    expect(messages(iamRoleArn, `arn:aws:sts::${TOOLING}:assumed-role/deployer/session`)).toEqual([
      expect.stringContaining('got an sts assumed-role ARN'),
    ]);
  });
});

describe('eventBusArn', () => {
  it('parses the bus name', () => {
    expect(eventBusArn.parse(`arn:aws:events:eu-west-1:${STAGING}:event-bus/mlops`)).toEqual({
      arn: `arn:aws:events:eu-west-1:${STAGING}:event-bus/mlops`,
      partition: 'aws',
      region: 'eu-west-1',
      account: STAGING,
      name: 'mlops',
    });
  });

  it('fails when given a rule ARN', () => {
    expect(messages(eventBusArn, `arn:aws:events:eu-west-1:${STAGING}:rule/forward`)).toEqual([
      expect.stringContaining('got a rule ARN'),
    ]);
  });
});

describe('s3BucketName', () => {
  it('accepts a valid name', () => {
    expect(s3BucketName.parse('mlops-artifacts.eu-west-1')).toBe('mlops-artifacts.eu-west-1');
  });

  it.each([
    ['ab', 'a bucket name has 3 to 63 characters'],
    ['a'.repeat(64), 'a bucket name has 3 to 63 characters'],
    ['My-bucket', 'contains uppercase letters'],
    ['my_bucket', 'characters other than lowercase letters'],
    ['-bucket', 'must start with a lowercase letter or a digit'],
    ['bucket-', 'must end with a lowercase letter or a digit'],
    ['my..bucket', 'two adjacent dots'],
    ['192.168.5.4', 'formatted as an IP address'],
    ['xn--bucket', 'reserved prefix "xn--"'],
    ['sthree-bucket', 'reserved prefix "sthree-"'],
    ['amzn-s3-demo-bucket', 'reserved prefix "amzn-s3-demo-"'],
    ['bucket-s3alias', 'reserved suffix "-s3alias"'],
    ['bucket--ol-s3', 'reserved suffix "--ol-s3"'],
    ['bucket.mrap', 'reserved suffix ".mrap"'],
    ['bucket--x-s3', 'reserved suffix "--x-s3"'],
  ])('fails when the name is %s', (name, rule) => {
    expect(messages(s3BucketName, name)).toContainEqual(expect.stringContaining(rule));
  });

  it('reports each broken rule on its own', () => {
    expect(messages(s3BucketName, '-My..Bucket_')).toHaveLength(5);
  });
});

describe('modelPackageGroupName', () => {
  it('accepts letters, digits and inner hyphens', () => {
    expect(modelPackageGroupName.parse('Churn--model-2')).toBe('Churn--model-2');
  });

  it('fails when the name is too long or breaks the pattern', () => {
    expect(messages(modelPackageGroupName, 'a'.repeat(64))).toEqual([expect.stringContaining('the limit is 63')]);
    expect(messages(modelPackageGroupName, 'churn-')).toEqual([expect.stringContaining('start and end with a letter or digit')]);
  });
});

describe('booleanParam', () => {
  it.each([
    [true, true],
    [false, false],
    ['true', true],
    ['True', true],
    ['FALSE', false],
  ])('reads %j as %j', (value, expected) => {
    expect(booleanParam.parse(value)).toBe(expected);
  });

  it('fails when the value is not a boolean, listing the accepted values', () => {
    expect(messages(booleanParam, 'yes')).toEqual([
      'expected true or false, got "yes"; accepted values are true, false, "true" and "false" (any letter case)',
    ]);
    expect(messages(booleanParam, 1)).toHaveLength(1);
  });

  it('takes a default when the parameter is absent', () => {
    expect(z.object({ flag: booleanParam.default(false) }).parse({})).toEqual({ flag: false });
  });
});

describe('intParam', () => {
  it('reads numbers and numeric strings', () => {
    expect(intParam().parse(3)).toBe(3);
    expect(intParam({ min: 1, max: 10 }).parse('7')).toBe(7);
  });

  it('fails when the value is not a whole number or out of range', () => {
    expect(messages(intParam({ min: 1, max: 10 }), '3.5')).toEqual(['expected a whole number between 1 and 10, got "3.5"']);
    expect(messages(intParam({ min: 1, max: 10 }), 11)).toEqual(['11 is out of range; give a whole number between 1 and 10']);
    expect(messages(intParam({ min: 0 }), 'ten')).toEqual([expect.stringContaining('at least 0')]);
  });
});

describe('jsonParam and listParam', () => {
  it('decodes JSON text as Seedfarmer passes it', () => {
    expect(listParam(accountId).parse(`["${TOOLING}", "${STAGING}"]`)).toEqual([TOOLING, STAGING]);
    expect(jsonParam(z.strictObject({ a: z.number() })).parse('{"a": 1}')).toEqual({ a: 1 });
  });

  it('accepts an already parsed value as a YAML file gives it', () => {
    expect(listParam(accountId).parse([Number(TOOLING)])).toEqual([TOOLING]);
  });

  it('fails when the text is not JSON', () => {
    expect(messages(listParam(z.string()), 'a,b')).toEqual([expect.stringContaining('is not valid JSON')]);
  });

  it('fails with the path of a bad item', () => {
    const result = listParam(accountId).safeParse(`["${TOOLING}", "42"]`);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual([1]);
  });
});

describe('environmentSchema', () => {
  it('accepts an environment', () => {
    expect(environmentSchema.parse({ name: 'staging', account: STAGING, region: 'eu-west-1', type: 'preprod' })).toEqual({
      name: 'staging',
      account: STAGING,
      region: 'eu-west-1',
      type: 'preprod',
    });
  });

  it('fails when a key is unknown or the type is not one of dev, preprod, prod', () => {
    const result = environmentSchema.safeParse({ name: 'staging', account: STAGING, region: 'eu-west-1', type: 'test', acount: 1 });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.code).sort()).toEqual(['invalid_value', 'unrecognized_keys']);
    expect(result.error?.issues.find((i) => i.code === 'invalid_value')?.message).toBe('expected one of dev, preprod, prod, got "test"');
  });
});
