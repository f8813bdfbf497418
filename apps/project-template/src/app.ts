import { App, Stack, Tags } from 'aws-cdk-lib';
import { ModuleContext } from '@sagemaker-mlops/config';
import { applyModuleBoundary } from '@sagemaker-mlops/iam';
import type { ProjectTemplateConfig } from './config';
import { prepareSeedCode } from './seed';
import { ProjectTemplateStack } from './stacks/project-template-stack';

/**
 * Builds the module's stack from validated configuration: one stack, named `<project>-<deployment>-<module>`
 * as Seedfarmer's `metadata convert` expects.
 */
export function buildProjectTemplateApp(app: App, module: ModuleContext, config: ProjectTemplateConfig): ProjectTemplateStack {
  const stack = new ProjectTemplateStack(app, module.stackName, {
    stackName: module.stackName,
    env: { account: module.account, region: module.region },
    description: `sagemaker-mlops-cdk project-template: SageMaker project template portfolio (${module.projectName}/${module.deploymentName})`,
    config,
    seedCodeDirs: { build: prepareSeedCode('build'), deploy: prepareSeedCode('deploy') },
  });
  Tags.of(stack).add('sagemaker-mlops:module', module.moduleName);
  // The module's own roles (the launch role); the product's roles get the boundary in the product template.
  applyModuleBoundary(stack as Stack, { name: config.permissionsBoundaryName, seedfarmerArn: module.permissionsBoundaryArn });
  return stack;
}
