/**
 * What the product's deploy pipeline and the seeded deploy app agree on. The deploy app is the user's code
 * (it cannot import this module), so a test synthesizes the seed and checks it against these names.
 */

/** The environment the Build (synth) project gives the deploy app. */
export const DEPLOY_APP_ENVIRONMENT_VARIABLES = [
  'SAGEMAKER_PROJECT_NAME',
  'SAGEMAKER_PROJECT_ID',
  'MODEL_PACKAGE_GROUP_NAME',
  'DEV_ACCOUNT_ID',
  'PREPROD_ACCOUNT_ID',
  'PROD_ACCOUNT_ID',
  'DEPLOYMENT_REGION',
  'MODEL_BUCKET_NAME',
  'MODEL_BUCKET_KMS_KEY_ARN',
  'ECR_REPOSITORY_ARN',
  'STAGING_TEST_ROLE_ARN',
] as const;

/** Written by the deploy app's synth into cdk.out: `export NAME=value` lines the Build action exports. */
export const DEPLOY_VARIABLES_FILE = 'pipeline-variables.env';

/** The report the SecurityEvaluation stage writes and keeps as an artifact. */
export const SECURITY_REPORT_FILE = 'security-report.json';

/**
 * The validation report CDK writes into every cloud assembly whose app has policy-validation plugins
 * (`cxapi.VALIDATION_REPORT_FILE`): one entry per plugin, with its open and its acknowledged violations.
 */
export const POLICY_VALIDATION_REPORT_FILE = 'validation-report.json';

/** The plugins whose reports SecurityEvaluation requires: cdk-nag's AwsSolutions pack and the Control Tower controls. */
export const REQUIRED_VALIDATION_PLUGINS = ['AwsSolutions', 'cdk-validator-cfnguard'] as const;

/**
 * Written by the deploy app's report-only plugins into the cloud assembly: the names of the plugins that ran.
 * CDK leaves a plugin without open or acknowledged findings out of its report, so the report alone cannot
 * show that a check ran.
 */
export const CHECKS_RUN_FILE = 'security-checks.json';
