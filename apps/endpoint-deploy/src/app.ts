import { App, Stack, Tags } from 'aws-cdk-lib';
import { AccountPrerequisites, BOOTSTRAP_POLICIES, createPolicyCommand, deployRoleSsmReadStep, ModuleContext, ModulePrerequisites } from '@sagemaker-mlops/config';
import { endpointExecutionRoleName } from '@sagemaker-mlops/constructs';
import { applyModuleBoundary } from '@sagemaker-mlops/iam';
import { derivedNames, type EndpointDeployConfig } from './config';
import { prepareSeedCode } from './seed';
import { EndpointDeployStack, modelArtifactBucketName } from './stacks/endpoint-deploy-stack';

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

/**
 * What each account needs before the module's first deploy, printed by main.ts once per synth: the
 * pipeline account's own bootstrap, each stage account's bootstrap trusting it (one account in the
 * pipeline's region: a CloudFormation action with that account's CDK roles) or its StackSet execution
 * role (several accounts, another region), and the OUs' StackSets setup. Stage accounts come first in
 * time: the artifact bucket and key policies name their CDK deploy roles, which must exist.
 */
export function endpointDeployPrerequisites(module: ModuleContext, config: EndpointDeployConfig): ModulePrerequisites {
  const tooling = config.account;
  const names = derivedNames(config.projectName, config.projectId);
  const qualifier = config.cdkBootstrapQualifier;
  const adminRole = config.stackSetAdministrationRoleArn ?? `arn:${config.partition}:iam::${tooling}:role/${names.stackSetAdministrationRoleName}`;
  const accounts: AccountPrerequisites[] = [
    {
      account: tooling,
      region: config.region,
      role: 'pipeline (this module)',
      bootstrap: { executionPolicies: ['module'], qualifier },
      steps: [
        ...(config.createModelPackageGroup ? [] : [`create the model package group ${config.modelPackageGroupName} (or set create_model_package_group)`]),
        'give private ECR repositories of the model images a repository policy letting the stage accounts pull',
        `let the model build write its artifacts to s3://${modelArtifactBucketName(config)} (the ModelArtifactBucketName output), encrypted with the ModelArtifactKeyArn output`,
      ],
    },
  ];
  for (const stage of config.stages) {
    if (stage.targets.kind === 'ous') {
      accounts.push({
        account: `OU ${stage.targets.ouIds.join(', ')}`,
        region: stage.region,
        role: stage.name,
        steps: [
          'enable trusted access for CloudFormation StackSets in AWS Organizations',
          `deploy this module in the management account (${tooling} must be it: the CodePipeline StackSet action cannot call as a delegated administrator)`,
        ],
      });
      continue;
    }
    for (const account of stage.targets.accounts) {
      if (stage.deployment === 'cloudformation') {
        accounts.push({
          account,
          region: stage.region,
          role: stage.name,
          bootstrap: { trust: [tooling], executionPolicies: ['endpoint'], qualifier },
          steps: [
            `bootstrap before deploying this module: the artifact bucket and key policies name its CDK deploy role (the endpoint role ${endpointExecutionRoleName(config.projectName, config.projectId, stage.name)} gets read access)`,
            ...(config.vpc?.kind === 'ssm' ? [deployRoleSsmReadStep(account, stage.region, [config.vpc.subnetIdsParameter, config.vpc.securityGroupIdsParameter], qualifier)] : []),
          ],
        });
      } else {
        accounts.push({
          account,
          region: stage.region,
          role: `${stage.name} (StackSet)`,
          steps: [
            createPolicyCommand('endpoint'),
            `create role ${config.stackSetExecutionRoleName} trusting ${adminRole}, with policy ${BOOTSTRAP_POLICIES.endpoint.policyName} attached`,
          ],
        });
      }
    }
  }
  return { app: 'endpoint-deploy', stackName: module.stackName, accounts };
}
