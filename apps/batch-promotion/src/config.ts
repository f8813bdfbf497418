import {
  accountId,
  booleanParam,
  cdkBootstrapQualifier,
  codeCommitRepositoryName,
  ConfigError,
  ConfigIssue,
  connectionArn,
  emailAddress,
  gitBranchName,
  iamRoleArn,
  listParam,
  modelPackageGroupName,
  ModuleContext,
  partitionOfRegion,
  permissionsBoundaryName,
  region,
  repositoryOwnerAndName,
  repositoryRules,
  repositoryType,
  s3BucketArn,
  sagemakerProjectId,
  sagemakerProjectName,
  securityGroupId,
  ssmParameterName,
  subnetId,
} from '@sagemaker-mlops/config';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Value schemas
// ---------------------------------------------------------------------------------------------

const SAGEMAKER_PROJECT_ARN = /^arn:(aws[a-z-]*):sagemaker:([a-z0-9-]+):(\d{12}):project\/([a-zA-Z0-9](-*[a-zA-Z0-9]){0,31})$/;

/** A parsed SageMaker project ARN. */
export interface ParsedProjectArn {
  readonly arn: string;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly name: string;
}

const projectArn = z.string().transform((value, ctx): ParsedProjectArn => {
  const match = SAGEMAKER_PROJECT_ARN.exec(value);
  if (!match) {
    ctx.addIssue({ code: 'custom', input: value, message: 'expected a SageMaker project ARN such as arn:aws:sagemaker:<region>:<account>:project/<name> (the seed\'s SAGEMAKER_PROJECT_ARN)' });
    return z.NEVER;
  }
  return { arn: value, partition: match[1], region: match[2], account: match[3], name: match[4] };
});

/** Re-exported: the connection ARN schema moved to @sagemaker-mlops/config, which the project modules share. */
export type { ParsedConnectionArn } from '@sagemaker-mlops/config';

/**
 * An SSM parameter name of the stage accounts' (and dev's) VPC settings, fully qualified: `/…`. The shared schema also
 * takes names without the leading `/`; here they are refused because the reference's mismatch was exactly that
 * (`/{env}/sagemaker-domain-sg` read, `sagemaker-domain-sg` written), and one spelling per parameter avoids it.
 */
const vpcParameterName = ssmParameterName.refine((n) => n.startsWith('/') || !ssmParameterName.safeParse(n).success, 'give the fully qualified name, starting with "/" (e.g. /mlops/vpc/private-subnet-ids)');

const nonEmptyList = <T extends z.ZodType>(item: T, what: string) =>
  listParam(item).refine((list) => list.length > 0, `an empty list places the jobs in no ${what}; list at least one, or leave the parameter out`);

// ---------------------------------------------------------------------------------------------
// The parameters
// ---------------------------------------------------------------------------------------------

/**
 * Every parameter of the batch-promotion module, in Seedfarmer snake_case. The seed's GitHub secrets and
 * variables become parameters: `AWS_PREPROD_ACCOUNT_NUMBER` is `preprod_account`, `AWS_PROD_ACCOUNT_NUMBER` is
 * `prod_account`, `AWS_REGION` the module's region (default of `preprod_region`/`prod_region`), `AWS_DEV_ACCOUNT_NUMBER`
 * the module's account, `SAGEMAKER_PIPELINE_ROLE_ARN` is `pipeline_role_arn`, `SAGEMAKER_PROJECT_NAME_ID` is
 * `model_package_group_name`. Defaults that depend on other parameters are applied by {@link resolveBatchPromotionConfig}.
 */
export const batchPromotionParameters = z
  .object({
    sagemaker_project_name: sagemakerProjectName("required, but not set; give the SageMaker project name (the seed's SAGEMAKER_PROJECT_NAME)"),
    sagemaker_project_id: sagemakerProjectId("required, but not set; give the SageMaker project id (the seed's SAGEMAKER_PROJECT_ID, e.g. p-abc123def456)"),
    sagemaker_project_arn: projectArn.optional(),
    preprod_account: accountId,
    prod_account: accountId,
    preprod_region: region.optional(),
    prod_region: region.optional(),
    model_package_group_name: modelPackageGroupName.optional(),
    pipeline_role_arn: iamRoleArn.optional(),

    repository_type: repositoryType.default('codecommit'),
    repository_name: codeCommitRepositoryName.optional(),
    code_connection_arn: connectionArn.optional(),
    repository_owner_and_name: repositoryOwnerAndName('my-org/churn-batch-promotion').optional(),
    branch: gitBranchName({ rejectRefs: true }).default('main'),

    vpc_subnet_ids: nonEmptyList(subnetId, 'subnets').optional(),
    vpc_security_group_ids: nonEmptyList(securityGroupId, 'security groups').optional(),
    vpc_subnet_ids_parameter: vpcParameterName.optional(),
    vpc_security_group_ids_parameter: vpcParameterName.optional(),

    approval_email_addresses: nonEmptyList(emailAddress, 'addresses').optional(),
    cdk_bootstrap_qualifier: cdkBootstrapQualifier.default('hnb659fds'),
    retain_on_delete: booleanParam.default(true),
    permissions_boundary_name: permissionsBoundaryName.optional(),
    s3_access_logs_bucket_arn: s3BucketArn.optional(),
  })
  .strict();

export type BatchPromotionParameters = z.output<typeof batchPromotionParameters>;

// ---------------------------------------------------------------------------------------------
// Resolved configuration
// ---------------------------------------------------------------------------------------------

/** The promotion stages after dev, in order. */
export const STAGES = ['preprod', 'prod'] as const;
export type StageName = (typeof STAGES)[number];

/** AWS name limits the derived names are checked against. */
export const NAME_LIMITS = { role: 64, rule: 64, bucket: 63, codePipeline: 100, sagemakerPipeline: 256, dashboard: 255, stack: 128 } as const;

/** Every name this module derives from the project, per stage where it differs. */
export function derivedNames(projectName: string, projectId: string) {
  const base = `${projectName}-${projectId}`;
  const lowerId = projectId.toLowerCase();
  return {
    base,
    /** The promotion CodePipeline (dev account). */
    codePipeline: `${base}-batch-promotion`,
    repository: `${base}-pipeline-promotion`,
    /** The SageMaker pipeline of a stage; `dev` runs in the module's account. */
    sagemakerPipeline: (stage: StageName | 'dev') => `${base}-${stage}-pipeline`,
    dashboard: (stage: StageName) => `${base}-${stage}-dashboard`,
    /** The CloudFormation stack of a stage. */
    stageStack: (stage: StageName) => `${base}-${stage}-batch-inference`,
    /** The SageMaker execution role of a stage's pipeline (created in the stage account by the stage template). */
    executionRole: (stage: StageName | 'dev') => `${base}-${stage}-sm-execution`,
    scheduleRole: (stage: StageName) => `${base}-${stage}-scheduler`,
    scheduleRule: (stage: StageName) => `${base}-${stage}-schedule`,
    approverRole: (stage: StageName) => `${base}-${stage}-approver`,
    /** The artifacts bucket of a stage (or of dev, which also holds the releases the stages read). */
    bucket: (stage: StageName | 'dev', account: string) => `${lowerId}-${stage}-artifacts-${account}`,
    pushRule: `${base}-repo-push`,
  };
}

/** Subnets and security groups of the SageMaker jobs, the same ids in dev and in every stage account. */
export interface VpcSettings {
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

/**
 * The names of SSM parameters (StringList, or String of comma-separated ids) that hold the subnets and security
 * groups of the jobs, the same names in dev and in every stage account, each account holding its own ids. CloudFormation
 * resolves them in each account through SSM parameter types of the templates.
 */
export interface VpcParameterNames {
  readonly subnetIds: string;
  readonly securityGroupIds: string;
}

/** One promotion stage with every default applied. */
export interface StageSettings {
  readonly name: StageName;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly stackName: string;
  readonly sagemakerPipelineName: string;
  readonly dashboardName: string;
  readonly executionRoleName: string;
  readonly bucketName: string;
  /**
   * Whether this stage's stack creates the model package group: false when dev or an earlier stage shares its
   * account and region, where the group already exists (group names are unique per account and region).
   */
  readonly createsModelPackageGroup: boolean;
}

export type RepositorySettings =
  | { readonly type: 'codecommit'; readonly name: string; readonly branch: string }
  | { readonly type: 'codeconnections'; readonly connectionArn: string; readonly ownerAndName: string; readonly branch: string };

/** The validated configuration of the module. */
export interface BatchPromotionConfig {
  readonly projectName: string;
  readonly projectId: string;
  readonly projectArn?: string;
  readonly modelPackageGroupName: string;
  /** The dev SageMaker pipeline's role: given, or created by this module (`created`). */
  readonly devPipelineRole: { readonly kind: 'given'; readonly arn: string } | { readonly kind: 'created'; readonly name: string };
  readonly devPipelineName: string;
  readonly devBucketName: string;
  readonly repository: RepositorySettings;
  readonly stages: readonly StageSettings[];
  /** @default - no VPC ids (see `vpcParameters`) */
  readonly vpc?: VpcSettings;
  /** @default - no VPC from SSM (see `vpc`); never set together with `vpc` */
  readonly vpcParameters?: VpcParameterNames;
  readonly approvalEmailAddresses: readonly string[];
  readonly cdkBootstrapQualifier: string;
  readonly retainOnDelete: boolean;
  readonly permissionsBoundaryName?: string;
  readonly s3AccessLogsBucketArn?: string;
  /** The module's (dev) account, region and partition. */
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

/**
 * Applies the defaults that depend on other parameters or on the module's account and region, and checks every
 * rule that spans parameters. Throws one ConfigError listing every problem.
 */
export function resolveBatchPromotionConfig(p: BatchPromotionParameters, module: ModuleContext): BatchPromotionConfig {
  const issues: ConfigIssue[] = [];
  const issue = (path: string, received: unknown, message: string) => issues.push({ path, received, message });
  const names = derivedNames(p.sagemaker_project_name, p.sagemaker_project_id);
  const partition = partitionOfRegion(module.region);

  // Repository.
  for (const rule of repositoryRules(p, module, issue)) rule();
  const repository: RepositorySettings =
    p.repository_type === 'codeconnections'
      ? { type: 'codeconnections', connectionArn: p.code_connection_arn?.arn ?? '', ownerAndName: p.repository_owner_and_name ?? '', branch: p.branch }
      : { type: 'codecommit', name: p.repository_name ?? names.repository, branch: p.branch };

  // Stages.
  const stages: StageSettings[] = STAGES.map((name, index) => {
    const account = p[`${name}_account`];
    const stageRegion = p[`${name}_region`] ?? module.region;
    if (partitionOfRegion(stageRegion) !== partition) {
      issue(`${name}_region`, stageRegion, `is in another partition than the module's region ${module.region}; CodePipeline cannot deploy across partitions`);
    }
    // One model package group per account and region: dev's stack creates it in the module's account and region,
    // and a later stage sharing account and region with an earlier one reuses that stage's group.
    const sharesGroup =
      (account === module.account && stageRegion === module.region) ||
      STAGES.slice(0, index).some((earlier) => p[`${earlier}_account`] === account && (p[`${earlier}_region`] ?? module.region) === stageRegion);
    return {
      name,
      account,
      region: stageRegion,
      partition,
      stackName: names.stageStack(name),
      sagemakerPipelineName: names.sagemakerPipeline(name),
      dashboardName: names.dashboard(name),
      executionRoleName: names.executionRole(name),
      bucketName: names.bucket(name, account),
      createsModelPackageGroup: !sharesGroup,
    };
  });
  // Project ARN.
  const arn = p.sagemaker_project_arn;
  if (arn && arn.name !== p.sagemaker_project_name) {
    issue('sagemaker_project_arn', arn.arn, `names project ${arn.name}, but sagemaker_project_name is ${p.sagemaker_project_name}; give the ARN of this project`);
  }
  if (arn && arn.partition !== partition) issue('sagemaker_project_arn', arn.arn, `is an ARN of partition ${arn.partition}; the module's region ${module.region} is in ${partition}`);

  // Dev pipeline role.
  const role = p.pipeline_role_arn;
  if (role && role.account !== module.account) {
    issue('pipeline_role_arn', role.arn, `the dev SageMaker pipeline runs in the module's account ${module.account}; give a role of that account (or leave it out to have one created)`);
  }

  // VPC: ids valid in dev and every stage account (a VPC shared through AWS RAM), or SSM names.
  let vpc: VpcSettings | undefined;
  let vpcParameters: VpcParameterNames | undefined;
  const direct = p.vpc_subnet_ids !== undefined || p.vpc_security_group_ids !== undefined;
  const viaSsm = p.vpc_subnet_ids_parameter !== undefined || p.vpc_security_group_ids_parameter !== undefined;
  if (direct && viaSsm) {
    issue('vpc_subnet_ids_parameter', p.vpc_subnet_ids_parameter, 'give the VPC either as ids (vpc_subnet_ids, vpc_security_group_ids) or as SSM parameter names, not both');
  } else if (direct) {
    if (!p.vpc_subnet_ids) issue('vpc_subnet_ids', undefined, 'required with vpc_security_group_ids: jobs in a VPC need both');
    if (!p.vpc_security_group_ids) issue('vpc_security_group_ids', undefined, 'required with vpc_subnet_ids: jobs in a VPC need both');
    if (p.vpc_subnet_ids && p.vpc_security_group_ids) {
      if (p.vpc_subnet_ids.length > 16) issue('vpc_subnet_ids', p.vpc_subnet_ids, 'SageMaker jobs take at most 16 subnets');
      if (p.vpc_security_group_ids.length > 5) issue('vpc_security_group_ids', p.vpc_security_group_ids, 'SageMaker jobs take at most 5 security groups');
      vpc = { subnetIds: p.vpc_subnet_ids, securityGroupIds: p.vpc_security_group_ids };
    }
  } else if (viaSsm) {
    // Each account resolves the names itself (SSM parameter types of the module's and the stage template), so the
    // names come from configuration only: nothing is derived from the stage name.
    if (!p.vpc_subnet_ids_parameter) issue('vpc_subnet_ids_parameter', undefined, 'required with vpc_security_group_ids_parameter: jobs in a VPC need both');
    if (!p.vpc_security_group_ids_parameter) issue('vpc_security_group_ids_parameter', undefined, 'required with vpc_subnet_ids_parameter: jobs in a VPC need both');
    if (p.vpc_subnet_ids_parameter && p.vpc_security_group_ids_parameter) {
      vpcParameters = { subnetIds: p.vpc_subnet_ids_parameter, securityGroupIds: p.vpc_security_group_ids_parameter };
    }
  }

  // The loader already refuses ARNs of another partition than the module region's.
  const accessLogs = p.s3_access_logs_bucket_arn;

  // Derived names that AWS limits.
  const limited: Array<[string, number]> = [
    [names.codePipeline, NAME_LIMITS.codePipeline],
    [names.pushRule, NAME_LIMITS.rule],
    [names.bucket('dev', module.account), NAME_LIMITS.bucket],
    [names.executionRole('dev'), NAME_LIMITS.role],
    ...STAGES.flatMap((stage): Array<[string, number]> => [
      [names.executionRole(stage), NAME_LIMITS.role],
      [names.scheduleRole(stage), NAME_LIMITS.role],
      [names.approverRole(stage), NAME_LIMITS.role],
      [names.scheduleRule(stage), NAME_LIMITS.rule],
      [names.stageStack(stage), NAME_LIMITS.stack],
    ]),
  ];
  const tooLong = limited.find(([name, limit]) => name.length > limit);
  if (tooLong) {
    issue(
      'sagemaker_project_name',
      p.sagemaker_project_name,
      `with sagemaker_project_id "${p.sagemaker_project_id}" the derived name ${tooLong[0]} exceeds the ${tooLong[1]} characters AWS allows; shorten the project name or id`,
    );
  }

  if (issues.length) throw new ConfigError(`Parameters of module ${module.moduleName}`, issues);
  return {
    projectName: p.sagemaker_project_name,
    projectId: p.sagemaker_project_id,
    projectArn: arn?.arn,
    modelPackageGroupName: p.model_package_group_name ?? names.base,
    devPipelineRole: role ? { kind: 'given', arn: role.arn } : { kind: 'created', name: names.executionRole('dev') },
    devPipelineName: names.sagemakerPipeline('dev'),
    devBucketName: names.bucket('dev', module.account),
    repository,
    stages,
    vpc,
    vpcParameters,
    approvalEmailAddresses: p.approval_email_addresses ?? [],
    cdkBootstrapQualifier: p.cdk_bootstrap_qualifier,
    retainOnDelete: p.retain_on_delete,
    permissionsBoundaryName: p.permissions_boundary_name,
    s3AccessLogsBucketArn: accessLogs?.arn,
    account: module.account,
    region: module.region,
    partition,
  };
}
