import { App, Stack, Tags } from 'aws-cdk-lib';
import type { AccountPrerequisites, ModuleContext, ModulePrerequisites } from '@sagemaker-mlops/config';
import { applyModuleBoundary } from '@sagemaker-mlops/iam';
import { LEAD_ROLE_PARAMETER, SSM_PARAMETERS, type ProjectTemplateConfig } from './config';
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

/**
 * What each account needs before the first project is created, printed by main.ts once per synth. Dev deploys
 * this module with its CDK roles (portfolio policy: the stack holds only the portfolio, product, launch role and
 * SSM parameters) and each project's deploy pipeline deploys the
 * dev endpoint with them too (endpoint policy); the project itself is provisioned by Service Catalog as the launch
 * role, not by the bootstrap roles. Preprod and prod trust dev: the deploy pipeline deploys their EndpointStack with
 * their CDK deploy and cfn-exec roles (the reference depends on that trust without saying so).
 */
export function projectTemplatePrerequisites(module: ModuleContext, config: ProjectTemplateConfig): ModulePrerequisites {
  const dev = config.account;
  const qualifier = config.cdkBootstrapQualifier;
  const devSteps = [
    // With portfolio_principal_arns, the portfolio is shared with those principals and SSM is not read.
    ...(config.portfolioPrincipalArns ? [] : [`put the SageMaker Studio execution role's ARN in the SSM parameter ${LEAD_ROLE_PARAMETER} (or set portfolio_principal_arns)`]),
    'in SageMaker Studio, enable "SageMaker project templates" for the domain and its users',
    'nothing to bootstrap for the projects themselves: Service Catalog provisions each as the launch role this module creates (LaunchRoleArn output)',
    ...(config.repository.type === 'codeconnections'
      ? [
          `make the connection ${config.repository.connectionArn} AVAILABLE; create both repositories of a project and push the seed code ` +
            `(the zips named by SSM ${SSM_PARAMETERS.buildSeed} and ${SSM_PARAMETERS.deploySeed}) before creating the project`,
        ]
      : []),
  ];
  const accounts: AccountPrerequisites[] = [
    { account: dev, region: config.deploymentRegion, role: 'dev (this module, SageMaker Studio)', bootstrap: { executionPolicies: ['portfolio', 'endpoint'], qualifier }, steps: devSteps },
  ];
  for (const [stage, account] of [['preprod', config.preprodAccount], ['prod', config.prodAccount]] as const) {
    accounts.push({
      account,
      region: config.deploymentRegion,
      role: stage,
      bootstrap: { trust: [dev], executionPolicies: ['endpoint'], qualifier },
      steps: [`nothing else to create: each project grants ${stage} read-only access plus CreateModel on its model package group, read access to its artifact bucket and key, and image pulls from its repository`],
    });
  }
  return { app: 'project-template', stackName: module.stackName, accounts };
}
