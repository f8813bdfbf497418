import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The stages, in pipeline order: stack names, template names and config folders are the same. */
export const STAGES = ['dev', 'preprod', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

/** `config/<stage>/endpoint-config.json`: what differs per stage. */
export interface EndpointConfig {
  readonly InstanceType: string;
  readonly InstanceCount: number;
  readonly VariantName: string;
  readonly DataCaptureSamplingPercentage: number;
}

/**
 * Reads `config/<stage>/endpoint-config.json`: the folder of the stage itself, never another stage's (the
 * reference looked up `config/<stack name>/` with folders named `staging`, so preprod used dev's config).
 */
export function loadEndpointConfig(configDir: string, stage: Stage): EndpointConfig {
  const file = join(configDir, stage, 'endpoint-config.json');
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message} (every stage needs its own endpoint-config.json)`);
  }
  const problems: string[] = [];
  if (typeof raw.InstanceType !== 'string' || !/^ml\.[a-z0-9]+\.[a-z0-9]+$/.test(raw.InstanceType)) problems.push('InstanceType: expected ml.<family>.<size>, e.g. ml.m5.large');
  if (!Number.isInteger(raw.InstanceCount) || (raw.InstanceCount as number) < 1) problems.push('InstanceCount: expected an integer of at least 1');
  if (typeof raw.VariantName !== 'string' || !/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(raw.VariantName)) problems.push('VariantName: expected 1 to 63 letters, digits or hyphens');
  const sampling = raw.DataCaptureSamplingPercentage ?? 100;
  if (!Number.isInteger(sampling) || (sampling as number) < 0 || (sampling as number) > 100) problems.push('DataCaptureSamplingPercentage: expected an integer from 0 to 100');
  const known = ['InstanceType', 'InstanceCount', 'VariantName', 'DataCaptureSamplingPercentage'];
  for (const key of Object.keys(raw)) if (!known.includes(key)) problems.push(`${key}: unknown setting (known: ${known.join(', ')})`);
  if (problems.length) throw new Error(`${file}:\n- ${problems.join('\n- ')}`);
  return {
    InstanceType: raw.InstanceType as string,
    InstanceCount: raw.InstanceCount as number,
    VariantName: raw.VariantName as string,
    DataCaptureSamplingPercentage: sampling as number,
  };
}
