import { z } from 'zod';

/**
 * SageMaker real-time hosting instance families (`ml.<family>.<size>`). A family outside this list
 * is almost always a typo (`ml.m5large`, `ml.t2.medium` written as `t2.medium`) that CloudFormation
 * would only report after the pipeline ran for several minutes.
 */
export const HOSTING_INSTANCE_FAMILIES: readonly string[] = [
  't2', 't3',
  'm4', 'm5', 'm5d', 'm6g', 'm6gd', 'm6i', 'm6id', 'm7i', 'm8g',
  'c4', 'c5', 'c5d', 'c6g', 'c6gd', 'c6gn', 'c6i', 'c6id', 'c7g', 'c7i', 'c8g',
  'r5', 'r5d', 'r6g', 'r6gd', 'r6i', 'r6id', 'r7i', 'r8g',
  'g4dn', 'g5', 'g6', 'g6e',
  'p2', 'p3', 'p4d', 'p4de', 'p5', 'p5e', 'p5en',
  'inf1', 'inf2', 'trn1', 'trn1n', 'trn2',
];

/** The instance type of a real-time endpoint: `ml.<family>.<size>` of a hosting family ({@link HOSTING_INSTANCE_FAMILIES}). */
export const hostingInstanceType = z.string().superRefine((value, ctx) => {
  const match = /^ml\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(value);
  if (!match) {
    ctx.addIssue({ code: 'custom', input: value, message: 'expected an ML instance type ml.<family>.<size>, e.g. ml.m5.large' });
  } else if (!HOSTING_INSTANCE_FAMILIES.includes(match[1])) {
    ctx.addIssue({
      code: 'custom',
      input: value,
      message: `unknown instance family "${match[1]}" for real-time endpoints; use one of ${HOSTING_INSTANCE_FAMILIES.join(', ')}`,
    });
  }
});

/**
 * The name of an endpoint's production variant, as the shared endpoint template's `VariantName`
 * parameter accepts it (SageMaker `ProductionVariant.VariantName`: 1 to 63 letters, digits and single hyphens).
 */
export const endpointVariantName = z
  .string()
  .regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'must be 1-63 letters, digits and single hyphens, starting and ending with a letter or digit, e.g. AllTraffic');
