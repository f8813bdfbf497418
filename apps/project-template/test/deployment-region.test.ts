import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { committedExecutionPolicy, executionPolicyGaps, resourceTypesOf } from '@sagemaker-mlops/config';
import { expectCfnLintClean, expectNoGuardFindings, expectNoNagFindings } from '@sagemaker-mlops/test-utils';
import { join } from 'node:path';
import { projectTemplatePrerequisites } from '../src/app';
import { describe, expect, it } from 'vitest';
import { SSM_PARAMETERS } from '../src/config';
import { DeploymentRegionStack, replicationBucketName } from '../src/stacks/deployment-region-stack';
import { ACCOUNTS, load, ofType, productGuardFindings, REQUIRED, synth, templates } from './fixtures';

const MODULE_REGION = 'eu-west-1';
const DEPLOYMENT_REGION = 'us-east-1';
const bootstrapRole = (account: string, kind: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:role/cdk-hnb659fds-${kind}-role-${account}-${DEPLOYMENT_REGION}`]],
});
const KEY_ARN_REFERENCE = `{{resolve:ssm:${SSM_PARAMETERS.deployArtifactKeyArn}}}`;

describe('deployment_region other than the module region', () => {
  const { app, stack } = synth({ ...REQUIRED, deployment_region: DEPLOYMENT_REGION });
  const { module, product, productFile } = templates(stack);
  const support = app.node.children.find((c): c is DeploymentRegionStack => c instanceof DeploymentRegionStack)!;
  const bucketName = replicationBucketName(stack.stackName, ACCOUNTS.dev, DEPLOYMENT_REGION);

  describe('the support stack in the deployment region (dev account): the deploy pipelines\' artifact store there', () => {
    it('is a stack of the dev account in the deployment region, deployed before the module stack', () => {
      expect(support).toBeDefined();
      expect(Stack.of(support).region).toBe(DEPLOYMENT_REGION);
      expect(Stack.of(support).account).toBe(ACCOUNTS.dev);
      expect(stack.dependencies).toContain(support);
    });

    it('holds a retained, versioned, TLS-only, KMS-encrypted bucket with a literal name, and a retained rotating key', () => {
      const template = Template.fromStack(support);
      template.hasResource('AWS::S3::Bucket', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({
          BucketName: bucketName,
          VersioningConfiguration: { Status: 'Enabled' },
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } })],
          },
        }),
      });
      template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ EnableKeyRotation: true }) });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    });

    it("lets only preprod's and prod's CDK bootstrap roles of the deployment region read and decrypt the artifacts", () => {
      const template = Template.fromStack(support);
      const roles = [ACCOUNTS.preprod, ACCOUNTS.prod].flatMap((a) => [bootstrapRole(a, 'deploy'), bootstrapRole(a, 'cfn-exec')]);
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Sid: 'StageBootstrapRolesReadArtifacts',
              Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetBucketLocation'],
              Condition: { ArnEquals: { 'aws:PrincipalArn': roles } },
            }),
          ]),
        },
      });
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({ Sid: 'StageBootstrapRolesDecryptArtifacts', Action: ['kms:Decrypt', 'kms:DescribeKey'], Condition: Match.objectLike({ ArnEquals: { 'aws:PrincipalArn': roles } }) }),
          ]),
        },
      });
    });
  });

  it('writes the store to SSM in the module region: the bucket name, and the key ARN through Fn::GetStackOutput of the support stack', () => {
    module.hasResourceProperties('AWS::SSM::Parameter', { Name: SSM_PARAMETERS.deployArtifactBucket, Value: bucketName });
    module.hasResourceProperties('AWS::SSM::Parameter', {
      Name: SSM_PARAMETERS.deployArtifactKeyArn,
      Value: { 'Fn::GetStackOutput': Match.objectLike({ StackName: support.stackName, Region: DEPLOYMENT_REGION }) },
    });
    module.hasResourceProperties('AWS::SSM::Parameter', { Name: SSM_PARAMETERS.preprodRegion, Value: DEPLOYMENT_REGION });
  });

  describe('the product template', () => {
    const json = product.toJSON();
    const [, deploy] = ofType(product, 'AWS::CodePipeline::Pipeline').find(([, p]) => JSON.stringify(p.Properties.Name).includes('deploy'))!;
    const actions = (deploy.Properties.Stages as Array<{ Name: string; Actions: any[] }>).flatMap((s) => s.Actions.map((a) => ({ stage: s.Name, ...a })));

    it('allows only the region it was synthesized for as DeploymentRegion', () => {
      expect(json.Parameters.DeploymentRegion).toMatchObject({ Default: DEPLOYMENT_REGION, AllowedValues: [DEPLOYMENT_REGION] });
    });

    it("gives the deploy pipeline an artifact store per region: its own bucket and key, and the module's store of the deployment region by key ARN", () => {
      expect(deploy.Properties.ArtifactStore).toBeUndefined();
      expect(deploy.Properties.ArtifactStores.map((s: { Region: string }) => s.Region)).toEqual([MODULE_REGION, DEPLOYMENT_REGION]);
      expect(deploy.Properties.ArtifactStores[0].ArtifactStore.EncryptionKey).toEqual({ Type: 'KMS', Id: { 'Fn::GetAtt': [expect.stringMatching(/^SharedPipelineBucketKMSKey/), 'Arn'] } });
      expect(deploy.Properties.ArtifactStores[1].ArtifactStore).toEqual({ Type: 'S3', Location: bucketName, EncryptionKey: { Type: 'KMS', Id: KEY_ARN_REFERENCE } });
      expect(deploy.Properties.ArtifactStores[0].ArtifactStore.Location).toEqual({ Ref: expect.stringMatching(/^SharedPipelineBucket/) });
    });

    it("runs the three deploy actions in the deployment region with that region's bootstrap roles, every other action in the pipeline's", () => {
      const deploys = actions.filter((a) => a.ActionTypeId.Provider === 'CloudFormation');
      expect(deploys.map((a) => [a.stage, a.Region])).toEqual([
        ['DeployDev', DEPLOYMENT_REGION],
        ['DeployPreProd', DEPLOYMENT_REGION],
        ['DeployProd', DEPLOYMENT_REGION],
      ]);
      expect(JSON.stringify(deploys.find((a) => a.stage === 'DeployProd'))).toContain(`cdk-hnb659fds-cfn-exec-role-\${ProdAccount}-${DEPLOYMENT_REGION}`);
      expect(actions.filter((a) => a.ActionTypeId.Provider !== 'CloudFormation').every((a) => a.Region === undefined)).toBe(true);
    });

    it('lets the pipeline role write, and the dev deploy action role read, the store of the deployment region', () => {
      const policies = ofType(product, 'AWS::IAM::Policy').map(([, p]) => JSON.stringify(p.Properties.PolicyDocument));
      const onStore = policies.filter((p) => p.includes(`:s3:::${bucketName}`));
      expect(onStore.some((p) => p.includes('s3:PutObject'))).toBe(true);
      expect(policies.filter((p) => p.includes(KEY_ARN_REFERENCE) && p.includes('kms:Decrypt')).length).toBeGreaterThanOrEqual(2);
      expect(policies.some((p) => p.includes(KEY_ARN_REFERENCE) && p.includes('kms:GenerateDataKey*'))).toBe(true);
    });
  });

  it('asks for dev bootstrapped in both regions: the portfolio policy in the module region, the endpoint policy (which covers the support stack) in the deployment region', () => {
    const { module: context, config } = load({ ...REQUIRED, deployment_region: DEPLOYMENT_REGION });
    const dev = projectTemplatePrerequisites(context, config).accounts.filter((a) => a.account === ACCOUNTS.dev);
    expect(dev.map((a) => [a.region, a.bootstrap?.executionPolicies])).toEqual([
      [MODULE_REGION, ['portfolio']],
      [DEPLOYMENT_REGION, ['endpoint']],
    ]);
    const types = resourceTypesOf([Template.fromStack(support).toJSON()]);
    expect(executionPolicyGaps(types, committedExecutionPolicy('endpoint', join(__dirname, '..', '..', '..')))).toEqual({ unknownTypes: [], missingActions: {} });
  });

  it('lets the launch role read the key ARN parameter the product resolves at launch, and no other parameter', () => {
    const statements = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    const resolve = Object.values(statements)
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
      .filter((st: any) => JSON.stringify(st.Action).includes('ssm:GetParameter'));
    expect(resolve).toEqual([
      {
        Sid: 'ResolveParameters',
        Effect: 'Allow',
        Action: 'ssm:GetParameters',
        Resource: {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:${MODULE_REGION}:${ACCOUNTS.dev}:parameter/${SSM_PARAMETERS.deployArtifactKeyArn.replace(/^\//, '')}`]],
        },
      },
    ]);
    expect(JSON.stringify(product)).toContain(KEY_ARN_REFERENCE);
  });

  describe('gates', () => {
    it('cdk-nag AwsSolutions: the module, the support stack and the product template clean, or acknowledged per finding', () => {
      expectNoNagFindings(app);
    });

    it('Control Tower proactive controls: the module, the support stack and the product template', () => {
      expectNoGuardFindings(app);
      expect(productGuardFindings(stack, productFile)).toEqual([]);
    });

    it('cfn-lint: zero errors or unaccepted warnings in both regions', async () => {
      const result = await expectCfnLintClean(stack, [MODULE_REGION, DEPLOYMENT_REGION]);
      if (!result.skipped) {
        expect(result.templates.some((t) => t.endsWith('.product.template.json'))).toBe(true);
        expect(result.templates.some((t) => t.includes(support.artifactId))).toBe(true);
      }
    });
  });
});

describe('deployment_region = the module region (the default)', () => {
  const { app, stack } = synth(REQUIRED);
  const { product } = templates(stack);

  it('gives the launch role no SSM read (the product resolves no parameter)', () => {
    const policies = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(policies).not.toContain('ResolveParameters');
  });

  it('creates no support stack, and the deploy pipeline keeps its one artifact store and same-region actions', () => {
    expect(app.node.children.filter((c) => c instanceof DeploymentRegionStack)).toEqual([]);
    const [, deploy] = ofType(product, 'AWS::CodePipeline::Pipeline').find(([, p]) => JSON.stringify(p.Properties.Name).includes('deploy'))!;
    expect(deploy.Properties.ArtifactStores).toBeUndefined();
    expect(deploy.Properties.ArtifactStore).toMatchObject({ Type: 'S3' });
    expect(JSON.stringify(deploy.Properties.Stages)).not.toContain('"Region"');
  });
});
