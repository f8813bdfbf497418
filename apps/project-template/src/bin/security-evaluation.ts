// The SecurityEvaluation action of a project's deploy pipeline: `node index.cjs`, run from the Build
// output (the deploy app's cloud assembly). Reads ASSEMBLY_DIR (default: the working directory),
// STAGES (JSON list) and REPORT_PATH; writes the report, prints one line per finding, exits 1 on any.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { evaluateAssembly, formatSecurityReport } from '../security/evaluate';

function main(): void {
  const dir = resolve(process.env.ASSEMBLY_DIR || '.');
  let stages: string[];
  try {
    stages = JSON.parse(process.env.STAGES || '["dev","preprod","prod"]') as string[];
  } catch {
    process.stderr.write(`STAGES must be a JSON list of stage names, got ${process.env.STAGES}\n`);
    process.exitCode = 1;
    return;
  }
  const report = evaluateAssembly(dir, stages);
  writeFileSync(resolve(process.env.REPORT_PATH || 'security-report.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${formatSecurityReport(report)}\n`);
  if (!report.passed) process.exitCode = 1;
}

main();
