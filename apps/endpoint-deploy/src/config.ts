import {
  accountId,
  booleanParam,
  cdkBootstrapQualifier,
  codeCommitRepositoryName,
  connectionArn,
  defineResolver,
  emailAddress,
  gitBranchName,
  hostingInstanceType,
  iamRoleArn,
  intParam,
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
import { endpointExecutionRoleName, endpointName, endpointTestRoleName, MAX_ENDPOINT_NAME_LENGTH, MAX_ROLE_NAME_LENGTH } from '@sagemaker-mlops/constructs';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Value schemas
// ---------------------------------------------------------------------------------------------

const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
const ouId = z.string().regex(OU_ID, 'expected an organizational unit id such as ou-ab12-cdefgh34 (not an OU name or ARN)');

const nonEmptyList = <T extends z.ZodType>(item: T, what: string) =>
  listParam(item).refine((list) => list.length > 0, `a stage with no ${what} deploys nowhere; list at least one, or leave the parameter out`);

/** Re-exported: the connection ARN schema moved to @sagemaker-mlops/config, which the project modules share. */
export type { ParsedConnectionArn } from '@sagemaker-mlops/config';

/** Re-exported: the families moved to @sagemaker-mlops/config, which model-cicd shares. */
export { HOSTING_INSTANCE_FAMILIES } from '@sagemaker-mlops/config';
const instanceType = hostingInstanceType;

const MIME_TOP_LEVEL = ['application', 'audio', 'font', 'image', 'model', 'multipart', 'text', 'video'];
const MIME = /^([a-z]+)\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}(\s*;\s*[a-z0-9!#$&^_.+-]+=("[^"]*"|[a-z0-9!#$&^_.+-]+))*$/i;
const contentType = z.string().refine((value) => {
  const match = MIME.exec(value);
  return !!match && MIME_TOP_LEVEL.includes(match[1].toLowerCase());
}, `expected a MIME type such as text/csv or application/json (top-level type one of ${MIME_TOP_LEVEL.join(', ')})`);

const percent = z.unknown().transform((value, ctx): number => {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(n > 0 && n <= 100)) {
    ctx.addIssue({ code: 'custom', input: value, message: 'expected a percentage above 0 and at most 100, e.g. 5 or 0.5' });
    return z.NEVER;
  }
  return n;
});

const iamRoleName = z.string().regex(/^[\w+=,.@-]{1,64}$/, 'expected an IAM role name (1 to 64 letters, digits or +=,.@_-), not an ARN');

/** InvokeEndpoint accepts at most 6 MB; Seedfarmer passes the payload as one environment variable. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// The parameters
// ---------------------------------------------------------------------------------------------

/**
 * Every parameter of the endpoint-deploy module, in Seedfarmer snake_case. Defaults that depend on
 * other parameters or on the module's account and region are applied by {@link resolveEndpointDeployConfig}.
 */
export const endpointDeployParameters = z
  .object({
    sagemaker_project_name: sagemakerProjectName(),
    sagemaker_project_id: sagemakerProjectId(),
    model_package_group_name: modelPackageGroupName.optional(),
    create_model_package_group: booleanParam.default(false),

    repository_type: repositoryType.default('codecommit'),
    repository_name: codeCommitRepositoryName.optional(),
    code_connection_arn: connectionArn.optional(),
    repository_owner_and_name: repositoryOwnerAndName('my-org/churn-model-deploy (GitLab groups may nest: group/subgroup/repository)').optional(),
    branch: gitBranchName().default('main'),

    staging_accounts: nonEmptyList(accountId, 'accounts').optional(),
    prod_accounts: nonEmptyList(accountId, 'accounts').optional(),
    staging_ou_ids: nonEmptyList(ouId, 'organizational units').optional(),
    prod_ou_ids: nonEmptyList(ouId, 'organizational units').optional(),
    staging_test_accounts: nonEmptyList(accountId, 'accounts').optional(),
    staging_region: region.optional(),
    prod_region: region.optional(),

    staging_instance_type: instanceType.optional(),
    staging_instance_count: intParam({ min: 1, max: 100 }).optional(),
    prod_instance_type: instanceType.optional(),
    prod_instance_count: intParam({ min: 1, max: 100 }).optional(),

    vpc_subnet_ids: nonEmptyList(subnetId, 'subnets').optional(),
    vpc_security_group_ids: nonEmptyList(securityGroupId, 'security groups').optional(),
    vpc_subnet_ids_parameter: ssmParameterName.optional(),
    vpc_security_group_ids_parameter: ssmParameterName.optional(),

    data_capture: booleanParam.default(true),
    data_capture_sampling_percentage: intParam({ min: 0, max: 100 }).optional(),

    autoscaling_min_capacity: intParam({ min: 1, max: 100 }).optional(),
    autoscaling_max_capacity: intParam({ min: 1, max: 100 }).optional(),
    autoscaling_target_invocations: intParam({ min: 1, max: 1_000_000 }).optional(),

    deployment_guardrail: z
      .enum(['none', 'all-at-once', 'canary', 'linear'], { error: 'expected none (default), all-at-once, canary or linear' })
      .default('none'),
    // SageMaker's own bounds of CapacitySize in percent for the two traffic routing types.
    guardrail_canary_percent: intParam({ min: 1, max: 50 }).optional(),
    guardrail_linear_step_percent: intParam({ min: 10, max: 50 }).optional(),
    guardrail_wait_seconds: intParam({ min: 0, max: 3600 }).optional(),
    guardrail_max_5xx_error_percent: percent.optional(),
    guardrail_max_latency_ms: intParam({ min: 1 }).optional(),

    sample_payload_content_type: contentType.optional(),
    sample_payload: z.string().min(1, 'the sample payload is empty; leave the parameter out to keep the seeded example').optional(),

    approval_email_addresses: nonEmptyList(emailAddress, 'addresses').optional(),

    stackset_administration_role_arn: iamRoleArn.optional(),
    stackset_execution_role_name: iamRoleName.default('AWSCloudFormationStackSetExecutionRole'),
    cdk_bootstrap_qualifier: cdkBootstrapQualifier.default('hnb659fds'),

    s3_access_logs_bucket_arn: s3BucketArn.optional(),
    retain_on_delete: booleanParam.default(true),
    permissions_boundary_name: permissionsBoundaryName.optional(),
  })
  .strict();

export type EndpointDeployParameters = z.output<typeof endpointDeployParameters>;

// ---------------------------------------------------------------------------------------------
// Resolved configuration
// ---------------------------------------------------------------------------------------------

/** The pipeline's two deployment stages, in order. */
export const STAGES = ['staging', 'prod'] as const;
export type StageName = (typeof STAGES)[number];

/** Where one stage deploys. */
export type StageTargets =
  | { readonly kind: 'accounts'; readonly accounts: readonly string[] }
  | { readonly kind: 'ous'; readonly ouIds: readonly string[] };

/** One deployment stage, with every default applied. */
export interface StageSettings {
  readonly name: StageName;
  readonly targets: StageTargets;
  readonly region: string;
  /**
   * `cloudformation`: one account in the pipeline's region, a plain CloudFormation action with the
   * account's CDK bootstrap roles. `stackset`: several accounts, OUs, or another region.
   */
  readonly deployment: 'cloudformation' | 'stackset';
  /** Seeds `<stage>-config.json` of a created repository. */
  readonly instanceType: string;
  readonly instanceCount: number;
}

/** Where the deploy repository lives. */
export type RepositorySettings =
  | { readonly type: 'codecommit'; readonly name: string; readonly branch: string }
  | {
    readonly type: 'codeconnections';
    readonly connectionArn: string;
    readonly ownerAndName: string;
    readonly branch: string;
  };

export type VpcSettings =
  | { readonly kind: 'ids'; readonly subnetIds: readonly string[]; readonly securityGroupIds: readonly string[] }
  | { readonly kind: 'ssm'; readonly subnetIdsParameter: string; readonly securityGroupIdsParameter: string };

export interface AutoscalingSettings {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly targetInvocationsPerInstance: number;
}

export interface GuardrailSettings {
  readonly mode: 'all-at-once' | 'canary' | 'linear';
  /** Canary size or linear step, in percent of capacity. */
  readonly trafficPercent?: number;
  readonly waitSeconds: number;
  /** Share of invocations answered with a 5XX error, in percent, that rolls an update back. */
  readonly max5xxErrorPercent?: number;
  readonly maxLatencyMs?: number;
}

/** The module's configuration with every default applied and every cross-parameter rule checked. */
export interface EndpointDeployConfig {
  readonly projectName: string;
  readonly projectId: string;
  readonly modelPackageGroupName: string;
  /** Create the group (true) or attach the access policy to an existing one (false). */
  readonly createModelPackageGroup: boolean;
  readonly repository: RepositorySettings;
  readonly stages: readonly StageSettings[];
  /** The accounts TestStaging invokes the endpoint in. */
  readonly stagingTestAccounts: readonly string[];
  readonly vpc?: VpcSettings;
  readonly dataCapture: boolean;
  readonly dataCaptureSamplingPercentage: number;
  readonly autoscaling?: AutoscalingSettings;
  readonly guardrail?: GuardrailSettings;
  readonly samplePayloadContentType: string;
  /** @default - the seeded example payload */
  readonly samplePayload?: string;
  readonly approvalEmailAddresses: readonly string[];
  /** @default - the module creates the administration role when a stage uses self-managed StackSets */
  readonly stackSetAdministrationRoleArn?: string;
  readonly stackSetExecutionRoleName: string;
  readonly cdkBootstrapQualifier: string;
  readonly retainOnDelete: boolean;
  readonly permissionsBoundaryName?: string;
  /**
   * Central bucket (this account and region) for the server access logs of the module's buckets.
   *
   * @default - each bucket gets its own log bucket
   */
  readonly s3AccessLogsBucketArn?: string;
  /** The module's account and region: the data science / tooling account. */
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

const STAGE_DEFAULTS: Record<StageName, { instanceType: string; instanceCount: number }> = {
  staging: { instanceType: 'ml.m5.large', instanceCount: 1 },
  prod: { instanceType: 'ml.m5.large', instanceCount: 2 },
};

const GUARDRAIL_DEFAULTS = { canaryPercent: 10, linearStepPercent: 20, waitSeconds: 600 };

/** Names derived from the project that AWS limits in length. */
export function derivedNames(projectName: string, projectId: string) {
  const base = `sagemaker-${projectName}-${projectId}`;
  return {
    /** CloudFormation stack (set) name of one stage's endpoint stack. */
    stackName: (stage: StageName) => `${base}-${stage}`,
    repositoryName: `${base}-model-deploy`,
    pipelineName: `${base}-modeldeploy`,
    /** The staging test project's role: the endpoint stack's test role trusts exactly this name. */
    testProjectRoleName: `${projectName}-${projectId}-endpoint-tester`,
    approverRoleName: `${projectName}-${projectId}-deploy-approver`,
    stackSetAdministrationRoleName: `${projectName}-${projectId}-stackset-admin`,
  };
}

/**
 * Applies the defaults that depend on other parameters or on the module's account and region,
 * and checks every rule that spans parameters. Run by the loader (main.ts) with every parameter
 * that passed the schema: each rule is its own check, skipped only when it reads a parameter that
 * failed, so its problems are listed with the schema's. Called on its own, it throws one
 * ConfigError listing every problem.
 */
export const resolveEndpointDeployConfig = defineResolver((p: EndpointDeployParameters, module: ModuleContext, checks): EndpointDeployConfig => {
  const issue = (path: string, received: unknown, message: string) => checks.issue(path, received, message);
  const check = (run: () => void) => checks.check(run);

  // Repository.
  // Each rule its own check (the codecommit-only rules and the codeconnections-only ones below never both report).
  for (const rule of repositoryRules(p, module, issue)) check(rule);
  for (const name of ['staging_instance_type', 'staging_instance_count', 'prod_instance_type', 'prod_instance_count', 'sample_payload', 'sample_payload_content_type'] as const) {
    check(() => {
      if (p.repository_type === 'codeconnections' && p[name] !== undefined) {
        issue(name, p[name], 'only seeds the configuration files of a CodeCommit repository this module creates; with codeconnections set it in your repository (staging-config.json, prod-config.json, test/staging-test.json)');
      }
    });
  }
  const repository = checks.derive((): RepositorySettings =>
    p.repository_type === 'codeconnections'
      ? { type: 'codeconnections', connectionArn: p.code_connection_arn?.arn ?? '', ownerAndName: p.repository_owner_and_name ?? '', branch: p.branch }
      : { type: 'codecommit', name: p.repository_name ?? derivedNames(p.sagemaker_project_name, p.sagemaker_project_id).repositoryName, branch: p.branch },
  );

  // Stages: where each deploys (accounts or OUs, region, action), and its seeded endpoint size.
  for (const name of STAGES) {
    check(() => {
      if (p[`${name}_accounts`] && p[`${name}_ou_ids`]) issue(`${name}_ou_ids`, p[`${name}_ou_ids`], `give either ${name}_accounts or ${name}_ou_ids, not both`);
    });
    check(() => {
      const stageRegion = p[`${name}_region`] ?? module.region;
      if (partitionOfRegion(stageRegion) !== partitionOfRegion(module.region)) {
        issue(`${name}_region`, stageRegion, `is in another partition than the pipeline's region ${module.region}; StackSets cannot deploy across partitions`);
      }
    });
  }
  const placements = STAGES.map((name) =>
    checks.derive((): Pick<StageSettings, 'name' | 'targets' | 'region' | 'deployment'> => {
      const accounts = p[`${name}_accounts`];
      const ouIds = p[`${name}_ou_ids`];
      const targets: StageTargets = ouIds && !accounts ? { kind: 'ous', ouIds } : { kind: 'accounts', accounts: [...new Set(accounts ?? [module.account])] };
      const stageRegion = p[`${name}_region`] ?? module.region;
      const single = targets.kind === 'accounts' && targets.accounts.length === 1 && stageRegion === module.region;
      return { name, targets, region: stageRegion, deployment: single ? 'cloudformation' : 'stackset' };
    }),
  );
  const instanceCount = (name: StageName) => p[`${name}_instance_count`] ?? STAGE_DEFAULTS[name].instanceCount;

  // TestStaging invokes every staging endpoint, so it must know the accounts, which an OU does not tell at synth time.
  const stagingTestAccounts = checks.derive((): readonly string[] => {
    const staging = placements[0];
    if (staging.targets.kind === 'accounts') {
      if (p.staging_test_accounts) issue('staging_test_accounts', p.staging_test_accounts, 'TestStaging already tests every account of staging_accounts; remove it');
      return staging.targets.accounts;
    }
    if (!p.staging_test_accounts) {
      issue('staging_test_accounts', undefined, 'required with staging_ou_ids: list the staging accounts TestStaging invokes the endpoint in (the OU members are only known when the StackSet deploys)');
      return [];
    }
    return p.staging_test_accounts;
  });

  // StackSets.
  check(() => {
    const adminRole = p.stackset_administration_role_arn;
    if (adminRole && adminRole.account !== module.account) {
      issue('stackset_administration_role_arn', adminRole.arn, `the StackSet administration role lives in the pipeline's account ${module.account}; give a role of that account`);
    }
  });
  check(() => {
    const adminRole = p.stackset_administration_role_arn;
    if (adminRole && !placements.some((s) => s.deployment === 'stackset' && s.targets.kind === 'accounts')) {
      issue('stackset_administration_role_arn', adminRole.arn, 'no stage uses self-managed StackSets (several accounts or another region); remove it');
    }
  });

  // VPC.
  const vpc = checks.derive((): VpcSettings | undefined => {
    const direct = p.vpc_subnet_ids !== undefined || p.vpc_security_group_ids !== undefined;
    const viaSsm = p.vpc_subnet_ids_parameter !== undefined || p.vpc_security_group_ids_parameter !== undefined;
    if (direct && viaSsm) {
      issue('vpc_subnet_ids_parameter', p.vpc_subnet_ids_parameter, 'give the VPC either directly (vpc_subnet_ids, vpc_security_group_ids) or through SSM parameters (vpc_subnet_ids_parameter, vpc_security_group_ids_parameter), not both');
    } else if (direct) {
      if (!p.vpc_subnet_ids) issue('vpc_subnet_ids', undefined, 'required with vpc_security_group_ids: an endpoint in a VPC needs both');
      if (!p.vpc_security_group_ids) issue('vpc_security_group_ids', undefined, 'required with vpc_subnet_ids: an endpoint in a VPC needs both');
      if (p.vpc_subnet_ids && p.vpc_security_group_ids) return { kind: 'ids', subnetIds: p.vpc_subnet_ids, securityGroupIds: p.vpc_security_group_ids };
    } else if (viaSsm) {
      if (!p.vpc_subnet_ids_parameter) issue('vpc_subnet_ids_parameter', undefined, 'required with vpc_security_group_ids_parameter: an endpoint in a VPC needs both');
      if (!p.vpc_security_group_ids_parameter) issue('vpc_security_group_ids_parameter', undefined, 'required with vpc_subnet_ids_parameter: an endpoint in a VPC needs both');
      if (p.vpc_subnet_ids_parameter && p.vpc_security_group_ids_parameter) {
        return { kind: 'ssm', subnetIdsParameter: p.vpc_subnet_ids_parameter, securityGroupIdsParameter: p.vpc_security_group_ids_parameter };
      }
    }
    return undefined;
  });

  // Data capture.
  check(() => {
    if (!p.data_capture && p.data_capture_sampling_percentage !== undefined) {
      issue('data_capture_sampling_percentage', p.data_capture_sampling_percentage, 'data_capture is false, so nothing is sampled; remove it or enable data_capture');
    }
  });

  // Autoscaling: all three or none.
  const autoscaling = checks.derive((): AutoscalingSettings | undefined => {
    const scaling = { autoscaling_min_capacity: p.autoscaling_min_capacity, autoscaling_max_capacity: p.autoscaling_max_capacity, autoscaling_target_invocations: p.autoscaling_target_invocations };
    const given = Object.entries(scaling).filter(([, v]) => v !== undefined);
    if (given.length > 0 && given.length < 3) {
      for (const [name, value] of Object.entries(scaling)) {
        if (value === undefined) issue(name, undefined, `autoscaling needs all of autoscaling_min_capacity, autoscaling_max_capacity and autoscaling_target_invocations (given: ${given.map(([n]) => n).join(', ')})`);
      }
      return undefined;
    }
    if (given.length === 0) return undefined;
    if (p.autoscaling_max_capacity! < p.autoscaling_min_capacity!) {
      issue('autoscaling_max_capacity', p.autoscaling_max_capacity, `is below autoscaling_min_capacity (${p.autoscaling_min_capacity})`);
    }
    return { minCapacity: p.autoscaling_min_capacity!, maxCapacity: p.autoscaling_max_capacity!, targetInvocationsPerInstance: p.autoscaling_target_invocations! };
  });

  // Guardrails.
  const guardrailOnly = ['guardrail_canary_percent', 'guardrail_linear_step_percent', 'guardrail_wait_seconds', 'guardrail_max_5xx_error_percent', 'guardrail_max_latency_ms'] as const;
  for (const name of guardrailOnly) {
    check(() => {
      if (p.deployment_guardrail === 'none' && p[name] !== undefined) issue(name, p[name], 'deployment_guardrail is none, so this has no effect; set deployment_guardrail to all-at-once, canary or linear, or remove it');
    });
  }
  check(() => {
    if (p.deployment_guardrail !== 'none' && p.guardrail_max_5xx_error_percent === undefined && p.guardrail_max_latency_ms === undefined) {
      issue('deployment_guardrail', p.deployment_guardrail, 'a guardrail rolls back on a CloudWatch alarm, and none is configured; set guardrail_max_5xx_error_percent and/or guardrail_max_latency_ms');
    }
  });
  check(() => {
    if (p.deployment_guardrail !== 'none' && p.deployment_guardrail !== 'canary' && p.guardrail_canary_percent !== undefined) {
      issue('guardrail_canary_percent', p.guardrail_canary_percent, `only used with deployment_guardrail canary (it is ${p.deployment_guardrail})`);
    }
  });
  check(() => {
    if (p.deployment_guardrail !== 'none' && p.deployment_guardrail !== 'linear' && p.guardrail_linear_step_percent !== undefined) {
      issue('guardrail_linear_step_percent', p.guardrail_linear_step_percent, `only used with deployment_guardrail linear (it is ${p.deployment_guardrail})`);
    }
  });
  // The canary, or each linear step, must be at most 50% of the variant's instances (TrafficRoutingConfig,
  // Amazon SageMaker API Reference): one instance has no valid canary or step.
  const shiftsHalf = () => p.deployment_guardrail === 'canary' || p.deployment_guardrail === 'linear';
  const needs = () => `deployment_guardrail ${p.deployment_guardrail} shifts at most 50% of the instances first, so SageMaker needs at least 2; set it to 2 or more, or use all-at-once`;
  for (const name of STAGES) {
    check(() => {
      if (shiftsHalf() && p.repository_type === 'codecommit' && instanceCount(name) < 2) {
        issue(`${name}_instance_count`, instanceCount(name), `${needs()} (default ${STAGE_DEFAULTS[name].instanceCount})`);
      }
    });
  }
  check(() => {
    if (shiftsHalf() && autoscaling && autoscaling.minCapacity < 2) issue('autoscaling_min_capacity', autoscaling.minCapacity, needs());
  });
  const guardrail = checks.derive((): GuardrailSettings | undefined =>
    p.deployment_guardrail === 'none'
      ? undefined
      : {
        mode: p.deployment_guardrail,
        trafficPercent:
          p.deployment_guardrail === 'canary'
            ? (p.guardrail_canary_percent ?? GUARDRAIL_DEFAULTS.canaryPercent)
            : p.deployment_guardrail === 'linear'
              ? (p.guardrail_linear_step_percent ?? GUARDRAIL_DEFAULTS.linearStepPercent)
              : undefined,
        waitSeconds: p.guardrail_wait_seconds ?? GUARDRAIL_DEFAULTS.waitSeconds,
        max5xxErrorPercent: p.guardrail_max_5xx_error_percent,
        maxLatencyMs: p.guardrail_max_latency_ms,
      },
  );

  // Sample payload.
  const payloadType = checks.derive(() => p.sample_payload_content_type ?? 'text/csv');
  check(() => {
    if (p.sample_payload === undefined && p.repository_type === 'codecommit' && payloadType !== 'text/csv') {
      issue('sample_payload', undefined, `the seeded example payload is text/csv; give a ${payloadType} payload your model accepts`);
    }
  });
  check(() => {
    if (p.sample_payload !== undefined && Buffer.byteLength(p.sample_payload) > MAX_PAYLOAD_BYTES) {
      issue('sample_payload', `${p.sample_payload.slice(0, 40)}...`, 'is larger than the 6 MB InvokeEndpoint accepts');
    }
  });
  check(() => {
    if (p.sample_payload !== undefined && /^application\/(.+\+)?json\s*(;|$)/i.test(payloadType)) {
      try {
        JSON.parse(p.sample_payload);
      } catch {
        issue('sample_payload', p.sample_payload, `sample_payload_content_type is ${payloadType} but the payload is not valid JSON`);
      }
    }
  });

  check(() => {
    const accessLogs = p.s3_access_logs_bucket_arn;
    if (accessLogs && accessLogs.partition !== partitionOfRegion(module.region)) {
      issue('s3_access_logs_bucket_arn', accessLogs.arn, `S3 delivers server access logs to a bucket in the source bucket's account and region; give a bucket ARN of partition ${partitionOfRegion(module.region)}`);
    }
  });

  // Derived names that AWS limits.
  check(() => {
    const names = derivedNames(p.sagemaker_project_name, p.sagemaker_project_id);
    const [projectName, projectId] = [p.sagemaker_project_name, p.sagemaker_project_id];
    const limited: Array<[string, number]> = [
      ...[names.testProjectRoleName, names.approverRoleName, names.stackSetAdministrationRoleName].map((n): [string, number] => [n, MAX_ROLE_NAME_LENGTH]),
      ...STAGES.flatMap((stage): Array<[string, number]> => [
        [endpointName(projectName, projectId, stage), MAX_ENDPOINT_NAME_LENGTH],
        [endpointTestRoleName(projectName, projectId, stage), MAX_ROLE_NAME_LENGTH],
        [endpointExecutionRoleName(projectName, projectId, stage), MAX_ROLE_NAME_LENGTH],
      ]),
    ];
    const tooLong = limited.find(([name, limit]) => name.length > limit);
    if (tooLong) {
      issue(
        'sagemaker_project_name',
        projectName,
        `with sagemaker_project_id "${projectId}" the derived name ${tooLong[0]} exceeds the ${tooLong[1]} characters AWS allows; shorten the project name or id`,
      );
    }
  });

  // Reached with every input valid (the loader throws the collected problems otherwise).
  return {
    projectName: p.sagemaker_project_name,
    projectId: p.sagemaker_project_id,
    modelPackageGroupName: p.model_package_group_name ?? `${p.sagemaker_project_name}-${p.sagemaker_project_id}`,
    createModelPackageGroup: p.create_model_package_group,
    repository,
    stages: placements.map((placement): StageSettings => ({
      ...placement,
      instanceType: p[`${placement.name}_instance_type`] ?? STAGE_DEFAULTS[placement.name].instanceType,
      instanceCount: instanceCount(placement.name),
    })),
    stagingTestAccounts,
    vpc,
    dataCapture: p.data_capture,
    dataCaptureSamplingPercentage: p.data_capture ? (p.data_capture_sampling_percentage ?? 100) : 0,
    autoscaling,
    guardrail,
    samplePayloadContentType: payloadType,
    samplePayload: p.sample_payload,
    approvalEmailAddresses: p.approval_email_addresses ?? [],
    stackSetAdministrationRoleArn: p.stackset_administration_role_arn?.arn,
    stackSetExecutionRoleName: p.stackset_execution_role_name,
    cdkBootstrapQualifier: p.cdk_bootstrap_qualifier,
    retainOnDelete: p.retain_on_delete,
    permissionsBoundaryName: p.permissions_boundary_name,
    s3AccessLogsBucketArn: p.s3_access_logs_bucket_arn?.arn,
    account: module.account,
    region: module.region,
    partition: partitionOfRegion(module.region),
  };
});
