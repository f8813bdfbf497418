import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { s3BucketArn } from '../src';

function messages(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => i.message);
}

describe('s3BucketArn', () => {
  it('parses a bucket ARN of any partition', () => {
    expect(s3BucketArn.parse('arn:aws:s3:::central-access-logs')).toEqual({
      arn: 'arn:aws:s3:::central-access-logs',
      partition: 'aws',
      bucketName: 'central-access-logs',
    });
    expect(s3BucketArn.parse('arn:aws-cn:s3:::logs.example')).toMatchObject({ partition: 'aws-cn', bucketName: 'logs.example' });
  });

  it.each([
    ['an object or prefix ARN', 'arn:aws:s3:::central-access-logs/prefix/', /object or prefix ARN; give the bucket ARN arn:aws:s3:::central-access-logs/],
    ['an s3:// URI', 's3://central-access-logs/x', /s3:\/\/ URI; write it as arn:aws:s3:::central-access-logs/],
    ['a bucket name', 'central-access-logs', /which is not an S3 ARN/],
    ['an access point ARN', 'arn:aws:s3:eu-west-1:111122223333:accesspoint/logs', /empty region and account fields/],
    ['a bad bucket name', 'arn:aws:s3:::Central_Logs', /bucket name contains uppercase letters/],
    ['an unknown partition', 'arn:aws-moon:s3:::central-access-logs', /partition "aws-moon"/],
    ['a number', 42, /expected an S3 bucket ARN \(arn:<partition>:s3:::<bucket name>\), got a number/],
  ])('fails when given %s, saying what to give', (_name, value, message) => {
    expect(messages(s3BucketArn, value).join('\n')).toMatch(message);
  });
});
