import { z } from 'zod';

/**
 * `seedfarmer.yaml` at the root of a Seedfarmer project.
 */
export const seedfarmerProjectSchema = z.strictObject({
  project: z.string().min(1),
  description: z.string().optional(),
  projectPolicyPath: z.string().min(1).optional(),
  seedfarmerVersion: z.union([z.number().int(), z.string().min(1)]).optional(),
  manifestValidationFailOnUnknownFields: z.boolean().optional(),
});

/**
 * A validated `seedfarmer.yaml`.
 */
export type SeedfarmerProject = z.output<typeof seedfarmerProjectSchema>;
