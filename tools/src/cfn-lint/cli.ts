import { relative } from 'node:path';
import { lintAssembly } from '@sagemaker-mlops/test-utils';
import { describeCfnLintFailures } from './index';

/**
 * Lints one cloud assembly the way the main job does:
 *
 *   node tools/lib/cfn-lint/cli.js <assembly dir> [--regions eu-west-1,us-east-1]
 *
 * Exits 1 on any error or unaccepted warning.
 */
async function main(argv: string[]) {
  const dir = argv.find((a) => !a.startsWith('--'));
  if (!dir) throw new Error('usage: cli.js <assembly dir> [--regions r1,r2]');
  const i = argv.indexOf('--regions');
  const regions = i >= 0 ? argv[i + 1]?.split(',') : undefined;
  const result = await lintAssembly(dir, regions);
  if (result.skipped) return;
  process.stdout.write(
    `${result.linted.length} template(s) (${result.templates.length} found) in ${result.regions.join(', ')}: ` +
      `${result.errors.length} error(s), ${result.warnings.length} warning(s), ${result.accepted.length} accepted\n`,
  );
  for (const t of result.linted) process.stdout.write(`  ${relative(dir, t)}\n`);
  if (result.errors.length || result.warnings.length) {
    process.stdout.write(`${describeCfnLintFailures(result, dir)}\n`);
    process.exit(1);
  }
}

main(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
