import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import {
  BOOTSTRAP_POLICIES,
  committedExecutionPolicy,
  createPolicyCommand,
  executionPolicyArn,
  executionPolicyGaps,
  formatPrerequisites,
  resourceTypesOf,
  type BootstrapPolicyKind,
  type PolicyDocumentLike,
} from '@sagemaker-mlops/config';
import { describe, expect, it } from 'vitest';
import { buildDeployApp } from '../seed-code/deploy-app/src/deploy-app';
import { settingsFromEnvironment } from '../seed-code/deploy-app/src/settings';
import { projectTemplatePrerequisites } from '../src/app';
import { DEPLOY_STAGES } from '../src/product/names';
import { SEED_CODE_DIR } from '../src/seed';
import { ACCOUNTS, CONNECTION_ARN, launchRoleStatements, load, REQUIRED, synth, templates } from './fixtures';

const R = 'eu-west-1';
const arn = (kind: BootstrapPolicyKind, account: string) => executionPolicyArn(kind, account, R);
const create = (kind: BootstrapPolicyKind) => `${createPolicyCommand(kind)}   # once per account: ${BOOTSTRAP_POLICIES[kind].purpose}`;
const block = (parameters: Record<string, unknown>) => {
  const { module, config } = load(parameters);
  return formatPrerequisites(projectTemplatePrerequisites(module, config)).split('\n');
};
const stageStep = (stage: string) =>
  `nothing else to create: each project grants ${stage} read-only access plus CreateModel on its model package group, read access to its artifact bucket and key, and image pulls from its repository`;
/** The committed policy file of a kind (docs/bootstrap/), what `cdk bootstrap` is given. */
const read = (kind: BootstrapPolicyKind): PolicyDocumentLike => committedExecutionPolicy(kind, join(__dirname, '..', '..', '..'));
const NO_GAPS = { unknownTypes: [], missingActions: {} };
/**
 * What the launch role (src/stacks/launch-role.ts) does not grant of CFN_RESOURCE_ACTIONS for the product's types:
 * mostly update paths (renames, description changes, ACLs, notifications, key enable/disable) and reads
 * CloudFormation makes on update or drift. Measured by the test below; to be granted in the launch role.
 */
// Actions CloudFormation's handlers may call for these types that the launch role deliberately lacks: the product
// template never uses the feature, and granting it would let a launch do more than the template needs.
const KNOWN_LAUNCH_ROLE_GAPS: Record<string, readonly string[]> = {
  // No repository triggers or renames in the template.
  'AWS::CodeCommit::Repository': ['codecommit:UpdateRepositoryName', 'codecommit:GetRepositoryTriggers', 'codecommit:PutRepositoryTriggers'],
  // The project pipelines do not restart on update (RestartExecutionOnUpdate false).
  'AWS::CodePipeline::Pipeline': ['codepipeline:StartPipelineExecution'],
  // No managed policies on project roles (attaching any would be an escalation path); boundaries are never removed.
  'AWS::IAM::Role': ['iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:DeleteRolePermissionsBoundary'],
  // Keys are never disabled and rotation is never turned off.
  'AWS::KMS::Key': ['kms:EnableKey', 'kms:DisableKey', 'kms:DisableKeyRotation'],
  // ACLs are disabled (bucket owner enforced) and no bucket has event notifications.
  'AWS::S3::Bucket': ['s3:PutBucketAcl', 's3:PutBucketNotification'],
};

describe('per-account prerequisites (issue 8 item 9)', () => {
  it('prints dev\'s bootstrap (module stack and dev endpoint), the Studio steps, and preprod and prod trusting dev with the endpoint policy', () => {
    const devPolicies = (['endpoint', 'portfolio'] as const).map((k) => arn(k, ACCOUNTS.dev)).join(',');
    expect(block(REQUIRED)).toEqual([
      'Prerequisites of project-template module mlops-test-project-template, once per account and region before the first deploy:',
      '',
      `account ${ACCOUNTS.dev}, ${R}: dev (this module, SageMaker Studio)`,
      `  1. ${create('endpoint')}`,
      `  2. ${create('portfolio')}`,
      `  3. cdk bootstrap aws://${ACCOUNTS.dev}/${R} --cloudformation-execution-policies ${devPolicies}`,
      "  4. put the SageMaker Studio execution role's ARN in the SSM parameter /mlops/role/lead (or set portfolio_principal_arns)",
      '  5. in SageMaker Studio, enable "SageMaker project templates" for the domain and its users',
      '  6. nothing to bootstrap for the projects themselves: Service Catalog provisions each as the launch role this module creates (LaunchRoleArn output)',
      '',
      `account ${ACCOUNTS.preprod}, ${R}: preprod`,
      `  1. ${create('endpoint')}`,
      `  2. cdk bootstrap aws://${ACCOUNTS.preprod}/${R} --trust ${ACCOUNTS.dev} --cloudformation-execution-policies ${arn('endpoint', ACCOUNTS.preprod)}`,
      `  3. ${stageStep('preprod')}`,
      '',
      `account ${ACCOUNTS.prod}, ${R}: prod`,
      `  1. ${create('endpoint')}`,
      `  2. cdk bootstrap aws://${ACCOUNTS.prod}/${R} --trust ${ACCOUNTS.dev} --cloudformation-execution-policies ${arn('endpoint', ACCOUNTS.prod)}`,
      `  3. ${stageStep('prod')}`,
      '',
    ]);
  });

  it('drops the SSM step with portfolio_principal_arns, adds the Git step with codeconnections, and passes the qualifier', () => {
    const lines = block({
      ...REQUIRED,
      portfolio_principal_arns: [`arn:aws:iam::${ACCOUNTS.dev}:role/studio-execution`],
      repository_type: 'codeconnections',
      code_connection_arn: CONNECTION_ARN,
      cdk_bootstrap_qualifier: 'mlops1',
    });
    expect(lines.some((l) => l.includes('/mlops/role/lead'))).toBe(false);
    expect(lines).toContain(
      `  6. make the connection ${CONNECTION_ARN} AVAILABLE; create both repositories of a project and push the seed code (the zips named by SSM /mlops/code/build and /mlops/code/deploy) before creating the project`,
    );
    expect(lines.filter((l) => l.includes('cdk bootstrap')).every((l) => l.endsWith(' --qualifier mlops1'))).toBe(true);
    expect(lines.filter((l) => l.includes('cdk bootstrap'))).toHaveLength(3);
  });

  describe('every resource type is covered by what deploys it', () => {
    it('the module stack: the portfolio policy', () => {
      for (const parameters of [REQUIRED, { ...REQUIRED, portfolio_principal_arns: [`arn:aws:iam::${ACCOUNTS.dev}:role/studio-execution`] }]) {
        const types = resourceTypesOf([templates(synth(parameters).stack).module.toJSON()]);
        expect(types).toContain('AWS::ServiceCatalog::LaunchRoleConstraint');
        expect(executionPolicyGaps(types, read('portfolio'))).toEqual(NO_GAPS);
      }
    });

    it('the product template: the launch role (Service Catalog provisions it, not CloudFormation with a bootstrap role)', () => {
      for (const parameters of [REQUIRED, { ...REQUIRED, repository_type: 'codeconnections', code_connection_arn: CONNECTION_ARN }]) {
        const { stack } = synth(parameters);
        const { module, product } = templates(stack);
        const statements = launchRoleStatements(stack, module);
        expect(statements.length).toBeGreaterThan(0);
        const types = resourceTypesOf([product.toJSON()]);
        expect(types).toContain('AWS::CodePipeline::Pipeline');
        const { unknownTypes, missingActions } = executionPolicyGaps(types, { Statement: statements });
        expect(unknownTypes).toEqual([]);
        // Only the known gaps, which a fix of the launch role may close (then shrink the list).
        // Exactly the deliberate gaps: a new gap fails, and so does a stale entry of the list.
        const sorted = (m: Record<string, readonly string[]>) => Object.fromEntries(Object.entries(m).map(([t, a]) => [t, [...a].sort()]));
        const known = Object.fromEntries(Object.entries(KNOWN_LAUNCH_ROLE_GAPS).filter(([type]) => types.includes(type)));
        // The role passes the configured connection only: with CodeCommit repositories there is none to pass.
        if (!('code_connection_arn' in parameters)) known['AWS::CodePipeline::Pipeline'] = [...known['AWS::CodePipeline::Pipeline'], 'codestar-connections:PassConnection', 'codeconnections:PassConnection'];
        expect(sorted(missingActions)).toEqual(sorted(known));
      }
    });

    it('the deploy app\'s EndpointStack templates (dev, preprod, prod): the endpoint policy', () => {
      const outdir = mkdtempSync(join(tmpdir(), 'deploy-app-'));
      const app = new App({ outdir, context: JSON.parse(readFileSync(join(SEED_CODE_DIR, 'deploy-app', 'cdk.json'), 'utf8')).context });
      const settings = settingsFromEnvironment({
        SAGEMAKER_PROJECT_NAME: 'churn',
        SAGEMAKER_PROJECT_ID: 'p-abc123def456',
        MODEL_PACKAGE_GROUP_NAME: 'churn-p-abc123def456',
        DEV_ACCOUNT_ID: ACCOUNTS.dev,
        PREPROD_ACCOUNT_ID: ACCOUNTS.preprod,
        PROD_ACCOUNT_ID: ACCOUNTS.prod,
        DEPLOYMENT_REGION: R,
        MODEL_BUCKET_NAME: 'sc-111111111111-pp-abc-sharedartifacts',
        MODEL_BUCKET_KMS_KEY_ARN: `arn:aws:kms:${R}:${ACCOUNTS.dev}:key/12345678-1234-1234-1234-123456789abc`,
        ECR_REPOSITORY_ARN: `arn:aws:ecr:${R}:${ACCOUNTS.dev}:repository/sagemaker-p-abc123def456`,
        STAGING_TEST_ROLE_ARN: `arn:aws:iam::${ACCOUNTS.dev}:role/sagemaker-project/churn-p-abc123def456-tester`,
      });
      const stacks = buildDeployApp(app, settings, { arn: `arn:aws:sagemaker:${R}:${ACCOUNTS.dev}:model-package/churn-p-abc123def456/7`, version: 7 }, join(SEED_CODE_DIR, 'deploy-app', 'config'));
      const assembly = app.synth();
      const endpointTemplates = DEPLOY_STAGES.map((stage) => assembly.getStackArtifact(stacks[stage].artifactId).template);
      const types = resourceTypesOf(endpointTemplates);
      expect(types).toContain('AWS::SageMaker::Endpoint');
      expect(executionPolicyGaps(types, read('endpoint'))).toEqual(NO_GAPS);
    });
  });
});
