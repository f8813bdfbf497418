import { parse } from 'yaml';
import type { z } from 'zod';
import { ConfigError, issuesFromZod } from '../errors';
import { deploymentManifestSchema, type DeploymentManifest } from './deployment-manifest';
import { deploySpecSchema, type DeploySpec } from './deployspec';
import { seedfarmerProjectSchema, type SeedfarmerProject } from './project';

function parseOne<S extends z.ZodType>(schema: S, text: string, source: string): z.output<S> {
  let value: unknown;
  try {
    value = parse(text);
  } catch (e) {
    throw new ConfigError(source, [
      { path: '(file)', received: undefined, message: `is not valid YAML: ${(e as Error).message.split('\n')[0]}; fix the syntax` },
    ]);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ConfigError(source, issuesFromZod(result.error, value, undefined, { schema, noun: 'key' }));
  }
  return result.data;
}

/**
 * Parses and validates a deployment manifest; problems are thrown as one {@link ConfigError}.
 *
 * @param text the YAML text
 * @param source names the text in the error
 */
export function parseDeploymentManifest(text: string, source = 'deployment manifest'): DeploymentManifest {
  return parseOne(deploymentManifestSchema, text, source);
}

/**
 * Parses and validates a `deployspec.yaml`; problems are thrown as one {@link ConfigError}.
 *
 * @param text the YAML text
 * @param source names the text in the error
 */
export function parseDeploySpec(text: string, source = 'deployspec.yaml'): DeploySpec {
  return parseOne(deploySpecSchema, text, source);
}

/**
 * Parses and validates a `seedfarmer.yaml`; problems are thrown as one {@link ConfigError}.
 *
 * @param text the YAML text
 * @param source names the text in the error
 */
export function parseSeedfarmerProject(text: string, source = 'seedfarmer.yaml'): SeedfarmerProject {
  return parseOne(seedfarmerProjectSchema, text, source);
}
