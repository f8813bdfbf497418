import { App, Stack, Tags } from 'aws-cdk-lib';
import { ModuleContext } from '@sagemaker-mlops/config';
import { applyModuleBoundary } from '@sagemaker-mlops/iam';
import type { PromoteParameters } from './config';
import { PromotePipelineStack } from './stacks/promote-pipeline-stack';
import { SourceAccountStack } from './stacks/source-account-stack';
import { TargetEventBusStack } from './stacks/target-event-bus-stack';

/**
 * Builds the module's stack from validated configuration. One stack per module, named
 * `<project>-<deployment>-<module>` as Seedfarmer's `metadata convert` expects.
 */
export function buildPromoteApp(app: App, module: ModuleContext, parameters: PromoteParameters): Stack {
  const stackProps = {
    stackName: module.stackName,
    env: { account: module.account, region: module.region },
    description: `sagemaker-mlops-cdk promote (${parameters.component}) for ${module.projectName}/${module.deploymentName}`,
  };
  let stack: Stack;
  switch (parameters.component) {
    case 'pipeline':
      stack = new PromotePipelineStack(app, module.stackName, { ...stackProps, parameters });
      if (parameters.sagemaker_project_id) Tags.of(stack).add('sagemaker:project-id', parameters.sagemaker_project_id);
      if (parameters.sagemaker_project_name) Tags.of(stack).add('sagemaker:project-name', parameters.sagemaker_project_name);
      break;
    case 'event-bus':
      stack = new TargetEventBusStack(app, module.stackName, { ...stackProps, parameters });
      break;
    case 'source-account':
      stack = new SourceAccountStack(app, module.stackName, { ...stackProps, parameters });
      break;
  }
  Tags.of(stack).add('sagemaker:deployment-stage', module.stackName);
  applyModuleBoundary(stack, { name: parameters.permissions_boundary_name, seedfarmerArn: module.permissionsBoundaryArn });
  return stack;
}
