import { App, Stack, Tags } from 'aws-cdk-lib';
import type { AccountPrerequisites, ModuleContext, ModulePrerequisites } from '@sagemaker-mlops/config';
import { applyModuleBoundary } from '@sagemaker-mlops/iam';
import { LEAD_ROLE_PARAMETER, SSM_PARAMETERS, type ProjectTemplateConfig } from './config';
import { prepareSeedCode } from './seed';
import { DeploymentRegionStack } from './stacks/deployment-region-stack';
import { ProjectTemplateStack } from './stacks/project-template-stack';

/**
 * Builds the module's stack from validated configuration: one stack, named `<project>-<deployment>-<module>`
 * as Seedfarmer's `metadata convert` expects.
 */
export function buildProjectTemplateApp(app: App, module: ModuleContext, config: ProjectTemplateConfig): ProjectTemplateStack {
  // With a deployment region of its own, the deploy pipelines' artifact store there (one per module), in the dev
  // account; its key ARN reaches the module region by CDK's cross-region references (SSM parameters written by a
  // custom resource: CloudFormation resolves nothing across regions by itself).
  const crossRegion = config.deploymentRegion !== config.region;
  const support = crossRegion
    ? new DeploymentRegionStack(app, `${module.stackName}-${config.deploymentRegion}`, {
        stackName: `${module.stackName}-${config.deploymentRegion}`,
        env: { account: module.account, region: config.deploymentRegion },
        description: `sagemaker-mlops-cdk project-template: deploy pipeline artifact store in ${config.deploymentRegion} (${module.projectName}/${module.deploymentName})`,
        crossRegionReferences: true,
        config,
        moduleStackName: module.stackName,
      })
    : undefined;
  const stack = new ProjectTemplateStack(app, module.stackName, {
    stackName: module.stackName,
    env: { account: module.account, region: module.region },
    description: `sagemaker-mlops-cdk project-template: SageMaker project template portfolio (${module.projectName}/${module.deploymentName})`,
    crossRegionReferences: crossRegion,
    config,
    seedCodeDirs: { build: prepareSeedCode('build'), deploy: prepareSeedCode('deploy') },
    deploymentRegionStore: support && { bucketName: support.artifactBucketName, keyArn: support.artifactKey.keyArn },
  });
  for (const s of [stack, support]) {
    if (!s) continue;
    Tags.of(s).add('sagemaker-mlops:module', module.moduleName);
    // The module's own roles (the launch role); the product's roles get the boundary in the product template.
    applyModuleBoundary(s as Stack, { name: config.permissionsBoundaryName, seedfarmerArn: module.permissionsBoundaryArn });
  }
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
  // With another deployment region, dev is bootstrapped in both: the module's region for this module's stack, the
  // deployment region for the dev endpoint and the module's artifact store there (DeploymentRegionStack: a key and
  // buckets, within the endpoint policy).
  const accounts: AccountPrerequisites[] =
    config.deploymentRegion === config.region
      ? [{ account: dev, region: config.region, role: 'dev (this module, SageMaker Studio)', bootstrap: { executionPolicies: ['portfolio', 'endpoint'], qualifier }, steps: devSteps }]
      : [
          { account: dev, region: config.region, role: 'dev (this module, SageMaker Studio)', bootstrap: { executionPolicies: ['portfolio'], qualifier }, steps: devSteps },
          {
            account: dev,
            region: config.deploymentRegion,
            role: 'dev (deployment region: the dev endpoint and the deploy pipelines\' artifact store)',
            bootstrap: { executionPolicies: ['endpoint'], qualifier },
            steps: [],
          },
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
