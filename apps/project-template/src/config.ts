import {
  accountId,
  cdkBootstrapQualifier,
  ConfigError,
  connectionArn,
  ConfigIssue,
  iamRoleArn,
  listParam,
  ModuleContext,
  partitionOfRegion,
  permissionsBoundaryName,
  region,
  repositoryRules,
  repositoryType,
  s3BucketArn,
} from '@sagemaker-mlops/config';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Value schemas
// ---------------------------------------------------------------------------------------------

/** Re-exported: the connection ARN schema moved to @sagemaker-mlops/config, which the project modules share. */
export type { ParsedConnectionArn } from '@sagemaker-mlops/config';

// Service Catalog limits (CreatePortfolio / CreateProduct / ProvisioningArtifactProperties, AWS Service Catalog API Reference).
const portfolioName = z.string().min(1, 'give 1 to 100 characters').max(100, 'a Service Catalog portfolio name has at most 100 characters');
const portfolioOwner = z.string().min(1, 'give 1 to 50 characters').max(50, 'a Service Catalog portfolio owner has at most 50 characters');
const productVersion = z
  .unknown()
  .transform((value, ctx): string => {
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string' || !/^[\w.+-]{1,100}$/.test(text)) {
      ctx.addIssue({ code: 'custom', input: value, message: 'expected a product version name such as 1.0 (1 to 100 letters, digits, dots, +, - or _)' });
      return z.NEVER;
    }
    return text;
  });


/** A principal a Service Catalog portfolio can be shared with: an IAM role or user ARN (PrincipalType IAM). */
const principalArn = iamRoleArn;

// ---------------------------------------------------------------------------------------------
// The parameters
// ---------------------------------------------------------------------------------------------

/** Every parameter of the project-template module, in Seedfarmer snake_case (issue 12). */
export const projectTemplateParameters = z
  .object({
    preprod_account: accountId,
    prod_account: accountId,
    deployment_region: region.optional(),
    portfolio_name: portfolioName.default('SageMaker Organization Templates'),
    portfolio_owner: portfolioOwner.default('administrator'),
    product_version: productVersion.default('1.0'),
    portfolio_principal_arns: listParam(principalArn)
      .refine((list) => list.length > 0, 'a portfolio shared with nobody is invisible in Studio; list at least one role ARN, or leave the parameter out to use the role in /mlops/role/lead')
      .optional(),
    repository_type: repositoryType.default('codecommit'),
    code_connection_arn: connectionArn.optional(),
    cdk_bootstrap_qualifier: cdkBootstrapQualifier.default('hnb659fds'),
    permissions_boundary_name: permissionsBoundaryName.optional(),
    s3_access_logs_bucket_arn: s3BucketArn.optional(),
  })
  .strict();

export type ProjectTemplateParameters = z.output<typeof projectTemplateParameters>;

// ---------------------------------------------------------------------------------------------
// Resolved configuration
// ---------------------------------------------------------------------------------------------

/** The SSM parameter the reference reads the portfolio's principal from (`ExecutionRoleArn`). */
export const LEAD_ROLE_PARAMETER = '/mlops/role/lead';

/** The SSM parameters the module writes (names from the reference; the product and the seed code read them). */
export const SSM_PARAMETERS = {
  seedBucket: '/mlops/code/seed_bucket',
  buildSeed: '/mlops/code/build',
  deploySeed: '/mlops/code/deploy',
  /** Beyond the reference: the bundled tools the deploy pipeline runs (nothing installed at run time). */
  endpointTestTool: '/mlops/code/tools/endpoint-test',
  securityEvaluationTool: '/mlops/code/tools/security-evaluation',
  devAccount: '/mlops/dev/account_id',
  preprodAccount: '/mlops/preprod/account_id',
  preprodRegion: '/mlops/preprod/region',
  prodAccount: '/mlops/prod/account_id',
  prodRegion: '/mlops/prod/region',
  /** Beyond the reference, only when deployment_region differs from the module's: the artifact store there. */
  deployArtifactBucket: '/mlops/deploy/artifact_bucket',
  deployArtifactKeyArn: '/mlops/deploy/artifact_key_arn',
} as const;

/** Where the projects' Git repositories live. */
export type RepositorySettings = { readonly type: 'codecommit' } | { readonly type: 'codeconnections'; readonly connectionArn: string };

export interface ProjectTemplateConfig {
  readonly preprodAccount: string;
  readonly prodAccount: string;
  /** Region the deploy pipeline deploys the endpoints to, in every stage. */
  readonly deploymentRegion: string;
  readonly portfolioName: string;
  readonly portfolioOwner: string;
  readonly productVersion: string;
  /** Principals the portfolio is shared with; `undefined`: the role ARN in SSM `/mlops/role/lead`. */
  readonly portfolioPrincipalArns?: readonly string[];
  readonly repository: RepositorySettings;
  readonly cdkBootstrapQualifier: string;
  readonly permissionsBoundaryName?: string;
  readonly s3AccessLogsBucketArn?: string;
  /** The module's (dev) account and region. */
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

/**
 * Applies the defaults that depend on the module's account and region, and checks every rule that spans
 * parameters. Throws one ConfigError listing every problem.
 */
export function resolveProjectTemplateConfig(p: ProjectTemplateParameters, module: ModuleContext): ProjectTemplateConfig {
  const issues: ConfigIssue[] = [];
  const issue = (path: string, received: unknown, message: string) => issues.push({ path, received, message });
  const partition = partitionOfRegion(module.region);

  const deploymentRegion = p.deployment_region ?? module.region;
  // Another region of the same partition: the module then creates the deploy pipelines' artifact store there
  // (DeploymentRegionStack); CodePipeline cannot run actions across partitions.
  if (partitionOfRegion(deploymentRegion) !== partition) {
    issue('deployment_region', deploymentRegion, `is not of partition ${partition} of the module's region ${module.region}; give a region of that partition`);
  }

  // The projects create their own repositories: no repository_owner_and_name or repository_name here.
  for (const rule of repositoryRules(p, module, issue, { ownerAndName: false })) rule();
  const connection = p.code_connection_arn;
  if (p.repository_type === 'codeconnections' && connection && partitionOfRegion(connection.region) !== partition) {
    issue('code_connection_arn', connection.arn, `is not of partition ${partition}`);
  }
  const repository: RepositorySettings = p.repository_type === 'codeconnections' ? { type: 'codeconnections', connectionArn: connection?.arn ?? '' } : { type: 'codecommit' };

  for (const [index, principal] of (p.portfolio_principal_arns ?? []).entries()) {
    if (principal.partition !== partition) issue(`portfolio_principal_arns[${index}]`, principal.arn, `is not of partition ${partition}`);
    if (principal.account !== module.account) {
      issue(`portfolio_principal_arns[${index}]`, principal.arn, `a portfolio is shared with principals of its own account ${module.account} (the SageMaker Studio users' execution roles)`);
    }
  }

  const accessLogs = p.s3_access_logs_bucket_arn;
  if (accessLogs && accessLogs.partition !== partition) {
    issue('s3_access_logs_bucket_arn', accessLogs.arn, `S3 delivers server access logs to a bucket in the source bucket's account and region; give a bucket ARN of partition ${partition}`);
  }

  if (issues.length) throw new ConfigError(`Parameters of module ${module.moduleName}`, issues);
  return {
    preprodAccount: p.preprod_account,
    prodAccount: p.prod_account,
    deploymentRegion,
    portfolioName: p.portfolio_name,
    portfolioOwner: p.portfolio_owner,
    productVersion: p.product_version,
    portfolioPrincipalArns: p.portfolio_principal_arns?.map((a) => a.arn),
    repository,
    cdkBootstrapQualifier: p.cdk_bootstrap_qualifier,
    permissionsBoundaryName: p.permissions_boundary_name,
    s3AccessLogsBucketArn: accessLogs?.arn,
    account: module.account,
    region: module.region,
    partition,
  };
}
