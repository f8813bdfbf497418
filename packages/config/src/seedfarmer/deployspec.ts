import { z } from 'zod';

/**
 * The CodeBuild compute types a deployspec may ask for.
 */
export const BUILD_TYPES = ['BUILD_GENERAL1_SMALL', 'BUILD_GENERAL1_MEDIUM', 'BUILD_GENERAL1_LARGE', 'BUILD_GENERAL1_2XLARGE'] as const;

const buildPhaseSchema = z.strictObject({
  commands: z.array(z.string()).default([]),
});

/**
 * The commands of one build phase.
 */
export type BuildPhase = z.output<typeof buildPhaseSchema>;

const executionSchema = z.strictObject({
  phases: z.strictObject({
    install: buildPhaseSchema.optional(),
    pre_build: buildPhaseSchema.optional(),
    build: buildPhaseSchema.optional(),
    post_build: buildPhaseSchema.optional(),
  }),
});

/**
 * A module's `deployspec.yaml`: what CodeBuild runs to deploy and to destroy it.
 */
export const deploySpecSchema = z.strictObject({
  publishGenericEnvVariables: z.boolean().optional(),
  deploy: executionSchema,
  destroy: executionSchema,
  build_type: z.enum(BUILD_TYPES).optional(),
});

/**
 * A validated deployspec.
 */
export type DeploySpec = z.output<typeof deploySpecSchema>;
