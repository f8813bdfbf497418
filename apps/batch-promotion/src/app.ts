import { App, Stack, Tags } from 'aws-cdk-lib';
import { type AccountPrerequisites, deployRoleSsmReadStep, type ModuleContext, type ModulePrerequisites } from '@sagemaker-mlops/config';
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

/**
 * What each account needs before the module's first deploy, printed by main.ts once per synth: dev's own
 * bootstrap in the module's region and in every other stage region (CDK deploys the pipeline's replication
 * bucket there, in a support stack), each stage account's bootstrap trusting dev with the stage template's
 * execution policy (the deploy action runs as its CDK deploy role, CloudFormation as its cfn-exec role, which
 * the dev bucket and key let read that stage's definition), and the stage data.
 */
export function batchPromotionPrerequisites(module: ModuleContext, config: BatchPromotionConfig): ModulePrerequisites {
  const dev = config.account;
  const qualifier = config.cdkBootstrapQualifier;
  // VPC settings as SSM parameter names: each account holds them, and its CDK deploy role must read them.
  const vpcSteps = (account: string, region: string) => {
    const names = config.vpcParameters;
    if (!names) return [];
    return [
      `create the SSM StringList parameters ${names.subnetIds} and ${names.securityGroupIds} with this account's subnets and security groups for the jobs`,
      deployRoleSsmReadStep(account, region, [names.subnetIds, names.securityGroupIds], qualifier),
    ];
  };
  const accounts: AccountPrerequisites[] = [
    {
      account: dev,
      region: config.region,
      role: 'dev (this module)',
      // No data step: RunInDev uploads the sample data.
      bootstrap: { executionPolicies: ['module'], qualifier },
      steps: vpcSteps(dev, config.region),
    },
  ];
  for (const region of [...new Set(config.stages.map((s) => s.region))].filter((r) => r !== config.region)) {
    accounts.push({ account: dev, region, role: 'dev (the pipeline\'s replication bucket)', bootstrap: { executionPolicies: ['module'], qualifier } });
  }
  for (const stage of config.stages) {
    accounts.push({
      account: stage.account,
      region: stage.region,
      role: stage.name,
      bootstrap: { trust: [dev], executionPolicies: ['batch-stage'], qualifier },
      steps: [
        `after the first promotion to ${stage.name}, put the training data at its stage file's InputDataUrl and the batch input at its BatchDataUrl ` +
          `(seeded: s3://${stage.bucketName}/${stage.sagemakerPipelineName}/data/), or point the stage file at your own buckets`,
        `subscribe to the ${stage.name} stage stack's AlarmTopicArn output to hear of failed scheduled runs`,
        ...vpcSteps(stage.account, stage.region),
      ],
    });
  }
  return { app: 'batch-promotion', stackName: module.stackName, accounts };
}
