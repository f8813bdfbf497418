// The deploy app: run by `npm run synth` in the project's deploy pipeline (Build stage), which sets the
// environment (src/settings.ts). Finds the newest approved version of the project's model package group,
// synthesizes one endpoint template per stage, and writes the version for the later pipeline actions.
import { join } from 'node:path';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { App } from 'aws-cdk-lib';
import { settingsFromEnvironment } from '../src/settings';
import { synthesize } from '../src/synth';

async function main(): Promise<void> {
  const settings = settingsFromEnvironment();
  const sagemaker = new SageMakerClient({ region: settings.region, maxAttempts: 5 });
  const { model } = await synthesize(new App(), settings, sagemaker, join(__dirname, '..', 'config'));
  process.stdout.write(`Synthesized dev, preprod and prod for version ${model.version} (${model.arn})\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`deploy app: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
