import { App, Stack, Tags } from 'aws-cdk-lib';
import { ModuleContext } from '@sagemaker-mlops/config';
import { applyModuleBoundary } from '@sagemaker-mlops/iam';
import type { EndpointDeployConfig } from './config';
import { prepareSeedCode } from './seed';
import { EndpointDeployStack } from './stacks/endpoint-deploy-stack';

/** Options of {@link buildEndpointDeployApp}. */
export interface BuildOptions {
  /**
   * Where the seed code of a created repository is written.
   *
   * @default - a fresh temporary folder
   */
  readonly seedOutDir?: string;
}

/**
 * Builds the module's stack from validated configuration: one stack, named
 * `<project>-<deployment>-<module>` as Seedfarmer's `metadata convert` expects.
 */
export function buildEndpointDeployApp(app: App, module: ModuleContext, config: EndpointDeployConfig, options: BuildOptions = {}): Stack {
  const stack = new EndpointDeployStack(app, module.stackName, {
    stackName: module.stackName,
    env: { account: module.account, region: module.region },
    description: `sagemaker-mlops-cdk endpoint-deploy for SageMaker project ${config.projectName} (${module.projectName}/${module.deploymentName})`,
    config,
    seedCodeDir: config.repository.type === 'codecommit' ? prepareSeedCode(config, undefined, options.seedOutDir) : undefined,
  });
  Tags.of(stack).add('sagemaker:project-id', config.projectId);
  Tags.of(stack).add('sagemaker:project-name', config.projectName);
  applyModuleBoundary(stack, { name: config.permissionsBoundaryName, seedfarmerArn: module.permissionsBoundaryArn });
  return stack;
}
