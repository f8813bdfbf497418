// The staging test action of the endpoint deployment pipeline: `node endpoint-test.cjs`, configured by
// environment variables (see stagingTestFromEnvironment). Always writes the JSON report and the JUnit
// file (also when the test cannot run), prints a summary, exits 1 unless every account passed.
import { resolve } from 'node:path';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { STSClient } from '@aws-sdk/client-sts';
import { stagingTestFromEnvironment } from '../endpoint-deploy/environment';
import { writeStagingTestReports } from '../endpoint-deploy/junit';
import { failedStagingTestReport, formatStagingTestSummary, type StagingTestReport } from '../endpoint-deploy/staging-test';

const sdk = { maxAttempts: 3, retryMode: 'adaptive' } as const;

async function main(): Promise<void> {
  let report: StagingTestReport;
  let reportPath = resolve(process.env.REPORT_PATH?.trim() || 'staging-test-report.json');
  let junitPath = resolve(process.env.JUNIT_PATH?.trim() || 'staging-test-junit.xml');
  try {
    const result = await stagingTestFromEnvironment(
      process.env,
      {
        sts: new STSClient(sdk),
        sagemakerFor: (credentials, region) => new SageMakerClient({ ...sdk, region, credentials }),
        // No SDK retries on InvokeEndpoint: a retried call would hide an error and distort the latency.
        runtimeFor: (credentials, region) => new SageMakerRuntimeClient({ maxAttempts: 1, region, credentials }),
      },
      { log: (message) => process.stdout.write(`[endpoint-test] ${message}\n`) },
    );
    report = result.report;
    reportPath = result.environment.reportPath;
    junitPath = result.environment.junitPath;
  } catch (error) {
    report = failedStagingTestReport(error instanceof Error ? error.message : String(error), {
      endpointName: process.env.ENDPOINT_NAME?.trim(),
      region: process.env.STAGE_REGION?.trim() || process.env.AWS_REGION?.trim(),
    });
  }
  try {
    writeStagingTestReports(report, { reportPath, junitPath });
  } catch (error) {
    process.stderr.write(`endpoint-test could not write its reports: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
  const summary = formatStagingTestSummary(report);
  if (report.passed) {
    process.stdout.write(`${summary}\n`);
  } else {
    process.stderr.write(`endpoint-test failed: ${summary}\n`);
    process.exitCode = 1;
  }
}

void main();
