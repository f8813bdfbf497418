import { z } from 'zod';
import { valueRefSchema } from './value-ref';

/**
 * `{ valueFrom: { envVariable } }`: the only reference the deployment manifest resolves itself.
 */
const envValueFromSchema = z.strictObject({
  valueFrom: z.strictObject({ envVariable: z.string().min(1) }),
});

/**
 * `{ valueFrom: <value source> }` as used by network settings.
 */
const valueFromRefSchema = z.strictObject({ valueFrom: valueRefSchema });

const stringOrEnvRef = z.union([z.string().min(1), envValueFromSchema]);

const networkMappingSchema = z.strictObject({
  vpcId: z.union([z.string().min(1), valueFromRefSchema]).optional(),
  privateSubnetIds: z.union([z.array(z.string().min(1)), valueFromRefSchema]).optional(),
  securityGroupIds: z.union([z.array(z.string().min(1)), valueFromRefSchema]).optional(),
});

/**
 * The VPC settings of the CodeBuild projects in one region.
 */
export type NetworkMapping = z.output<typeof networkMappingSchema>;

const mirrorFields = {
  codebuildImage: z.string().min(1).optional(),
  runtimeOverrides: z.record(z.string(), z.string()).optional(),
  npmMirror: z.string().min(1).optional(),
  npmMirrorSecret: z.string().min(1).optional(),
  pypiMirror: z.string().min(1).optional(),
  pypiMirrorSecret: z.string().min(1).optional(),
  rolePrefix: z.string().min(1).optional(),
  policyPrefix: z.string().min(1).optional(),
};

const regionMappingSchema = z.strictObject({
  region: z.string().min(1),
  default: z.boolean().optional(),
  parametersRegional: z.record(z.string(), z.unknown()).optional(),
  network: networkMappingSchema.optional(),
  ...mirrorFields,
});

/**
 * One region of a target account.
 */
export type RegionMapping = z.output<typeof regionMappingSchema>;

const targetAccountMappingSchema = z.strictObject({
  alias: z.string().min(1),
  accountId: z.union([z.string().min(1), z.number().int().nonnegative(), envValueFromSchema]),
  default: z.boolean().optional(),
  parametersGlobal: z.record(z.string(), z.string()).optional(),
  regionMappings: z.array(regionMappingSchema).min(1),
  ...mirrorFields,
});

/**
 * One target account of a deployment, known to modules by its alias.
 */
export type TargetAccountMapping = z.output<typeof targetAccountMappingSchema>;

const groupSchema = z.strictObject({
  name: z.string().min(1),
  path: z.string().min(1),
  concurrency: z.number().int().positive().optional(),
});

/**
 * One group of modules; groups deploy one after the other.
 */
export type DeploymentGroup = z.output<typeof groupSchema>;

/**
 * A Seedfarmer deployment manifest. Besides the fields, it checks what Seedfarmer would
 * otherwise resolve silently: exactly one of `name`/`nameGenerator`, unique group names and
 * aliases, at most one default account, and at most one default region per account.
 */
export const deploymentManifestSchema = z
  .strictObject({
    name: z.string().min(1).optional(),
    nameGenerator: z.strictObject({ prefix: stringOrEnvRef, suffix: stringOrEnvRef }).optional(),
    description: z.string().optional(),
    toolchainRegion: z.string().min(1),
    forceDependencyRedeploy: z.boolean().optional(),
    archiveSecret: z.string().min(1).optional(),
    groups: z.array(groupSchema),
    targetAccountMappings: z.array(targetAccountMappingSchema).min(1),
  })
  .superRefine((manifest, ctx) => {
    if ((manifest.name === undefined) === (manifest.nameGenerator === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['name'],
        message: manifest.name === undefined ? 'give either name or nameGenerator' : 'give name or nameGenerator, not both',
      });
    }
    duplicates(manifest.groups.map((g) => g.name)).forEach((index) =>
      ctx.addIssue({ code: 'custom', path: ['groups', index, 'name'], message: 'group names must be unique; rename one' }),
    );
    duplicates(manifest.targetAccountMappings.map((m) => m.alias)).forEach((index) =>
      ctx.addIssue({ code: 'custom', path: ['targetAccountMappings', index, 'alias'], message: 'account aliases must be unique; rename one' }),
    );
    const defaults = manifest.targetAccountMappings.flatMap((m, index) => (m.default ? [index] : []));
    defaults.slice(1).forEach((index) =>
      ctx.addIssue({
        code: 'custom',
        path: ['targetAccountMappings', index, 'default'],
        message: 'only one target account may be the default; remove default: true from all but one',
      }),
    );
    manifest.targetAccountMappings.forEach((mapping, m) => {
      duplicates(mapping.regionMappings.map((r) => r.region)).forEach((index) =>
        ctx.addIssue({
          code: 'custom',
          path: ['targetAccountMappings', m, 'regionMappings', index, 'region'],
          message: 'a region may appear once per account; merge the two entries',
        }),
      );
      mapping.regionMappings
        .flatMap((r, index) => (r.default ? [index] : []))
        .slice(1)
        .forEach((index) =>
          ctx.addIssue({
            code: 'custom',
            path: ['targetAccountMappings', m, 'regionMappings', index, 'default'],
            message: 'only one region of an account may be the default; remove default: true from all but one',
          }),
        );
    });
  });

/**
 * A validated deployment manifest.
 */
export type DeploymentManifest = z.output<typeof deploymentManifestSchema>;

/** Indexes of the entries that repeat an earlier entry. */
function duplicates(values: readonly string[]): number[] {
  const seen = new Set<string>();
  const out: number[] = [];
  values.forEach((value, index) => {
    if (seen.has(value)) out.push(index);
    seen.add(value);
  });
  return out;
}
