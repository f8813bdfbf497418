import { App, Stack, Tags } from 'aws-cdk-lib';
import { AccountPrerequisites, ModuleContext, ModulePrerequisites } from '@sagemaker-mlops/config';
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

/**
 * What each account needs before the module's first deploy, printed by main.ts once per synth. Every
 * component is a module of its own account, deployed with that account's CDK bootstrap (no pipeline
 * deploys across accounts, so no `--trust`); the components of the other accounts are named with the
 * values they need.
 */
export function promotePrerequisites(module: ModuleContext, parameters: PromoteParameters): ModulePrerequisites {
  const here = { account: module.account, region: module.region, bootstrap: { executionPolicies: ['module' as const] } };
  const accounts: AccountPrerequisites[] = [];
  switch (parameters.component) {
    case 'pipeline': {
      const source = parameters.source_model_package_group_arn;
      const steps = parameters.event_bus_name
        ? [`deploy promote's event-bus component here first (event_bus_name ${parameters.event_bus_name}, source_accounts including ${source.account}): the pipeline's rule listens on that bus`]
        : [];
      accounts.push({ ...here, role: 'target (this module: promote pipeline)', steps });
      accounts.push({
        account: source.account,
        region: source.region,
        role: `source registry of ${source.name}`,
        bootstrap: { executionPolicies: ['module'] },
        steps: [
          `deploy promote's source-account component there (model_package_group_name ${source.name}, target_accounts including ${module.account}, target_event_bus_arn the bus this pipeline listens on): read-only registry access and event forwarding for this account`,
        ],
      });
      break;
    }
    case 'event-bus':
      accounts.push({ ...here, role: `target (this module: promote event bus ${parameters.event_bus_name})` });
      for (const source of parameters.source_accounts) {
        accounts.push({
          account: source,
          region: module.region,
          role: 'source registry',
          steps: [`deploy promote's source-account component there after this module, with target_event_bus_arn naming bus ${parameters.event_bus_name} of ${module.account}`],
        });
      }
      break;
    case 'source-account': {
      const bus = parameters.target_event_bus_arn;
      accounts.push({ ...here, role: `source registry (this module: access and forwarding for ${parameters.model_package_group_name})` });
      accounts.push({
        account: bus.account,
        region: bus.region,
        role: 'target with the event bus',
        bootstrap: { executionPolicies: ['module'] },
        steps: [`deploy promote's event-bus component there before this module (event_bus_name ${bus.name}, source_accounts including ${module.account}): the forwarding rule targets it`],
      });
      for (const target of parameters.target_accounts.filter((a) => a !== bus.account)) {
        accounts.push({ account: target, region: module.region, role: 'target', steps: ["deploy promote's pipeline component there, with the source group of this account"] });
      }
      break;
    }
  }
  return { app: 'promote', stackName: module.stackName, accounts };
}
