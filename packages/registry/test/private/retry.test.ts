import { ListModelPackagesCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it, vi } from 'vitest';
import { AccessDeniedError, AwsRequestRefusedError } from '../../src/errors';
import { send } from '../../src/private/aws';
import { describeAwsError, isTransientAwsError, withRetry } from '../../src/private/retry';
import { awsError, noSleep, REGION, SOURCE_ACCOUNT } from '../fakes';

describe('withRetry', () => {
  it('retries throttling, then returns the successful result', async () => {
    // GIVEN a call throttled twice
    const fn = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .mockRejectedValueOnce(awsError('SlowDown', 'Please reduce your request rate', 503))
      .mockResolvedValue('ok');
    const sleep = vi.fn<(ms: number) => Promise<void>>(noSleep);

    // WHEN
    const result = await withRetry(fn, { sleep, random: () => 0.5, baseDelayMs: 100 });

    // THEN three attempts, waits growing exponentially with the jitter applied
    expect(result).toBe('ok');
    expect(fn).toHaveBeenCalledTimes(3);
    expect(sleep.mock.calls).toEqual([[50], [100]]);
  });

  it.each([
    ['ThrottlingException', 400],
    ['TooManyRequestsException', 429],
    ['RequestTimeout', 400],
    ['InternalError', 500],
    ['ServiceUnavailable', 503],
    ['SomethingNew', 502],
  ])('treats %s (HTTP %i) as transient', (name, status) => {
    expect(isTransientAwsError(awsError(name, name, status))).toBe(true);
  });

  it('treats a reset connection as transient', () => {
    expect(isTransientAwsError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
  });

  it('fails when access is denied, without retrying', async () => {
    // GIVEN
    const fn = vi.fn<() => Promise<string>>().mockRejectedValue(awsError('AccessDeniedException', 'not authorized', 403));
    const sleep = vi.fn<(ms: number) => Promise<void>>(noSleep);

    // WHEN / THEN
    await expect(withRetry(fn, { sleep })).rejects.toThrow('not authorized');
    expect(fn).toHaveBeenCalledTimes(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('fails when throttling outlasts the attempts, with the last error', async () => {
    const fn = vi.fn<() => Promise<string>>().mockRejectedValue(awsError('ThrottlingException', 'Rate exceeded'));

    await expect(withRetry(fn, { attempts: 3, sleep: noSleep })).rejects.toThrow('Rate exceeded');
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('caps one delay at maxDelayMs', async () => {
    const fn = vi.fn<() => Promise<string>>().mockRejectedValue(awsError('Throttling'));
    const sleep = vi.fn<(ms: number) => Promise<void>>(noSleep);

    await expect(withRetry(fn, { attempts: 6, baseDelayMs: 1000, maxDelayMs: 3000, random: () => 0.999, sleep })).rejects.toThrow();

    expect(Math.max(...sleep.mock.calls.map(([ms]) => ms))).toBeLessThan(3000);
  });
});

describe('describeAwsError', () => {
  it('names the missing IAM action, the resource and the account', () => {
    // GIVEN
    const denied = awsError('AccessDeniedException', 'User: arn:aws:sts::111111111111:assumed-role/build is not authorized', 403);

    // WHEN
    const error = describeAwsError(denied, {
      action: 'sagemaker:ListModelPackages',
      resource: 'arn:aws:sagemaker:eu-west-1:444444444444:model-package-group/churn',
      account: SOURCE_ACCOUNT,
    });

    // THEN
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect((error as Error).message).toMatch(
      /Access denied: sagemaker:ListModelPackages on arn:aws:sagemaker:eu-west-1:444444444444:model-package-group\/churn \(account 444444444444\)/,
    );
    expect((error as Error).message).toContain('resource policy of account 444444444444');
    expect((error as Error).cause).toBe(denied);
  });

  it('fails when an object is archived with a specific error, not an access denial', () => {
    // S3 answers 403 for an archived object: InvalidObjectState (GetObject) or ObjectNotInActiveTierError (CopyObject)
    for (const name of ['InvalidObjectState', 'ObjectNotInActiveTierError']) {
      const archived = awsError(name, 'The operation is not valid for the object storage class', 403);

      const error = describeAwsError(archived, { action: 's3:GetObject', resource: 's3://source-artifacts/model.tar.gz', account: SOURCE_ACCOUNT });

      expect(error).toBeInstanceOf(AwsRequestRefusedError);
      expect(error).not.toBeInstanceOf(AccessDeniedError);
      expect((error as Error).message).toMatch(/s3:\/\/source-artifacts\/model\.tar\.gz .*archive.*RestoreObject/);
      expect((error as Error).message).not.toMatch(/Access denied|Allow /);
      expect((error as AwsRequestRefusedError).code).toBe(name);
    }
  });

  it('fails when the clock is skewed with a specific error, not an access denial', () => {
    const skewed = awsError('RequestTimeTooSkewed', "The difference between the request time and the server's time is too large.", 403);

    const error = describeAwsError(skewed, { action: 's3:GetObject', resource: 's3://source-artifacts/model.tar.gz', account: SOURCE_ACCOUNT });

    expect(error).toBeInstanceOf(AwsRequestRefusedError);
    expect((error as Error).message).toMatch(/clock of this host .*15 minutes/);
    expect((error as Error).message).not.toMatch(/Access denied|Allow /);
  });

  it('names the bucket owner condition as a cause when S3 denies a request that carries one', () => {
    const denied = awsError('AccessDenied', 'Access Denied', 403);

    const error = describeAwsError(denied, {
      action: 's3:PutObject',
      resource: 's3://target-artifacts/model.tar.gz',
      account: SOURCE_ACCOUNT,
      expectedBucketOwner: SOURCE_ACCOUNT,
    });

    expect(error).toBeInstanceOf(AccessDeniedError);
    expect((error as Error).message).toMatch(/not owned by account 444444444444.*ExpectedBucketOwner.*check the bucket name/);
  });

  it('returns any other error unchanged', () => {
    const other = awsError('ValidationException', 'bad');
    expect(describeAwsError(other, { action: 'a', resource: 'r', account: SOURCE_ACCOUNT })).toBe(other);
  });
});

describe('send', () => {
  it('retries a throttled SDK call, then succeeds', async () => {
    // GIVEN
    const sagemaker = mockClient(new SageMakerClient({ region: REGION }));
    sagemaker
      .on(ListModelPackagesCommand)
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .resolves({ ModelPackageSummaryList: [] });

    // WHEN
    const output = await send(
      sagemaker as unknown as SageMakerClient,
      new ListModelPackagesCommand({ ModelPackageGroupName: 'churn' }),
      { action: 'sagemaker:ListModelPackages', resource: 'churn', account: SOURCE_ACCOUNT },
      { sleep: noSleep },
    );

    // THEN
    expect(output.ModelPackageSummaryList).toEqual([]);
    expect(sagemaker).toHaveReceivedCommandTimes(ListModelPackagesCommand, 2);
  });

  it('fails when access is denied, after one call, with an actionable message', async () => {
    const client = new SageMakerClient({ region: REGION });
    const sagemaker = mockClient(client);
    sagemaker.on(ListModelPackagesCommand).rejects(awsError('AccessDeniedException', 'not authorized', 403));

    await expect(
      send(client, new ListModelPackagesCommand({ ModelPackageGroupName: 'churn' }), {
        action: 'sagemaker:ListModelPackages',
        resource: 'churn',
        account: SOURCE_ACCOUNT,
      }),
    ).rejects.toThrow(/sagemaker:ListModelPackages on churn \(account 444444444444\)/);
    expect(sagemaker).toHaveReceivedCommandTimes(ListModelPackagesCommand, 1);
  });
});
