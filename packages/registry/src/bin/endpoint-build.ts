// The build action of the endpoint deployment pipeline: `node endpoint-build.cjs`, configured by
// environment variables (see endpointBuildFromEnvironment). Writes the per-stage parameter files,
// pipeline-variables.env and build-report.json, prints a one-line summary, exits 1 on failure.
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { formatBuildSummary } from '../endpoint-deploy/build';
import { endpointBuildFromEnvironment } from '../endpoint-deploy/environment';

const sdk = { maxAttempts: 3, retryMode: 'adaptive' } as const;

async function main(): Promise<void> {
  try {
    const { report } = await endpointBuildFromEnvironment(process.env, {
      sagemaker: (region) => new SageMakerClient({ ...sdk, region }),
    });
    process.stdout.write(`${formatBuildSummary(report)}\n`);
  } catch (error) {
    process.stderr.write(`endpoint-build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

void main();
