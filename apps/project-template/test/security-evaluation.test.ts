import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { securityEvaluationBundle } from '../src/security/bundle';
import { evaluateAssembly, formatSecurityReport } from '../src/security/evaluate';

const STAGES = ['dev', 'preprod', 'prod'];
const violation = {
  ruleName: 'AwsSolutions-S1',
  description: 'The S3 Bucket has server access logs disabled.',
  violatingConstructs: [{ constructPath: 'prod/Bucket/Resource', cloudFormationResource: { templatePath: 'prod.template.json', logicalId: 'Bucket' } }],
};

/** A cloud assembly as the deploy app's synth leaves it. */
function assembly(options: { templates?: string[]; report?: unknown; ran?: string[] } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'assembly-'));
  for (const stage of options.templates ?? STAGES) writeFileSync(join(dir, `${stage}.template.json`), '{"Resources":{}}');
  if (options.report !== undefined) writeFileSync(join(dir, 'validation-report.json'), JSON.stringify(options.report));
  if (options.ran) writeFileSync(join(dir, 'security-checks.json'), JSON.stringify(options.ran));
  return dir;
}
const clean = { report: { pluginReports: [{ pluginName: 'cdk-validator-cfnguard', violations: [] }] }, ran: ['AwsSolutions', 'cdk-validator-cfnguard'] };

describe('SecurityEvaluation', () => {
  it('passes an assembly with every stage template, both checks run and no open finding', () => {
    const report = evaluateAssembly(assembly(clean), STAGES);
    expect(report).toEqual({
      passed: true,
      templates: ['dev.template.json', 'preprod.template.json', 'prod.template.json'],
      plugins: [{ name: 'cdk-validator-cfnguard', violations: 0 }, { name: 'AwsSolutions', violations: 0 }],
      findings: [],
    });
  });

  it('fails on any open finding, naming rule and resource', () => {
    const report = evaluateAssembly(assembly({ ...clean, report: { pluginReports: [{ pluginName: 'AwsSolutions', violations: [violation] }] } }), STAGES);
    expect(report.passed).toBe(false);
    expect(report.findings).toEqual([{ plugin: 'AwsSolutions', rule: 'AwsSolutions-S1', description: violation.description, resources: ['prod/Bucket/Resource'] }]);
    expect(formatSecurityReport(report)).toMatch(/AwsSolutions AwsSolutions-S1 on prod\/Bucket\/Resource/);
  });

  it('fails when the checks were removed from the deploy app, or the synth wrote no report', () => {
    expect(evaluateAssembly(assembly({ ...clean, ran: ['cdk-validator-cfnguard'] }), STAGES).findings.map((f) => f.rule)).toEqual(['missing-plugin']);
    expect(evaluateAssembly(assembly({ ran: clean.ran }), STAGES).findings.map((f) => f.rule)).toEqual(['missing-validation-report']);
  });

  it('fails when a stage template is missing (the reference used dev for preprod silently)', () => {
    const report = evaluateAssembly(assembly({ ...clean, templates: ['dev', 'prod'] }), STAGES);
    expect(report.findings).toEqual([expect.objectContaining({ rule: 'missing-template', description: expect.stringContaining('preprod.template.json') })]);
  });

  it('runs as the bundled tool with nothing installed: writes the report and exits 1 on a finding', () => {
    const tool = join(securityEvaluationBundle(), 'index.cjs');
    const dir = assembly({ ...clean, report: { pluginReports: [{ pluginName: 'AwsSolutions', violations: [violation] }] } });
    let status = 0;
    try {
      execFileSync(process.execPath, [tool], { cwd: dir, env: { PATH: process.env.PATH, STAGES: JSON.stringify(STAGES) }, stdio: 'pipe' });
    } catch (error) {
      status = (error as { status: number }).status;
    }
    expect(status).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, 'security-report.json'), 'utf8')).findings).toHaveLength(1);
    const passing = assembly(clean);
    expect(execFileSync(process.execPath, [tool], { cwd: passing, env: { PATH: process.env.PATH }, encoding: 'utf8' })).toMatch(/^SecurityEvaluation passed/);
  });
});
