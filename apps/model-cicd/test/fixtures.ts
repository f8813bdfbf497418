import type { App } from 'aws-cdk-lib';
import { loadModuleConfig } from '@sagemaker-mlops/config';
import { createTestApp, DUMMY_ACCOUNTS, DUMMY_REGION, seedfarmerEnv } from '@sagemaker-mlops/test-utils';
import { buildModelCicdApp } from '../src/app';
import { modelCicdParameters, resolveModelCicdConfig } from '../src/config';
import type { InfraPipelineStack } from '../src/stacks/infra-pipeline-stack';

export const CONNECTION_ARN = `arn:aws:codeconnections:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:connection/12345678-1234-1234-1234-123456789abc`;

/** Two groups: experimentation on dev (build in source, deploy to staging), and prod (build in staging, deploy preprod then prod). */
export const PARAMETERS = {
  infra_repo: { host: 'codeconnections', connectionArn: CONNECTION_ARN, name: 'acme/model-cicd-infra' },
  model_build_repo: { host: 'codeconnections', connectionArn: CONNECTION_ARN, name: 'acme/model-build' },
  deployment_groups: [
    {
      name: 'experiment',
      sourceBranch: 'dev',
      buildEnvironment: { name: 'exp-train', account: DUMMY_ACCOUNTS.source, region: DUMMY_REGION, type: 'dev' },
      deployEnvironments: [{ name: 'exp-serve', account: DUMMY_ACCOUNTS.staging, type: 'dev' }],
    },
    {
      name: 'production',
      sourceBranch: 'main',
      buildEnvironment: { name: 'prod-train', account: DUMMY_ACCOUNTS.staging, region: DUMMY_REGION, type: 'preprod' },
      deployEnvironments: [
        { name: 'preprod', account: DUMMY_ACCOUNTS.staging, type: 'preprod' },
        { name: 'prod', account: DUMMY_ACCOUNTS.prod, type: 'prod', region: 'us-east-1' },
      ],
    },
  ],
};

export function env(parameters: Record<string, unknown>) {
  return seedfarmerEnv({ moduleName: 'model-cicd', parameters });
}

/** Loads and resolves parameters exactly as main.ts does (test fixtures may use the dummy accounts). */
export function load(parameters: Record<string, unknown>, allowPlaceholderAccounts = true) {
  const loaded = loadModuleConfig(modelCicdParameters, { appName: 'model-cicd', env: env(parameters), allowPlaceholderAccounts });
  return { ...loaded, config: resolveModelCicdConfig(loaded.parameters, loaded.module) };
}

export function synth(parameters: Record<string, unknown> = PARAMETERS): { app: App; stack: InfraPipelineStack } {
  const { module, parameters: parsed, config } = load(parameters);
  const app = createTestApp();
  return { app, stack: buildModelCicdApp(app, module, config, parsed) };
}
