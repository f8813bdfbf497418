import { join } from 'node:path';
import {
  assemblyTemplates,
  BOOTSTRAP_POLICIES,
  committedExecutionPolicy,
  createPolicyCommand,
  deployRoleSsmReadStep,
  executionPolicyArn,
  executionPolicyGaps,
  formatPrerequisites,
  resourceTypesOf,
  type BootstrapPolicyKind,
  type PolicyDocumentLike,
} from '@sagemaker-mlops/config';
import { DUMMY_ACCOUNTS, DUMMY_REGION } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { batchPromotionPrerequisites } from '../src/app';
import { CONNECTION_ARN, load, MULTI_ACCOUNT, PROJECT, synth } from './fixtures';

const DEV = DUMMY_ACCOUNTS.tooling;
const R = DUMMY_REGION;
/** A stage region other than the module's (DUMMY_REGION is eu-west-1). */
const OTHER_REGION = 'us-east-1';
const arn = (kind: BootstrapPolicyKind, account: string, region = R) => executionPolicyArn(kind, account, region);
const createPolicy = (kind: BootstrapPolicyKind) => `${createPolicyCommand(kind)}   # once per account: ${BOOTSTRAP_POLICIES[kind].purpose}`;
const block = (parameters: Record<string, unknown>) => {
  const { module, config } = load(parameters);
  return formatPrerequisites(batchPromotionPrerequisites(module, config)).split('\n');
};
const dataStep = (stage: string, account: string) =>
  `after the first promotion to ${stage}, put the training data at its stage file's InputDataUrl and the batch input at its BatchDataUrl ` +
  `(seeded: s3://p-abc123def456-${stage}-artifacts-${account}/abalone-p-abc123def456-${stage}-pipeline/data/), or point the stage file at your own buckets`;
const alarmStep = (stage: string) => `subscribe to the ${stage} stage stack's AlarmTopicArn output to hear of failed scheduled runs`;

describe('per-account prerequisites (issue 8 item 9)', () => {
  it('prints dev\'s own bootstrap and each stage account\'s bootstrap trusting dev with the stage policy, then the stage data', () => {
    expect(block(MULTI_ACCOUNT)).toEqual([
      'Prerequisites of batch-promotion module mlops-test-batch-promotion, once per account and region before the first deploy:',
      '',
      `account ${DEV}, ${R}: dev (this module)`,
      `  1. ${createPolicy('module')}`,
      `  2. cdk bootstrap aws://${DEV}/${R} --cloudformation-execution-policies ${arn('module', DEV)}`,
      '',
      `account ${DUMMY_ACCOUNTS.staging}, ${R}: preprod`,
      `  1. ${createPolicy('batch-stage')}`,
      `  2. cdk bootstrap aws://${DUMMY_ACCOUNTS.staging}/${R} --trust ${DEV} --cloudformation-execution-policies ${arn('batch-stage', DUMMY_ACCOUNTS.staging)}`,
      `  3. ${dataStep('preprod', DUMMY_ACCOUNTS.staging)}`,
      `  4. ${alarmStep('preprod')}`,
      '',
      `account ${DUMMY_ACCOUNTS.prod}, ${R}: prod`,
      `  1. ${createPolicy('batch-stage')}`,
      `  2. cdk bootstrap aws://${DUMMY_ACCOUNTS.prod}/${R} --trust ${DEV} --cloudformation-execution-policies ${arn('batch-stage', DUMMY_ACCOUNTS.prod)}`,
      `  3. ${dataStep('prod', DUMMY_ACCOUNTS.prod)}`,
      `  4. ${alarmStep('prod')}`,
      '',
    ]);
  });

  it("with the VPC as SSM parameter names, each account creates them and lets its CDK deploy role read them (dev's stack resolves them too)", () => {
    const names = { vpc_subnet_ids_parameter: '/mlops/vpc/subnets', vpc_security_group_ids_parameter: '/mlops/vpc/sgs' };
    const lines = block({ ...MULTI_ACCOUNT, ...names });
    const read = (account: string) => deployRoleSsmReadStep(account, R, ['/mlops/vpc/subnets', '/mlops/vpc/sgs'], 'hnb659fds');
    const create = "create the SSM StringList parameters /mlops/vpc/subnets and /mlops/vpc/sgs with this account's subnets and security groups for the jobs";
    expect(lines.slice(3, 7)).toEqual([`  1. ${createPolicy('module')}`, expect.stringMatching(/^  2\. cdk bootstrap /), `  3. ${create}`, `  4. ${read(DEV)}`]);
    for (const account of [DUMMY_ACCOUNTS.staging, DUMMY_ACCOUNTS.prod]) {
      const at = lines.findIndex((l) => l.startsWith(`account ${account}, ${R}:`));
      expect(lines.slice(at + 5, at + 7)).toEqual([`  5. ${create}`, `  6. ${read(account)}`]);
    }
    expect(block(MULTI_ACCOUNT).join('\n')).not.toContain('put-role-policy');
  });

  it('bootstraps dev in another stage region too (the replication bucket), and merges stages sharing an account with one policy and the qualifier', () => {
    const lines = block({ ...PROJECT, preprod_account: DUMMY_ACCOUNTS.staging, prod_account: DUMMY_ACCOUNTS.staging, prod_region: OTHER_REGION, cdk_bootstrap_qualifier: 'mlops1' });
    expect(lines.slice(2, 9)).toEqual([
      `account ${DEV}, ${R}: dev (this module)`,
      `  1. ${createPolicy('module')}`,
      `  2. cdk bootstrap aws://${DEV}/${R} --cloudformation-execution-policies ${arn('module', DEV)} --qualifier mlops1`,
      '',
      `account ${DEV}, ${OTHER_REGION}: dev (the pipeline's replication bucket)`,
      `  1. cdk bootstrap aws://${DEV}/${OTHER_REGION} --cloudformation-execution-policies ${arn('module', DEV, OTHER_REGION)} --qualifier mlops1`,
      '',
    ]);
    const prod = lines.indexOf(`account ${DUMMY_ACCOUNTS.staging}, ${OTHER_REGION}: prod`);
    // The policy is created once per account (IAM is global), in the first region's entry.
    expect(lines[prod + 1]).toBe(
      `  1. cdk bootstrap aws://${DUMMY_ACCOUNTS.staging}/${OTHER_REGION} --trust ${DEV} --cloudformation-execution-policies ${arn('batch-stage', DUMMY_ACCOUNTS.staging, OTHER_REGION)} --qualifier mlops1`,
    );
    expect(lines.filter((l) => l.includes(createPolicyCommand('batch-stage')))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('cdk bootstrap'))).toHaveLength(4);
  });

  it('the module and batch-stage execution policies cover every resource type of the module stack and the stage template', () => {
    const variants = [
      MULTI_ACCOUNT,
      { ...MULTI_ACCOUNT, approval_email_addresses: ['ml-approvers@example.com'], repository_type: 'codeconnections', code_connection_arn: CONNECTION_ARN, repository_owner_and_name: 'acme/abalone-batch' },
      { ...PROJECT, preprod_account: DEV, prod_account: DUMMY_ACCOUNTS.prod, prod_region: OTHER_REGION },
    ];
    const templates = variants.flatMap((parameters) => assemblyTemplates(synth(parameters).app.synth().directory));
    // The module's stack (and CDK's cross-region support stacks) at the top of the assembly; the stage template in
    // its own nested assembly and as the zip asset the pipeline deploys.
    const stage = templates.filter((t) => t.file.includes('/'));
    const module = templates.filter((t) => !t.file.includes('/'));
    expect(resourceTypesOf(stage.map((t) => t.template))).toContain('AWS::SageMaker::Pipeline');
    expect(resourceTypesOf(module.map((t) => t.template))).toContain('AWS::CodePipeline::Pipeline');
    expect(executionPolicyGaps(resourceTypesOf(stage.map((t) => t.template)), read('batch-stage'))).toEqual({ unknownTypes: [], missingActions: {} });
    expect(executionPolicyGaps(resourceTypesOf(module.map((t) => t.template)), read('module'))).toEqual({ unknownTypes: [], missingActions: {} });
  });

  it('lets the stage\'s cfn-exec role read only the promoted definitions of the dev bucket, and decrypt only through S3', () => {
    const statements = read('batch-stage').Statement as unknown as Array<{ Sid: string; Action: unknown; Resource: string; Condition?: unknown }>;
    expect(statements.find((s) => s.Sid === 'ReadPromotedPipelineDefinitions')).toMatchObject({ Action: 's3:GetObject', Resource: 'arn:*:s3:::*-dev-artifacts-*/releases/definitions/*' });
    expect(statements.find((s) => s.Sid === 'DecryptThroughS3')).toMatchObject({ Action: 'kms:Decrypt', Condition: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } } });
  });
});

/** The committed policy file of a kind (docs/bootstrap/), what `cdk bootstrap` is given. */
function read(kind: BootstrapPolicyKind): PolicyDocumentLike {
  return committedExecutionPolicy(kind, join(__dirname, '..', '..', '..'));
}
