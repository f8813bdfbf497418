// The deploy app: run by `npm run synth` in the project's deploy pipeline (Build stage), which sets the
// environment (src/settings.ts). Finds the newest approved version of the project's model package group,
// synthesizes one endpoint template per stage, and writes the version for the later pipeline actions.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { latestApprovedModelPackage } from '@sagemaker-mlops/registry';
import { App } from 'aws-cdk-lib';
import { buildDeployApp } from '../src/deploy-app';
import { settingsFromEnvironment } from '../src/settings';

async function main(): Promise<void> {
  const settings = settingsFromEnvironment();
  // Newest first, every page, and a clear error when the group has no approved version (the shared lookup).
  const sagemaker = new SageMakerClient({ region: settings.region, maxAttempts: 5 });
  const latest = await latestApprovedModelPackage(sagemaker, settings.modelPackageGroupName);
  const model = { arn: latest.ModelPackageArn!, version: latest.ModelPackageVersion! };
  const app = new App();
  buildDeployApp(app, settings, model, join(__dirname, '..', 'config'));
  const assembly = app.synth();
  // Exported by the Build action (namespace Build): the approval messages and the staging test name the version.
  writeFileSync(
    join(assembly.directory, 'pipeline-variables.env'),
    `export MODEL_PACKAGE_ARN='${model.arn}'\nexport MODEL_PACKAGE_VERSION='${model.version}'\n`,
  );
  process.stdout.write(`Synthesized dev, preprod and prod for version ${model.version} (${model.arn})\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`deploy app: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
