// The CodeBuild step of the promote pipeline: `node promote.cjs`, configured by environment variables
// (see promoteFromEnvironment). Writes the JSON report, prints a one-line summary, exits 1 on failure.
import { writeFileSync } from 'node:fs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { STSClient } from '@aws-sdk/client-sts';
import { formatPromotionSummary, promoteFromEnvironment } from '../promote/environment';

const sdk = { maxAttempts: 3, retryMode: 'adaptive' } as const;

async function main(): Promise<void> {
  const ecrByRegion = new Map<string, ECRClient>();
  const ecrFor = (region: string): ECRClient => {
    let client = ecrByRegion.get(region);
    if (client === undefined) {
      client = new ECRClient({ ...sdk, region });
      ecrByRegion.set(region, client);
    }
    return client;
  };
  try {
    const { report, reportPath } = await promoteFromEnvironment(
      process.env,
      {
        sourceSageMaker: (region) => new SageMakerClient({ ...sdk, region }),
        targetSageMaker: new SageMakerClient(sdk),
        // Source buckets may be in another region; HeadObject/ListObjectsV2 follow the redirect.
        s3: new S3Client({ ...sdk, followRegionRedirects: true }),
        ecr: ecrFor,
        sts: new STSClient(sdk),
      },
      { log: (message) => process.stdout.write(`[promote] ${message}\n`) },
    );
    writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`${formatPromotionSummary(report)}\n`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const reportPath = process.env.REPORT_PATH?.trim() || 'promotion-report.json';
    try {
      writeFileSync(reportPath, `${JSON.stringify({ status: 'failed', error: message }, null, 2)}\n`);
    } catch {
      // The failure below is what matters; a missing report is secondary.
    }
    process.stderr.write(`promote failed: ${message}\n`);
    process.exitCode = 1;
  }
}

void main();
