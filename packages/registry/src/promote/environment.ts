import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClient } from '../aws-client';
import { PromoteEnvironmentError } from '../errors';
import { parseModelPackageGroupArn, type ModelPackageGroupRef } from '../model-registry/arn';
import { send } from '../private/aws';
import type { Sleep } from '../private/retry';
import type { EcrClientSource } from './container-images';
import { promote, type PromotionReport } from './promote';

/** The promote command's configuration, parsed from its environment variables. */
export interface PromoteEnvironment {
  /** `SOURCE_MODEL_PACKAGE_GROUP_ARN`, parsed. */
  readonly sourceGroup: ModelPackageGroupRef;
  /** `TARGET_BUCKET_NAME`. */
  readonly targetBucket: string;
  /** `TARGET_MODEL_PACKAGE_GROUP_NAME`, defaulting to the source group's name (as the seed module does). */
  readonly targetGroupName: string;
  /**
   * `TARGET_ACCOUNT`.
   *
   * @default - the caller's account, from STS GetCallerIdentity
   */
  readonly targetAccount?: string;
  /**
   * `KMS_KEY_ARN`.
   *
   * @default - the target bucket's default encryption
   */
  readonly kmsKeyArn?: string;
  /**
   * `SAGEMAKER_PROJECT_ID`.
   *
   * @default - no project tag
   */
  readonly projectId?: string;
  /**
   * `SAGEMAKER_PROJECT_NAME`.
   *
   * @default - no project tag
   */
  readonly projectName?: string;
  /** `PROMOTED_BY`: the promote module's stack name. */
  readonly promotedBy: string;
  /** `REPORT_PATH`, default `promotion-report.json`. */
  readonly reportPath: string;
}

/** Clients of {@link promoteFromEnvironment}. */
export interface PromoteEnvironmentClients {
  /** Gives a SageMaker client in a region: the source group's region is only known after parsing. */
  readonly sourceSageMaker: (region: string) => AwsClient;
  /** SageMaker in the current (target) region. */
  readonly targetSageMaker: AwsClient;
  /** S3 in the current region. */
  readonly s3: AwsClient;
  /** ECR, or ECR per region. */
  readonly ecr: EcrClientSource;
  /** STS, to find the target account when TARGET_ACCOUNT is not set. */
  readonly sts: AwsClient;
}

/** Hooks of {@link promoteFromEnvironment}. */
export interface PromoteEnvironmentHooks {
  /**
   * How retries wait.
   *
   * @default - setTimeout
   */
  readonly sleep?: Sleep;
  /**
   * Receives one line per step.
   *
   * @default - silent
   */
  readonly log?: (message: string) => void;
}

/** The environment variables the promote command reads. */
export const PROMOTE_ENVIRONMENT_VARIABLES = [
  'SOURCE_MODEL_PACKAGE_GROUP_ARN',
  'TARGET_BUCKET_NAME',
  'TARGET_MODEL_PACKAGE_GROUP_NAME',
  'TARGET_ACCOUNT',
  'KMS_KEY_ARN',
  'SAGEMAKER_PROJECT_ID',
  'SAGEMAKER_PROJECT_NAME',
  'PROMOTED_BY',
  'REPORT_PATH',
] as const;

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const GROUP_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const ACCOUNT = /^\d{12}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[a-zA-Z0-9/_-]+$/;

/**
 * Parses and validates the promote command's environment; every problem is reported at once.
 *
 * Empty variables count as unset (CodeBuild passes optional values as empty strings).
 *
 * @throws PromoteEnvironmentError listing each variable that is missing or invalid, and what to do
 */
export function parsePromoteEnvironment(env: Readonly<Record<string, string | undefined>>): PromoteEnvironment {
  const problems: string[] = [];
  const read = (name: (typeof PROMOTE_ENVIRONMENT_VARIABLES)[number]): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const required = (name: (typeof PROMOTE_ENVIRONMENT_VARIABLES)[number], what: string): string | undefined => {
    const value = read(name);
    if (value === undefined) {
      problems.push(`${name} is missing: set it to ${what}`);
    }
    return value;
  };

  const sourceArn = required('SOURCE_MODEL_PACKAGE_GROUP_ARN', 'the ARN of the source model package group');
  let sourceGroup: ModelPackageGroupRef | undefined;
  if (sourceArn !== undefined) {
    try {
      sourceGroup = parseModelPackageGroupArn(sourceArn);
    } catch (error) {
      problems.push(`SOURCE_MODEL_PACKAGE_GROUP_ARN: ${(error as Error).message}`);
    }
  }
  const targetBucket = required('TARGET_BUCKET_NAME', 'the name of the target bucket');
  if (targetBucket !== undefined && (!BUCKET_NAME.test(targetBucket) || targetBucket.includes('..'))) {
    problems.push(`TARGET_BUCKET_NAME: "${targetBucket}" is not a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)`);
  }
  const targetGroupName = read('TARGET_MODEL_PACKAGE_GROUP_NAME');
  if (targetGroupName !== undefined && !GROUP_NAME.test(targetGroupName)) {
    problems.push(
      `TARGET_MODEL_PACKAGE_GROUP_NAME: "${targetGroupName}" is not a valid model package group name ` +
        '(1-63 letters, digits and single hyphens, starting and ending with a letter or digit)',
    );
  }
  const targetAccount = read('TARGET_ACCOUNT');
  if (targetAccount !== undefined && !ACCOUNT.test(targetAccount)) {
    problems.push(`TARGET_ACCOUNT: "${targetAccount}" is not a 12-digit AWS account id (leave it unset to use the caller's account)`);
  }
  const kmsKeyArn = read('KMS_KEY_ARN');
  if (kmsKeyArn !== undefined && !KMS_KEY_ARN.test(kmsKeyArn)) {
    problems.push(`KMS_KEY_ARN: "${kmsKeyArn}" is not a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)`);
  }
  const promotedBy = required('PROMOTED_BY', "the promote module's stack name");

  if (problems.length > 0 || sourceGroup === undefined || targetBucket === undefined || promotedBy === undefined) {
    throw new PromoteEnvironmentError(problems);
  }
  return {
    sourceGroup,
    targetBucket,
    targetGroupName: targetGroupName ?? sourceGroup.name,
    targetAccount,
    kmsKeyArn,
    projectId: read('SAGEMAKER_PROJECT_ID'),
    projectName: read('SAGEMAKER_PROJECT_NAME'),
    promotedBy,
    reportPath: read('REPORT_PATH') ?? 'promotion-report.json',
  };
}

/**
 * Runs one promotion configured by environment variables (the CodeBuild step).
 *
 * @returns the report and where the caller should write it
 */
export async function promoteFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  clients: PromoteEnvironmentClients,
  hooks: PromoteEnvironmentHooks = {},
): Promise<{ report: PromotionReport; reportPath: string; environment: PromoteEnvironment }> {
  const environment = parsePromoteEnvironment(env);
  const targetAccount = environment.targetAccount ?? (await callerAccount(clients.sts));
  const report = await promote({
    clients: {
      sourceSageMaker: clients.sourceSageMaker(environment.sourceGroup.region),
      targetSageMaker: clients.targetSageMaker,
      s3: clients.s3,
      ecr: clients.ecr,
    },
    sourceGroupArn: environment.sourceGroup,
    targetAccount,
    targetGroupName: environment.targetGroupName,
    targetBucket: environment.targetBucket,
    kmsKeyArn: environment.kmsKeyArn,
    projectId: environment.projectId,
    projectName: environment.projectName,
    promotedBy: environment.promotedBy,
    sleep: hooks.sleep,
    log: hooks.log,
  });
  return { report, reportPath: environment.reportPath, environment };
}

/** One line summing up a promotion, for the build log. */
export function formatPromotionSummary(report: PromotionReport): string {
  const copy = report.copy;
  const rejected = report.rejected.length > 0 ? `; rejected ${report.rejected.join(', ')}` : '';
  return (
    `${report.status}: ${report.sourceModelPackageArn} -> ${report.targetModelPackageArn} ` +
    `(${copy.copied.length} objects copied, ${copy.skipped.length} already present, ` +
    `${copy.bytesCopiedServerSide} bytes copied server-side${rejected})`
  );
}

async function callerAccount(sts: AwsClient): Promise<string> {
  const identity = await send(sts, new GetCallerIdentityCommand({}), {
    action: 'sts:GetCallerIdentity',
    resource: 'caller identity',
    account: 'of the caller',
  });
  if (identity.Account === undefined) {
    throw new Error('STS GetCallerIdentity returned no Account; set TARGET_ACCOUNT');
  }
  return identity.Account;
}
