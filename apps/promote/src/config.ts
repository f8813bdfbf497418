import {
  accountId,
  booleanParam,
  defineResolver,
  eventBusArn,
  kmsKeyArn,
  listParam,
  modelPackageGroupArn,
  modelPackageGroupName,
  ModuleContext,
  partitionOfRegion,
  s3BucketArn,
  s3BucketName,
} from '@sagemaker-mlops/config';
import { z } from 'zod';

const eventBusName = z
  .string()
  .regex(/^[/.\-_A-Za-z0-9]{1,256}$/, 'must be an EventBridge bus name (1-256 of letters, digits, . - _ /), not an ARN');

const optionalText = (what: string) => z.string().min(1, `${what} must not be empty; leave the parameter out instead`).optional();
const permissionsBoundaryName = z
  .string()
  .regex(/^[\w+=,.@-]{1,128}$/, 'must be the name of a managed policy in this account (not an ARN)')
  .optional();

/** The promote pipeline: the seed document's module, in the target account. */
export const pipelineParameters = z
  .object({
    component: z.literal('pipeline'),
    source_model_package_group_arn: modelPackageGroupArn,
    target_bucket_name: s3BucketName,
    event_bus_name: eventBusName.optional(),
    target_model_package_group_name: modelPackageGroupName.optional(),
    sagemaker_project_id: optionalText('sagemaker_project_id'),
    sagemaker_project_name: optionalText('sagemaker_project_name'),
    kms_key_arn: kmsKeyArn.optional(),
    /** Central server access log bucket (same account and region), e.g. a Control Tower landing zone's. */
    s3_access_logs_bucket_arn: s3BucketArn.optional(),
    retain_on_delete: booleanParam.default(true),
    permissions_boundary_name: permissionsBoundaryName,
  })
  .strict();

/** The bus in the target account that accepts the source registry's events. */
export const eventBusParameters = z
  .object({
    component: z.literal('event-bus'),
    event_bus_name: eventBusName,
    source_accounts: listParam(accountId).refine((a) => a.length > 0, 'list at least one source account'),
    permissions_boundary_name: permissionsBoundaryName,
  })
  .strict();

/** One-time setup in the source account: read-only registry access and event forwarding. */
export const sourceAccountParameters = z
  .object({
    component: z.literal('source-account'),
    model_package_group_name: modelPackageGroupName,
    create_model_package_group: booleanParam.default(false),
    target_accounts: listParam(accountId).refine((a) => a.length > 0, 'list at least one target account'),
    target_event_bus_arn: eventBusArn,
    retain_on_delete: booleanParam.default(true),
    permissions_boundary_name: permissionsBoundaryName,
  })
  .strict();

/**
 * Every parameter of the promote app. `component` selects what the module deploys and defaults to
 * the seed document's pipeline, so a seed-style manifest works unchanged.
 */
export const promoteParameters = z.preprocess(
  (raw) => (raw && typeof raw === 'object' && !('component' in raw) ? { ...raw, component: 'pipeline' } : raw),
  z.discriminatedUnion('component', [pipelineParameters, eventBusParameters, sourceAccountParameters], {
    error: 'component must be one of: pipeline (default), event-bus, source-account',
  }),
);

export type PromoteParameters = z.output<typeof promoteParameters>;
export type PipelineParameters = z.output<typeof pipelineParameters>;
export type EventBusParameters = z.output<typeof eventBusParameters>;
export type SourceAccountParameters = z.output<typeof sourceAccountParameters>;

/**
 * The checks that span parameters or need the module's own account and region. Run by the loader
 * with every parameter that passed the schema (main.ts), so they are reported together with the
 * schema's problems; called on its own, it throws one ConfigError listing all of them.
 */
export const checkAgainstModule = defineResolver((parameters: PromoteParameters, module: ModuleContext, checks): void => {
  checks.check(() => {
    if (parameters.component !== 'pipeline') return;
    const source = parameters.source_model_package_group_arn;
    const targetGroup = parameters.target_model_package_group_name ?? source.name;
    if (source.account === module.account && source.region === module.region && targetGroup === source.name) {
      checks.issue(
        'target_model_package_group_name',
        parameters.target_model_package_group_name,
        'the source group is in this account and region, so promoting into the same group would copy it onto itself; name a different target group',
      );
    }
  });
  checks.check(() => {
    if (parameters.component !== 'pipeline') return;
    const logs = parameters.s3_access_logs_bucket_arn;
    if (logs && logs.partition !== partitionOfRegion(module.region)) {
      checks.issue(
        's3_access_logs_bucket_arn',
        logs.arn,
        `S3 delivers server access logs to a bucket in the source bucket's account and region; give a bucket ARN of partition ${partitionOfRegion(module.region)}`,
      );
    }
  });
  checks.check(() => {
    if (parameters.component !== 'pipeline') return;
    const key = parameters.kms_key_arn;
    if (key && (key.account !== module.account || key.region !== module.region)) {
      checks.issue(
        'kms_key_arn',
        key.arn,
        `S3 encrypts the target bucket's objects with a key in the bucket's account and region; give a key in ${module.account} / ${module.region}`,
      );
    }
  });
  checks.check(() => {
    if (parameters.component === 'source-account' && !parameters.target_accounts.includes(parameters.target_event_bus_arn.account)) {
      checks.issue(
        'target_event_bus_arn',
        parameters.target_event_bus_arn.arn,
        `the bus account ${parameters.target_event_bus_arn.account} runs the promote pipeline and needs registry access: add it to target_accounts`,
      );
    }
  });
  checks.check(() => {
    if (parameters.component === 'event-bus' && parameters.source_accounts.includes(module.account)) {
      checks.issue('source_accounts', parameters.source_accounts, `${module.account} is this bus's own account; its events reach the bus without a policy: remove it`);
    }
  });
});
