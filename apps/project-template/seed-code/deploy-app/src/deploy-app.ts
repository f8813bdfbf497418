import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { App, IPolicyValidationPlugin, Validations } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { EndpointStack } from '@sagemaker-mlops/constructs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { DeploySettings } from './settings';
import { loadEndpointConfig, Stage, STAGES } from './stage-config';

/** The model version to deploy: the newest approved one (bin/app.ts finds it). */
export interface ModelVersion {
  readonly arn: string;
  readonly version: number;
}

/** Where reportOnly records the plugins that ran (CDK's report leaves out a plugin without findings). */
export const CHECKS_RUN_FILE = 'security-checks.json';

/**
 * Runs a policy-validation plugin in report mode: its findings go into the cloud assembly's
 * validation-report.json without failing the synth, and the pipeline's SecurityEvaluation stage fails on any
 * of them (and when this plugin did not run). Acknowledge a finding on its one resource with
 * `Validations.of(resource).acknowledge({ id, reason })`.
 */
export function reportOnly(plugin: IPolicyValidationPlugin): IPolicyValidationPlugin {
  return {
    name: plugin.name,
    version: plugin.version,
    ruleIds: plugin.ruleIds,
    validate(context) {
      const report = plugin.validate(context);
      if (context.templatePaths.length > 0) {
        const file = join(dirname(context.templatePaths[0]), CHECKS_RUN_FILE);
        const ran: string[] = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
        writeFileSync(file, JSON.stringify([...new Set([...ran, plugin.name])]));
      }
      return { ...report, success: true, violations: report.violations.map((v) => ({ ...v, severity: 'warning' })) };
    },
  };
}

/**
 * One endpoint stack per stage (`dev`, `preprod`, `prod`: `<stage>.template.json` in cdk.out), each deploying
 * `model` with its own `config/<stage>/endpoint-config.json`. The endpoints are named
 * `<project>-<id>-<stage>`, so stages sharing an account do not collide. The templates need no CDK assets:
 * the pipeline deploys each with the stage account's bootstrap roles, and every value is a parameter default.
 */
export function buildDeployApp(app: App, settings: DeploySettings, model: ModelVersion, configDir: string): Record<Stage, EndpointStack> {
  // The access-log buckets of EndpointStack take logs through a bucket policy, not an ACL (also in cdk.json,
  // set here too so that tests with a plain `new App()` work).
  if (app.node.children.length === 0) app.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
  const stacks = {} as Record<Stage, EndpointStack>;
  for (const stage of STAGES) {
    const config = loadEndpointConfig(configDir, stage);
    // Environment-agnostic (EndpointStack requires it): the pipeline's deploy action decides the account
    // (the stage account's bootstrap roles) and the region (DEPLOYMENT_REGION).
    const stack = new EndpointStack(app, stage, {
      projectName: settings.projectName,
      projectId: settings.projectId,
      stageNames: [...STAGES],
      modelRegistryAccount: settings.accounts.dev,
      modelArtifactBucketName: settings.modelBucketName,
      modelArtifactKeyArn: settings.modelBucketKmsKeyArn,
      testPrincipalArn: settings.stagingTestRoleArn,
      dataCapture: { enabled: config.DataCaptureSamplingPercentage > 0, samplingPercentage: Math.max(config.DataCaptureSamplingPercentage, 1) },
    });
    stack.parameters.modelPackageArn.default = model.arn;
    stack.parameters.stageName.default = stage;
    stack.parameters.instanceType.default = config.InstanceType;
    stack.parameters.instanceCount.default = config.InstanceCount;
    stack.parameters.variantName.default = config.VariantName;
    stack.parameters.dataCaptureSamplingPercentage.default = Math.max(config.DataCaptureSamplingPercentage, 1);
    stacks[stage] = stack;
  }
  // The same checks as the module's own gates: cdk-nag AwsSolutions and the AWS Control Tower proactive controls.
  Validations.of(app).addPlugins(reportOnly(new AwsSolutionsChecks(app)), reportOnly(new CfnGuardValidator()));
  return stacks;
}
