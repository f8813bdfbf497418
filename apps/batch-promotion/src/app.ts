import { App, Stack, Tags } from 'aws-cdk-lib';
import { ModuleContext } from '@sagemaker-mlops/config';
import { applyModuleBoundary } from '@sagemaker-mlops/iam';
import type { BatchPromotionConfig } from './config';
import { prepareSeedCode } from './seed';
import { BatchPromotionStack } from './stacks/batch-promotion-stack';

/** Options of {@link buildBatchPromotionApp}. */
export interface BuildOptions {
  /**
   * Where the seed code of a created repository is written.
   *
   * @default - a fresh temporary folder
   */
  readonly seedOutDir?: string;
}

/** Builds the module's one stack, named `<project>-<deployment>-<module>` as Seedfarmer's `metadata convert` expects. */
export function buildBatchPromotionApp(app: App, module: ModuleContext, config: BatchPromotionConfig, options: BuildOptions = {}): Stack {
  const stack = new BatchPromotionStack(app, module.stackName, {
    stackName: module.stackName,
    env: { account: module.account, region: module.region },
    description: `sagemaker-mlops-cdk batch-promotion for SageMaker project ${config.projectName} (${module.projectName}/${module.deploymentName})`,
    config,
    seedCodeDir: config.repository.type === 'codecommit' ? prepareSeedCode(config, options.seedOutDir) : undefined,
  });
  Tags.of(stack).add('sagemaker:project-id', config.projectId);
  Tags.of(stack).add('sagemaker:project-name', config.projectName);
  Tags.of(stack).add('Environment', 'dev');
  applyModuleBoundary(stack, { name: config.permissionsBoundaryName, seedfarmerArn: module.permissionsBoundaryArn });
  return stack;
}
