import { App, Stack } from 'aws-cdk-lib';
import { loadModuleConfig } from '@sagemaker-mlops/config';
import { seedfarmerEnv as moduleEnv, createTestApp, DUMMY_ACCOUNTS, DUMMY_REGION } from '@sagemaker-mlops/test-utils';
import { buildPromoteApp } from '../src/app';
import { checkAgainstModule, promoteParameters } from '../src/config';

export const SOURCE_GROUP_ARN = `arn:aws:sagemaker:${DUMMY_REGION}:${DUMMY_ACCOUNTS.source}:model-package-group/churn-model`;
export const TARGET_BUS_ARN = `arn:aws:events:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:event-bus/mlops-registry`;

/** Seedfarmer's environment for the promote module (parameters JSON-encoded when not strings). */
export function seedfarmerEnv(parameters: Record<string, unknown>, account: string = DUMMY_ACCOUNTS.tooling) {
  return moduleEnv({ moduleName: 'promote-pipeline', parameters, account });
}

/** Loads parameters exactly as main.ts does (test fixtures may use the dummy accounts). */
export function load(parameters: Record<string, unknown>, account?: string) {
  const loaded = loadModuleConfig(promoteParameters, {
    appName: 'promote',
    env: seedfarmerEnv(parameters, account),
    allowPlaceholderAccounts: true,
  });
  checkAgainstModule(loaded.parameters, loaded.module);
  return loaded;
}

/** Synthesizes the module for the given parameters. */
export function synth(parameters: Record<string, unknown>, account?: string): { app: App; stack: Stack } {
  const { module, parameters: typed } = load(parameters, account);
  const app = createTestApp();
  return { app, stack: buildPromoteApp(app, module, typed) };
}

export const PIPELINE_PARAMETERS = {
  source_model_package_group_arn: SOURCE_GROUP_ARN,
  target_bucket_name: 'mlops-model-artifacts-target',
};
