import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { createTestApp, expectNoGuardFindings, expectNoNagFindings } from '@sagemaker-mlops/test-utils';
import { describe, it } from 'vitest';
import { EncryptionKey } from '../src';

describe('EncryptionKey', () => {
  it('fails when a principal may create grants that are not for an AWS resource (CT.KMS.PR.3; Controlling access to grants, AWS KMS Developer Guide)', () => {
    // GIVEN / WHEN
    const app = createTestApp();
    const stack = new Stack(app, 'Test');
    new EncryptionKey(stack, 'Key', { description: 'test' });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'DenyGrantsNotForAwsResources',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'kms:CreateGrant',
            Resource: '*',
            Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
          },
        ]),
      },
    });
    expectNoGuardFindings(app);
    expectNoNagFindings(app);
  });
});
