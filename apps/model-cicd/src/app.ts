import { App } from 'aws-cdk-lib';
import { AccountPrerequisites, deployRoleSsmReadStep, ModuleContext, ModulePrerequisites } from '@sagemaker-mlops/config';
import { applyModuleBoundary } from '@sagemaker-mlops/iam';
import { moduleSynthesizer, type ModelCicdConfig, type ModelCicdParameters } from './config';
import { InfraPipelineStack } from './stacks/infra-pipeline-stack';
import { ReplicationStack, replicationRegions } from './stacks/replication-stack';

/**
 * The module's configuration as the infra pipeline's synth receives it: the file form of
 * `loadModuleConfig` with the validated parameters only (never the Seedfarmer environment).
 */
export function synthConfig(module: ModuleContext, parameters: ModelCicdParameters): Record<string, unknown> {
  const { s3_access_logs_bucket_arn: logs, ...rest } = parameters;
  return {
    project: module.projectName,
    deployment: module.deploymentName,
    module: module.moduleName,
    account: module.account,
    region: module.region,
    ...(module.permissionsBoundaryArn ? { permissions_boundary_arn: module.permissionsBoundaryArn } : {}),
    parameters: { ...rest, ...(logs ? { s3_access_logs_bucket_arn: logs.arn } : {}) },
  };
}

/** Builds the module: one stack, `<project>-<deployment>-<module>`, holding the infra pipeline and its group stages. */
export function buildModelCicdApp(app: App, module: ModuleContext, config: ModelCicdConfig, parameters: ModelCicdParameters): InfraPipelineStack {
  const stack = new InfraPipelineStack(app, module.stackName, {
    stackName: module.stackName,
    synthesizer: moduleSynthesizer(config),
    env: { account: module.account, region: module.region },
    description: `sagemaker-mlops-cdk model-cicd (${module.projectName}/${module.deploymentName}): git-flow deployment groups`,
    config,
    synthConfig: synthConfig(module, parameters),
  });
  // Deployed by the module itself (cdk deploy --all) before the pipelines that replicate into them.
  for (const region of replicationRegions(config)) {
    const replication = new ReplicationStack(app, `${module.stackName}-replication-${region}`, {
      stackName: `${module.stackName}-replication`.slice(0, 128),
      synthesizer: moduleSynthesizer(config),
      env: { account: module.account, region },
      config,
    });
    stack.addStackDependency(replication);
  }
  const boundary = { name: config.permissionsBoundaryName, seedfarmerArn: module.permissionsBoundaryArn };
  applyModuleBoundary(stack, boundary);
  // A stage's stacks may be in other accounts: they carry the boundary policy of the same name there.
  const name = config.permissionsBoundaryName ?? module.permissionsBoundaryArn?.split('/').pop();
  for (const stage of stack.stages) {
    applyModuleBoundary(stage.pipelines, { name });
    applyModuleBoundary(stage.buildAccount, { name });
  }
  return stack;
}

/**
 * What each account needs before the module's first deploy, printed by main.ts once per synth: the
 * tooling account bootstrapped in its region and in each region the pipelines replicate artifacts
 * to; every build account trusting it with the build account policy; every deploy environment
 * trusting it with the endpoint policy (the infra and deploy pipelines deploy there with those
 * accounts' CDK bootstrap roles).
 */
export function modelCicdPrerequisites(module: ModuleContext, config: ModelCicdConfig): ModulePrerequisites {
  const tooling = config.account;
  const qualifier = config.cdkBootstrapQualifier;
  const connection = [config.infraRepo, config.modelBuildRepo].find((r) => r.host === 'codeconnections');
  const accounts: AccountPrerequisites[] = [
    {
      account: tooling,
      region: config.region,
      role: 'tooling (this module)',
      bootstrap: { executionPolicies: ['module'], qualifier },
      steps: connection && connection.host === 'codeconnections' ? [`the connection ${connection.connectionArn} must be AVAILABLE (complete its handshake in the console)`] : [],
    },
    ...replicationRegions(config).map((region) => ({ account: tooling, region, role: 'tooling: pipeline artifact replication', bootstrap: { executionPolicies: ['module' as const], qualifier } })),
  ];
  for (const group of config.groups) {
    const build = group.buildEnvironment;
    accounts.push({ account: build.account, region: build.region, role: `build of group ${group.name}`, bootstrap: { trust: [tooling], executionPolicies: ['model-cicd-build-account'], qualifier } });
    for (const env of group.deployEnvironments) {
      const steps = [
        ...(config.vpc
          ? [
              `create the SSM StringList parameters ${config.vpc.subnetIdsParameter} and ${config.vpc.securityGroupIdsParameter} with the endpoint's subnets and security groups`,
              deployRoleSsmReadStep(env.account, env.region, [config.vpc.subnetIdsParameter, config.vpc.securityGroupIdsParameter], qualifier),
            ]
          : []),
        ...(env.region !== build.region ? [`SageMaker creates a model only from a package in its own region: replicate the model package and its artifacts to ${env.region}`] : []),
      ];
      accounts.push({ account: env.account, region: env.region, role: `${env.type} environment ${env.name} of group ${group.name}`, bootstrap: { trust: [tooling], executionPolicies: ['endpoint'], qualifier }, steps });
    }
  }
  return { app: 'model-cicd', stackName: module.stackName, accounts };
}
