/** What the project's deploy pipeline tells the deploy app (environment of its Build project). */
export interface DeploySettings {
  readonly projectName: string;
  readonly projectId: string;
  readonly modelPackageGroupName: string;
  /** Account of each stage; dev is the project's (and the model registry's) account. */
  readonly accounts: { readonly dev: string; readonly preprod: string; readonly prod: string };
  /** Region every stage deploys to. */
  readonly region: string;
  /** The project's artifact bucket: the model artifacts the endpoints load. */
  readonly modelBucketName: string;
  /** The key that encrypts it. */
  readonly modelBucketKmsKeyArn: string;
  /** The project's image repository (images of your own inference containers). */
  readonly ecrRepositoryArn: string;
  /** The role of the staging test, which the preprod endpoint's test role trusts. */
  readonly stagingTestRoleArn: string;
}

const VARIABLES = {
  projectName: 'SAGEMAKER_PROJECT_NAME',
  projectId: 'SAGEMAKER_PROJECT_ID',
  modelPackageGroupName: 'MODEL_PACKAGE_GROUP_NAME',
  dev: 'DEV_ACCOUNT_ID',
  preprod: 'PREPROD_ACCOUNT_ID',
  prod: 'PROD_ACCOUNT_ID',
  region: 'DEPLOYMENT_REGION',
  modelBucketName: 'MODEL_BUCKET_NAME',
  modelBucketKmsKeyArn: 'MODEL_BUCKET_KMS_KEY_ARN',
  ecrRepositoryArn: 'ECR_REPOSITORY_ARN',
  stagingTestRoleArn: 'STAGING_TEST_ROLE_ARN',
} as const;

/** The environment variables the deploy app reads. */
export const ENVIRONMENT_VARIABLES: readonly string[] = Object.values(VARIABLES);

/**
 * Reads the settings from the environment (the deploy pipeline sets every variable; for a local synth, set
 * them yourself). Every missing or malformed variable is reported at once.
 */
export function settingsFromEnvironment(env: Readonly<Record<string, string | undefined>> = process.env): DeploySettings {
  const problems: string[] = [];
  const read = (name: string, pattern?: RegExp, what?: string): string => {
    const value = env[name];
    if (!value) problems.push(`${name}: not set`);
    else if (pattern && !pattern.test(value)) problems.push(`${name}: "${value}" is not ${what}`);
    return value ?? '';
  };
  const account = /^\d{12}$/;
  const settings: DeploySettings = {
    projectName: read(VARIABLES.projectName),
    projectId: read(VARIABLES.projectId),
    modelPackageGroupName: read(VARIABLES.modelPackageGroupName),
    accounts: {
      dev: read(VARIABLES.dev, account, 'a 12-digit account id'),
      preprod: read(VARIABLES.preprod, account, 'a 12-digit account id'),
      prod: read(VARIABLES.prod, account, 'a 12-digit account id'),
    },
    region: read(VARIABLES.region, /^[a-z]{2,4}(-[a-z]+)+-\d+$/, 'a region such as eu-west-1'),
    modelBucketName: read(VARIABLES.modelBucketName),
    modelBucketKmsKeyArn: read(VARIABLES.modelBucketKmsKeyArn, /^arn:aws[a-z-]*:kms:/, 'a KMS key ARN'),
    ecrRepositoryArn: read(VARIABLES.ecrRepositoryArn, /^arn:aws[a-z-]*:ecr:/, 'an ECR repository ARN'),
    stagingTestRoleArn: read(VARIABLES.stagingTestRoleArn, /^arn:aws[a-z-]*:iam::\d{12}:role\//, 'an IAM role ARN'),
  };
  if (problems.length) throw new Error(`The deploy app's environment is incomplete:\n- ${problems.join('\n- ')}`);
  return settings;
}
