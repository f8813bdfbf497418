import { createHash } from 'node:crypto';
import { DefaultStackSynthesizer } from 'aws-cdk-lib';
import {
  accountId,
  booleanParam,
  defineResolver,
  endpointVariantName,
  ENVIRONMENT_TYPES,
  environmentSchema,
  hostingInstanceType,
  intParam,
  jsonParam,
  listParam,
  ModuleContext,
  Partition,
  partitionOfRegion,
  region,
  resourceName,
  s3BucketArn,
} from '@sagemaker-mlops/config';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Repositories
// ---------------------------------------------------------------------------------------------

/** Git branch names: no spaces, no `..`, no leading `-` or `/` (git check-ref-format, simplified). */
const branchName = (what: string) =>
  z.unknown().transform((value, ctx): string => {
    if (typeof value !== 'string' || value.length === 0 || value.length > 255 || !/^(?!-|\/)(?!.*\.\.)(?!.*\/$)[A-Za-z0-9._\/-]+$/.test(value)) {
      ctx.addIssue({
        code: 'custom',
        input: value,
        message:
          value === undefined
            ? `required, but not set; give the ${what} (e.g. main)`
            : `expected a git branch name (letters, digits, ".", "_", "-" and "/", without ".." or a leading "-"), got ${JSON.stringify(value)}`,
      });
      return z.NEVER;
    }
    return value;
  });

/** CodeCommit repository names: 1 to 100 letters, digits, `.`, `_`, `-` (CreateRepository, CodeCommit API reference). */
const codeCommitRepositoryName = resourceName({
  what: 'CodeCommit repository name',
  maxLength: 100,
  pattern: /^[\w.-]+$/,
  rule: 'may contain only letters, digits, ".", "_" and "-"',
});

const connectionArn = z.unknown().transform((value, ctx): string => {
  if (typeof value !== 'string' || !/^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/.test(value)) {
    ctx.addIssue({
      code: 'custom',
      input: value,
      message:
        value === undefined
          ? 'required for host codeconnections, but not set; give the ARN of an AVAILABLE connection of the tooling account'
          : `expected a CodeConnections connection ARN (arn:<partition>:codeconnections:<region>:<account>:connection/<uuid>), got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return value;
});

const ownerAndName = z.unknown().transform((value, ctx): string => {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+$/.test(value)) {
    ctx.addIssue({
      code: 'custom',
      input: value,
      message: `expected the repository as "owner/name" (e.g. acme/model-build), got ${value === undefined ? 'nothing' : JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return value;
});

const HOSTS = ['codecommit', 'codeconnections'] as const;

const hostError = (issue: { input: unknown }) =>
  `expected host to be one of ${HOSTS.join(', ')}, got ${JSON.stringify((issue.input as { host?: unknown } | undefined)?.host ?? issue.input)}; ` +
  'CodeCommit is closed to new customers since 25 July 2024, so use codeconnections (GitHub, GitLab, Bitbucket) unless you already have CodeCommit';

/** The infra repository: `{host: codecommit, name, branch?}` or `{host: codeconnections, connectionArn, name: "owner/repo", branch?}`. */
const infraRepositorySchema = z.discriminatedUnion(
  'host',
  [
    z.strictObject({ host: z.literal('codecommit'), name: codeCommitRepositoryName, branch: branchName('branch').optional().default('main') }),
    z.strictObject({ host: z.literal('codeconnections'), connectionArn, name: ownerAndName, branch: branchName('branch').optional().default('main') }),
  ],
  { error: hostError },
);

/** The model build repository: the same shape without a branch (each group builds its own `sourceBranch`). */
const modelBuildRepositorySchema = z.discriminatedUnion(
  'host',
  [
    z.strictObject({ host: z.literal('codecommit'), name: codeCommitRepositoryName }),
    z.strictObject({ host: z.literal('codeconnections'), connectionArn, name: ownerAndName }),
  ],
  { error: hostError },
);

// ---------------------------------------------------------------------------------------------
// Deployment groups
// ---------------------------------------------------------------------------------------------

const ENVIRONMENT_TYPE = z.enum(ENVIRONMENT_TYPES, {
  error: (issue) =>
    issue.input === undefined
      ? `required, but not set; give one of ${ENVIRONMENT_TYPES.join(', ')}`
      : `expected one of ${ENVIRONMENT_TYPES.join(', ')}, got ${JSON.stringify(issue.input)}`,
});

/** Environment names become part of stack, stage and endpoint names. */
const environmentName = resourceName({ what: 'environment name', maxLength: 32 });

const deployEnvironmentSchema = z.strictObject({
  name: environmentName,
  account: accountId,
  type: ENVIRONMENT_TYPE,
  /** @default - the build environment's region */
  region: region.optional(),
  /**
   * Whether a manual approval comes before the deploy into this environment.
   *
   * @default - true for preprod and prod, false for dev
   */
  requireApproval: booleanParam.optional(),
  // The endpoint settings: the per-stage parameters of the shared endpoint template (InstanceType,
  // InstanceCount, VariantName, DataCaptureSamplingPercentage), validated as endpoint-deploy does.
  /** @default ml.m5.xlarge */
  instanceType: hostingInstanceType.optional(),
  /** @default 1 */
  instanceCount: intParam({ min: 1, max: 100 }).optional(),
  /** @default AllTraffic */
  variantName: endpointVariantName.optional(),
  /** @default 0 - the template captures, but samples no request until raised */
  dataCaptureSamplingPercentage: intParam({ min: 0, max: 100 }).optional(),
});

const deploymentGroupSchema = z.strictObject({
  name: resourceName({ what: 'deployment group name', maxLength: 32 }),
  sourceBranch: branchName('source branch of the model build repository'),
  buildEnvironment: environmentSchema.extend({ name: environmentName }),
  /** @default [] - only the build environment */
  deployEnvironments: z.array(deployEnvironmentSchema).optional().default([]),
});

const deploymentGroups = z
  .array(deploymentGroupSchema)
  .min(1, { message: 'give at least one deployment group ({name, sourceBranch, buildEnvironment, deployEnvironments})' })
  // The checks across groups and environments run even when an element failed its own schema (`when`),
  // on what parsed so far, so one error lists a bad account AND a duplicate name (issue 8, item 6): every
  // field is read defensively, and a check that needs a field that did not parse is skipped.
  .superRefine(
    (groups: unknown, ctx) => {
      if (!Array.isArray(groups)) return;
      const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
      const seen = new Map<string, number>();
      groups.forEach((group: any, index) => {
        const name = text(group?.name);
        const first = name === undefined ? undefined : seen.get(name.toLowerCase());
        if (name !== undefined && first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'name'],
            input: name,
            message: `deployment group name "${name}" is already used by deployment_groups[${first}]; group names must be unique (they name the pipelines)`,
          });
        } else if (name !== undefined) {
          seen.set(name.toLowerCase(), index);
        }
        const build = { name: text(group?.buildEnvironment?.name), account: text(group?.buildEnvironment?.account), region: text(group?.buildEnvironment?.region) };
        const deployEnvironments: any[] = Array.isArray(group?.deployEnvironments) ? group.deployEnvironments : [];
        const envs = new Map<string, number>();
        deployEnvironments.forEach((env, envIndex) => {
          const envName = text(env?.name);
          const previous = envName === undefined ? undefined : envs.get(envName.toLowerCase());
          if (envName !== undefined && previous !== undefined) {
            ctx.addIssue({
              code: 'custom',
              path: [index, 'deployEnvironments', envIndex, 'name'],
              input: envName,
              message: `environment name "${envName}" is already used by deployEnvironments[${previous}] of this group; environment names must be unique within a group`,
            });
          } else if (envName !== undefined) {
            envs.set(envName.toLowerCase(), envIndex);
          }
          const envRegion = env?.region === undefined ? build.region : text(env.region);
          if (envRegion !== undefined && build.region !== undefined && partitionOfRegion(envRegion) !== partitionOfRegion(build.region)) {
            ctx.addIssue({
              code: 'custom',
              path: [index, 'deployEnvironments', envIndex, 'region'],
              input: env.region,
              message: `region ${envRegion} is in another partition than the build environment's ${build.region}; a pipeline cannot deploy across partitions`,
            });
          }
        });
        // A listed environment with the build environment's name but another place would be deployed under one name twice.
        const clash = deployEnvironments.findIndex(
          (env) =>
            build.name !== undefined &&
            text(env?.name)?.toLowerCase() === build.name.toLowerCase() &&
            (text(env?.account) !== build.account || (env?.region === undefined ? build.region : text(env.region)) !== build.region),
        );
        if (clash >= 0) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'deployEnvironments', clash, 'name'],
            input: deployEnvironments[clash].name,
            message: `"${deployEnvironments[clash].name}" is the build environment's name, but in another account or region; rename one of them`,
          });
        }
      });
    },
    { when: () => true },
  );

const emailAddress = z.unknown().transform((value, ctx): string => {
  if (typeof value !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
    ctx.addIssue({ code: 'custom', input: value, message: `expected an e-mail address, got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return value;
});

const ssmParameterName = (what: string) =>
  resourceName({
    what,
    maxLength: 2048,
    pattern: /^\/[A-Za-z0-9_.\-/]+$/,
    rule: 'must be an SSM parameter name starting with "/" (letters, digits, "_", ".", "-", "/")',
  });

/**
 * The module's parameters, keyed as Seedfarmer sends them (`SEEDFARMER_PARAMETER_INFRA_REPO` ->
 * `infra_repo`); in a file, `infra-repo`, `infraRepo` and `infra_repo` all mean the same.
 */
export const modelCicdParameters = z.strictObject({
  /** The repository the infra pipeline synthesizes this module from (its branch defaults to main). */
  infra_repo: jsonParam(infraRepositorySchema),
  /** The model build repository; each group builds its own `sourceBranch`. */
  model_build_repo: jsonParam(modelBuildRepositorySchema),
  deployment_groups: jsonParam(deploymentGroups),
  /** @default - no permissions boundary (Seedfarmer's, when it sets one) */
  permissions_boundary_name: resourceName({
    what: 'permissions boundary policy name',
    maxLength: 128,
    pattern: /^[\w+=,.@-]+$/,
    rule: 'may contain only letters, digits and +=,.@_-',
  }).optional(),
  /** @default - each bucket logs to a log bucket of its own */
  s3_access_logs_bucket_arn: s3BucketArn.optional(),
  /** @default hnb659fds */
  cdk_bootstrap_qualifier: resourceName({
    what: 'CDK bootstrap qualifier',
    maxLength: 10,
    pattern: /^[a-z0-9]+$/,
    rule: 'may contain only lowercase letters and digits (cdk bootstrap --qualifier)',
  })
    .optional()
    .default('hnb659fds'),
  /** @default true - model artifacts, their key and the registry outlive the stacks */
  retain_on_delete: booleanParam.optional().default(true),
  /** @default [] - approvers watch the pipeline */
  approval_email_addresses: listParam(emailAddress).optional().default([]),
  /** @default - the endpoint is not in a VPC; with one, both are needed */
  vpc_subnet_ids_parameter: ssmParameterName('SSM parameter name of the subnet ids').optional(),
  vpc_security_group_ids_parameter: ssmParameterName('SSM parameter name of the security group ids').optional(),
});

export type ModelCicdParameters = z.output<typeof modelCicdParameters>;

// ---------------------------------------------------------------------------------------------
// Resolved configuration
// ---------------------------------------------------------------------------------------------

export type EnvironmentType = (typeof ENVIRONMENT_TYPES)[number];

/**
 * One environment's endpoint: the per-stage parameters of the shared endpoint template, written to
 * `<environment>-config.json`, which the deploy pipeline's build step turns into the template
 * configuration of that environment's deploy action.
 */
export interface EndpointSettings {
  /** `InstanceType`. */
  readonly instanceType: string;
  /** `InstanceCount`: the initial number of instances. */
  readonly instanceCount: number;
  /** `VariantName`: the production variant. */
  readonly variantName: string;
  /** `DataCaptureSamplingPercentage`: the share of requests captured. */
  readonly dataCaptureSamplingPercentage: number;
}

/**
 * The endpoint settings of an environment that sets none (and of the build environment when it is not
 * listed among the deploy environments): the reference's one `ml.m5.xlarge`.
 */
export const DEFAULT_ENDPOINT_SETTINGS: EndpointSettings = {
  instanceType: 'ml.m5.xlarge',
  instanceCount: 1,
  variantName: 'AllTraffic',
  dataCaptureSamplingPercentage: 0,
};

/** One environment a group's deploy pipeline deploys to, in order. */
export interface DeployEnvironment {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly type: EnvironmentType;
  /** A manual approval comes before the deploy. */
  readonly requireApproval: boolean;
  /** The staging test runs after the deploy (every non-prod environment). */
  readonly test: boolean;
  /** The endpoint's size and variant, with {@link DEFAULT_ENDPOINT_SETTINGS} for what the environment does not set. */
  readonly endpoint: EndpointSettings;
}

/** Names of a group's resources: unique per module, group and environment, within each service's limits. */
export interface GroupNames {
  /** Prefix of the group's names, at most 40 characters, ending in a hash of module and group. */
  readonly prefix: string;
  readonly buildPipeline: string;
  readonly deployPipeline: string;
  readonly modelPackageGroup: string;
  /** S3: at most 63 characters, lowercase. */
  readonly artifactsBucket: string;
  readonly sagemakerPipeline: string;
  readonly sagemakerExecutionRole: string;
  readonly toolingAccessRole: string;
  readonly eventBus: string;
  readonly forwardingRule: string;
  /** The endpoint template's project id (`<prefix>-<project id>-<environment>` is the endpoint name). */
  readonly endpointProjectName: string;
  readonly endpointProjectId: string;
}

export interface DeploymentGroup {
  readonly name: string;
  readonly sourceBranch: string;
  readonly buildEnvironment: { readonly name: string; readonly account: string; readonly region: string; readonly type: EnvironmentType };
  /** The build environment first when not listed (same account and region), then the listed ones. */
  readonly deployEnvironments: readonly DeployEnvironment[];
  readonly names: GroupNames;
}

export type Repository =
  | { readonly host: 'codecommit'; readonly name: string; readonly branch: string }
  | { readonly host: 'codeconnections'; readonly connectionArn: string; readonly name: string; readonly branch: string };

export interface ModelCicdConfig {
  /** `<project>-<deployment>-<module>`: the tooling stack name. */
  readonly projectName: string;
  readonly account: string;
  readonly region: string;
  readonly partition: Partition;
  readonly infraRepo: Repository;
  readonly modelBuildRepo:
    | { readonly host: 'codecommit'; readonly name: string }
    | { readonly host: 'codeconnections'; readonly connectionArn: string; readonly name: string };
  readonly groups: readonly DeploymentGroup[];
  readonly permissionsBoundaryName?: string;
  readonly s3AccessLogsBucketArn?: string;
  readonly cdkBootstrapQualifier: string;
  readonly retainOnDelete: boolean;
  readonly approvalEmailAddresses: readonly string[];
  readonly vpc?: { readonly subnetIdsParameter: string; readonly securityGroupIdsParameter: string };
}

/** A short, stable hash: keeps truncated names unique. */
export function shortHash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 8);
}

/** `text` lowercased, with runs of other characters than letters, digits and `-` turned into `-`, at most `max` characters. */
function sanitize(text: string, max: number): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, max)
    .replace(/^-+|-+$/g, '');
}

/**
 * The names of one group. The prefix is `<module>-<group>` cut to 31 characters plus a hash of the
 * module and group names, so two groups on one branch, or two modules with the same group names, never
 * collide (the reference names pipelines after the branch); environment names are appended where a
 * name is per environment (the endpoint-template naming: `<prefix>-<id>-<environment>`).
 */
export function groupNames(moduleStackName: string, groupName: string, buildAccount: string, buildRegion: string): GroupNames {
  const hash = shortHash(moduleStackName, groupName);
  const prefix = `${sanitize(`${moduleStackName}-${groupName}`, 31)}-${hash}`;
  // Endpoint names are <projectName>-<projectId>-<environment> and at most 63 characters; with an
  // environment name of at most 32, the first two get 30 (SageMaker CreateEndpoint, EndpointName).
  const endpointProjectName = sanitize(groupName, 20) || 'g';
  return {
    prefix,
    // CodePipeline pipeline names: at most 100 characters.
    buildPipeline: `${prefix}-build`,
    deployPipeline: `${prefix}-deploy`,
    // Model package group names: at most 63 characters.
    modelPackageGroup: `${prefix}-models`,
    // S3 bucket names: at most 63 characters and globally unique, so the build account and region are in it.
    artifactsBucket: `${sanitize(groupName, 10)}-${hash}-${buildAccount}-${buildRegion}`.slice(0, 63).replace(/-+$/, ''),
    sagemakerPipeline: `${prefix}-training`,
    // IAM role names: at most 64 characters.
    sagemakerExecutionRole: `${prefix}-sm-exec`,
    toolingAccessRole: `${prefix}-tooling`,
    eventBus: `${prefix}-events`,
    forwardingRule: `${prefix}-forward`,
    endpointProjectName,
    endpointProjectId: hash,
  };
}

/**
 * Checks the rules that span parameters and resolves the validated parameters: defaults, the build
 * environment first when it is not listed among the deploy environments (a new array: the input is
 * never mutated, unlike the reference's `unshift`), deploy regions, approvals and names. Run by the
 * loader (main.ts) with every parameter that passed the schema, so its problems are listed with the
 * schema's; called on its own, it throws one ConfigError.
 */
export const resolveModelCicdConfig = defineResolver((parameters: ModelCicdParameters, module: ModuleContext, checks): ModelCicdConfig => {
  checks.check(() => {
    if ((parameters.vpc_subnet_ids_parameter === undefined) !== (parameters.vpc_security_group_ids_parameter === undefined)) {
      const missing = parameters.vpc_subnet_ids_parameter === undefined ? 'vpc_subnet_ids_parameter' : 'vpc_security_group_ids_parameter';
      checks.issue(
        missing,
        undefined,
        'the endpoint VPC needs both vpc_subnet_ids_parameter and vpc_security_group_ids_parameter (StringList parameters in every deploy account); give both or neither',
      );
    }
  });
  const groups = parameters.deployment_groups.map((group): DeploymentGroup => {
    const build = group.buildEnvironment;
    const listed = group.deployEnvironments.map((env): DeployEnvironment => resolveEnvironment({ ...env, region: env.region ?? build.region }));
    const buildListed = listed.some((env) => env.account === build.account && env.region === build.region);
    const deployEnvironments = buildListed ? listed : [resolveEnvironment({ ...build }), ...listed];
    return {
      name: group.name,
      sourceBranch: group.sourceBranch,
      buildEnvironment: { name: build.name, account: build.account, region: build.region, type: build.type },
      deployEnvironments,
      names: groupNames(module.stackName, group.name, build.account, build.region),
    };
  });
  return {
    projectName: module.stackName,
    account: module.account,
    region: module.region,
    partition: partitionOfRegion(module.region),
    infraRepo: parameters.infra_repo,
    modelBuildRepo: parameters.model_build_repo,
    groups,
    permissionsBoundaryName: parameters.permissions_boundary_name,
    s3AccessLogsBucketArn: parameters.s3_access_logs_bucket_arn?.arn,
    cdkBootstrapQualifier: parameters.cdk_bootstrap_qualifier,
    retainOnDelete: parameters.retain_on_delete,
    approvalEmailAddresses: parameters.approval_email_addresses,
    vpc:
      parameters.vpc_subnet_ids_parameter && parameters.vpc_security_group_ids_parameter
        ? { subnetIdsParameter: parameters.vpc_subnet_ids_parameter, securityGroupIdsParameter: parameters.vpc_security_group_ids_parameter }
        : undefined,
  };
});

function resolveEnvironment(env: {
  name: string;
  account: string;
  region: string;
  type: EnvironmentType;
  requireApproval?: boolean;
  instanceType?: string;
  instanceCount?: number;
  variantName?: string;
  dataCaptureSamplingPercentage?: number;
}): DeployEnvironment {
  return {
    name: env.name,
    account: env.account,
    region: env.region,
    type: env.type,
    requireApproval: env.requireApproval ?? env.type !== 'dev',
    test: env.type !== 'prod',
    endpoint: {
      instanceType: env.instanceType ?? DEFAULT_ENDPOINT_SETTINGS.instanceType,
      instanceCount: env.instanceCount ?? DEFAULT_ENDPOINT_SETTINGS.instanceCount,
      variantName: env.variantName ?? DEFAULT_ENDPOINT_SETTINGS.variantName,
      dataCaptureSamplingPercentage: env.dataCaptureSamplingPercentage ?? DEFAULT_ENDPOINT_SETTINGS.dataCaptureSamplingPercentage,
    },
  };
}

/**
 * The synthesizer of every stack of the module: the configured CDK bootstrap qualifier, and the deploy and
 * cfn-exec role ARNs in the configuration's partition. CDK Pipelines copies these ARNs into the pipeline's action
 * configuration, where cfn-lint validates RoleArn as a role ARN and fails (E3703) on the Fn::Join that a
 * partition reference renders to; a pipeline never deploys across partitions (configuration).
 */
export function moduleSynthesizer(config: Pick<ModelCicdConfig, 'cdkBootstrapQualifier' | 'partition'>): DefaultStackSynthesizer {
  const inPartition = (arn: string) => arn.replace('${AWS::Partition}', config.partition);
  return new DefaultStackSynthesizer({
    qualifier: config.cdkBootstrapQualifier,
    deployRoleArn: inPartition(DefaultStackSynthesizer.DEFAULT_DEPLOY_ROLE_ARN),
    cloudFormationExecutionRole: inPartition(DefaultStackSynthesizer.DEFAULT_CLOUDFORMATION_ROLE_ARN),
    // The publishing roles stay as they are: CDK Pipelines writes them into a policy through Fn::Sub, which
    // a literal would leave without a variable (cfn-lint W1020).
  });
}
