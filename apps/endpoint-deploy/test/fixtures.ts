import { App, Stack } from 'aws-cdk-lib';
import { formatPrerequisites, loadModuleConfig } from '@sagemaker-mlops/config';
import { seedfarmerEnv as moduleEnv, createTestApp, DUMMY_ACCOUNTS, DUMMY_REGION } from '@sagemaker-mlops/test-utils';
import { buildEndpointDeployApp, endpointDeployPrerequisites } from '../src/app';
import { endpointDeployParameters, resolveEndpointDeployConfig } from '../src/config';
import type { EndpointDeployStack } from '../src/stacks/endpoint-deploy-stack';

export const PROJECT = { sagemaker_project_name: 'churn', sagemaker_project_id: 'p-abc123def456' };
export const GROUP = 'churn-p-abc123def456';
export const OU_STAGING = 'ou-ab12-cdefgh34';
export const OU_PROD = 'ou-ab12-prod5678';
export const CONNECTION_ARN = `arn:aws:codeconnections:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:connection/12345678-1234-1234-1234-123456789abc`;

/** Seedfarmer's environment for the endpoint-deploy module (parameters JSON-encoded when not strings). */
export function seedfarmerEnv(parameters: Record<string, unknown>, account: string = DUMMY_ACCOUNTS.tooling) {
  return moduleEnv({ moduleName: 'deploy-endpoint', parameters, account });
}

/** Loads and resolves parameters exactly as main.ts does (test fixtures may use the dummy accounts). */
export function load(parameters: Record<string, unknown>, account?: string) {
  const loaded = loadModuleConfig(endpointDeployParameters, {
    appName: 'endpoint-deploy',
    env: seedfarmerEnv(parameters, account),
    allowPlaceholderAccounts: true,
  });
  return { module: loaded.module, parameters: loaded.parameters, config: resolveEndpointDeployConfig(loaded.parameters, loaded.module) };
}

/** Synthesizes the module for the given parameters. */
export function synth(parameters: Record<string, unknown>, account?: string): { app: App; stack: EndpointDeployStack; prerequisites: string[] } {
  const { module, config } = load(parameters, account);
  const app = createTestApp();
  const stack = buildEndpointDeployApp(app, module, config) as EndpointDeployStack;
  // The block main.ts prints once per synth (issue 8 item 9), as lines.
  return { app, stack, prerequisites: formatPrerequisites(endpointDeployPrerequisites(module, config)).split('\n') };
}

/** The lines of one account's section of a prerequisites block, joined: its header and its numbered steps. */
export function prerequisitesOf(lines: string[], account: string): string {
  const start = lines.findIndex((l) => l.startsWith(`account ${account},`));
  if (start < 0) return '';
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('  '));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** Multi-account defaults: one staging and one prod account, both other than the tooling account. */
export const MULTI_ACCOUNT = {
  ...PROJECT,
  staging_accounts: [DUMMY_ACCOUNTS.staging],
  prod_accounts: [DUMMY_ACCOUNTS.prod],
};
