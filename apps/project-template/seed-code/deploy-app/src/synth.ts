import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { latestApprovedModelPackage } from '@sagemaker-mlops/registry';
import { App } from 'aws-cdk-lib';
import { buildDeployApp, ModelVersion } from './deploy-app';
import { DeploySettings } from './settings';

/** Anything with the `send` of an AWS SDK v3 SageMaker client. */
export interface SageMakerLike {
  send(command: any): Promise<any>;
}

/** The file the Build action sources to export the version (namespace Build). */
export const PIPELINE_VARIABLES_FILE = 'pipeline-variables.env';

/**
 * What `npm run synth` does: finds the newest approved version of the project's group (the shared lookup:
 * `SortOrder=Descending`, every page, a clear error when none is approved), synthesizes the three stage
 * templates into `app`'s output folder and writes the version for the later pipeline actions.
 */
export async function synthesize(app: App, settings: DeploySettings, sagemaker: SageMakerLike, configDir: string): Promise<{ directory: string; model: ModelVersion }> {
  const latest = await latestApprovedModelPackage(sagemaker, settings.modelPackageGroupName);
  const model = { arn: latest.ModelPackageArn!, version: latest.ModelPackageVersion! };
  buildDeployApp(app, settings, model, configDir);
  const assembly = app.synth();
  writeFileSync(join(assembly.directory, PIPELINE_VARIABLES_FILE), `export MODEL_PACKAGE_ARN='${model.arn}'\nexport MODEL_PACKAGE_VERSION='${model.version}'\n`);
  return { directory: assembly.directory, model };
}
