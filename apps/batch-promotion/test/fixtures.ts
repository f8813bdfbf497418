import { App } from 'aws-cdk-lib';
import { loadModuleConfig } from '@sagemaker-mlops/config';
import { seedfarmerEnv as moduleEnv, createTestApp, DUMMY_ACCOUNTS, DUMMY_REGION } from '@sagemaker-mlops/test-utils';
import { batchPromotionParameters, resolveBatchPromotionConfig } from '../src/config';

export const PROJECT = { sagemaker_project_name: 'abalone', sagemaker_project_id: 'p-abc123def456' };
export const GROUP = 'abalone-p-abc123def456';
/** Dev is the module's (tooling) account; pre-prod and prod are two other accounts. */
export const MULTI_ACCOUNT = { ...PROJECT, preprod_account: DUMMY_ACCOUNTS.staging, prod_account: DUMMY_ACCOUNTS.prod };
export const CONNECTION_ARN = `arn:aws:codeconnections:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:connection/12345678-1234-1234-1234-123456789abc`;

/** Seedfarmer's environment for the batch-promotion module (parameters JSON-encoded when not strings). */
export function seedfarmerEnv(parameters: Record<string, unknown>, account: string = DUMMY_ACCOUNTS.tooling) {
  return moduleEnv({ moduleName: 'batch-promotion', parameters, account });
}

/** Loads and resolves parameters exactly as main.ts does (test fixtures may use the dummy accounts). */
export function load(parameters: Record<string, unknown>, account?: string) {
  const loaded = loadModuleConfig(batchPromotionParameters, {
    appName: 'batch-promotion',
    env: seedfarmerEnv(parameters, account),
    allowPlaceholderAccounts: true,
  });
  return { module: loaded.module, parameters: loaded.parameters, config: resolveBatchPromotionConfig(loaded.parameters, loaded.module) };
}

export function testApp(): App {
  return createTestApp();
}

import { buildBatchPromotionApp } from '../src/app';
import type { BatchPromotionStack } from '../src/stacks/batch-promotion-stack';

/** Synthesizes the module for the given parameters. */
export function synth(parameters: Record<string, unknown>, account?: string): { app: App; stack: BatchPromotionStack } {
  const { module, config } = load(parameters, account);
  const app = createTestApp();
  return { app, stack: buildBatchPromotionApp(app, module, config) as BatchPromotionStack };
}
