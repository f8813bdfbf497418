import { z } from 'zod';

/**
 * A reference to the metadata (outputs) of another module: `{ group, name, key? }`.
 */
export const moduleMetadataRefSchema = z.strictObject({
  group: z.string().min(1),
  name: z.string().min(1),
  key: z.string().min(1).optional(),
});

/**
 * A reference to another module's metadata.
 */
export type ModuleMetadataRef = z.output<typeof moduleMetadataRefSchema>;

const VALUE_REF_KINDS = ['moduleMetadata', 'envVariable', 'parameterValue', 'parameterStore', 'secretsManager'] as const;

/**
 * Where a parameter value comes from: exactly one of `moduleMetadata`, `envVariable`,
 * `parameterValue` (a deployment manifest parameter), `parameterStore` or `secretsManager`.
 */
export const valueRefSchema = z
  .strictObject({
    moduleMetadata: moduleMetadataRefSchema.optional(),
    envVariable: z.string().min(1).optional(),
    parameterValue: z.string().min(1).optional(),
    parameterStore: z.string().min(1).optional(),
    secretsManager: z.string().min(1).optional(),
  })
  .superRefine((ref, ctx) => {
    const given = VALUE_REF_KINDS.filter((kind) => ref[kind] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          given.length === 0
            ? `valueFrom needs one of ${VALUE_REF_KINDS.join(', ')}`
            : `valueFrom has ${given.join(' and ')}; give exactly one source`,
      });
    }
  });

/**
 * A value source.
 */
export type ValueRef = z.output<typeof valueRefSchema>;
