import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StagingTestReport } from './staging-test';

/**
 * Writes the staging test report as one JSON document and as JUnit XML, replacing earlier files
 * (never appending: two JSON documents in one file are not JSON), creating the folders as needed.
 */
export function writeStagingTestReports(report: StagingTestReport, paths: { readonly reportPath: string; readonly junitPath: string }): void {
  mkdirSync(dirname(paths.reportPath), { recursive: true });
  writeFileSync(paths.reportPath, `${JSON.stringify(report, null, 2)}\n`);
  mkdirSync(dirname(paths.junitPath), { recursive: true });
  writeFileSync(paths.junitPath, formatStagingTestJUnit(report));
}

/**
 * The staging test report as JUnit XML, for a CodeBuild test report: one testsuite, one testcase per
 * account (a `failure` element with the reason when it failed); when the test could not run at all,
 * one failing testcase named `configuration`.
 */
export function formatStagingTestJUnit(report: StagingTestReport): string {
  const suiteName =
    report.endpointName === '' ? 'endpoint staging test' : `endpoint staging test: ${report.endpointName} (${report.region})`;
  const cases =
    report.error !== undefined
      ? [testCase(report, 'configuration', 0, report.error, '')]
      : report.accounts.map((a) =>
          testCase(
            report,
            a.account,
            a.durationMs,
            a.failure,
            [
              `endpoint status: ${a.endpointStatus ?? 'unknown'}`,
              `data capture: ${a.dataCaptureEnabled ? 'enabled' : 'disabled'}`,
              ...a.invocations.map((inv, i) => `invocation ${i + 1}: ${inv.latencyMs} ms ${inv.ok ? 'ok' : `FAILED: ${inv.error}`}`),
            ].join('\n'),
          ),
        );
  const failures = cases.filter((c) => c.failed).length;
  const seconds = seconds3(Date.parse(report.finishedAt) - Date.parse(report.startedAt));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${attr(suiteName)}" tests="${cases.length}" failures="${failures}" errors="0" time="${seconds}">`,
    `  <testsuite name="${attr(suiteName)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" ` +
      `timestamp="${attr(report.startedAt)}" time="${seconds}">`,
    ...cases.map((c) => c.xml),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function testCase(
  report: StagingTestReport,
  name: string,
  durationMs: number,
  failure: string | undefined,
  output: string,
): { readonly xml: string; readonly failed: boolean } {
  const open = `    <testcase classname="${attr(report.endpointName === '' ? 'staging-test' : `staging-test.${report.endpointName}`)}" name="${attr(name)}" time="${seconds3(durationMs)}">`;
  const lines = [open];
  if (failure !== undefined) {
    lines.push(`      <failure message="${attr(failure)}" type="StagingTestFailure">${text(failure)}</failure>`);
  }
  if (output !== '') {
    lines.push(`      <system-out>${text(output)}</system-out>`);
  }
  lines.push('    </testcase>');
  return { xml: lines.join('\n'), failed: failure !== undefined };
}

function seconds3(ms: number): string {
  return (Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0).toFixed(3);
}

// XML 1.0 forbids most control characters even when escaped; error messages from AWS may carry them.
function clean(value: string): string {
  return value.replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
}

function text(value: string): string {
  return clean(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
