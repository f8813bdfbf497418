import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKS_RUN_FILE, POLICY_VALIDATION_REPORT_FILE, REQUIRED_VALIDATION_PLUGINS } from '../deploy-contract';

/** One reason the SecurityEvaluation stage fails. */
export interface SecurityFinding {
  /** The plugin that reported it (`AwsSolutions`, `cdk-validator-cfnguard`), or `security-evaluation` for a missing input. */
  readonly plugin: string;
  /** The rule id, to acknowledge in the deploy app with `Validations.of(resource).acknowledge({ id, reason })`. */
  readonly rule: string;
  readonly description: string;
  /** Construct paths (or template#logical id) of the violating resources. */
  readonly resources: string[];
}

/** The report SecurityEvaluation writes and keeps as a pipeline artifact. */
export interface SecurityReport {
  readonly passed: boolean;
  readonly templates: string[];
  readonly plugins: Array<{ readonly name: string; readonly violations: number }>;
  readonly findings: SecurityFinding[];
}

/** The parts of CDK's validation report (`validation-report.json`) the evaluation reads. */
interface ValidationReport {
  readonly pluginReports?: Array<{
    readonly pluginName?: string;
    /** Open violations; acknowledged ones are under `suppressedViolations`. */
    readonly violations?: Array<{
      readonly ruleName?: string;
      readonly description?: string;
      readonly violatingConstructs?: Array<{ readonly constructPath?: string; readonly cloudFormationResource?: { readonly templatePath?: string; readonly logicalId?: string } }>;
    }>;
  }>;
}

const SELF = 'security-evaluation';

/**
 * Evaluates the cloud assembly of the deploy app's synth: every stage template must exist, the validation
 * report CDK wrote must hold the reports of cdk-nag (AwsSolutions) and the Control Tower controls
 * (cdk-validator-cfnguard) — the checks our own gates run — and none of them may list a violation. What the
 * deploy app acknowledged (`Validations.of(...).acknowledge`, one resource and a reason each) is not in the
 * report. Requiring both plugins means that removing the checks from the deploy app fails the stage instead
 * of silently passing it.
 */
export function evaluateAssembly(assemblyDir: string, stages: readonly string[]): SecurityReport {
  const findings: SecurityFinding[] = [];
  const templates: string[] = [];
  for (const stage of stages) {
    const file = `${stage}.template.json`;
    if (existsSync(join(assemblyDir, file))) templates.push(file);
    else {
      findings.push({
        plugin: SELF,
        rule: 'missing-template',
        description: `The synth wrote no ${file}: the deploy app must define one stack per stage, named ${stages.join(', ')}`,
        resources: [],
      });
    }
  }

  const reportFile = join(assemblyDir, POLICY_VALIDATION_REPORT_FILE);
  const plugins: Array<{ name: string; violations: number }> = [];
  if (!existsSync(reportFile)) {
    findings.push({
      plugin: SELF,
      rule: 'missing-validation-report',
      description:
        `The synth wrote no ${POLICY_VALIDATION_REPORT_FILE}: keep ` +
        'the cdk-nag and Control Tower plugins in bin/app.ts (CDK writes the report for an app with validation plugins)',
      resources: [],
    });
    return { passed: false, templates, plugins, findings };
  }

  let report: ValidationReport;
  try {
    report = JSON.parse(readFileSync(reportFile, 'utf8')) as ValidationReport;
  } catch (error) {
    findings.push({ plugin: SELF, rule: 'unreadable-validation-report', description: `${POLICY_VALIDATION_REPORT_FILE} is not JSON: ${(error as Error).message}`, resources: [] });
    return { passed: false, templates, plugins, findings };
  }
  for (const pluginReport of report.pluginReports ?? []) {
    const name = pluginReport.pluginName ?? '<unnamed plugin>';
    const violations = pluginReport.violations ?? [];
    plugins.push({ name, violations: violations.length });
    for (const violation of violations) {
      findings.push({
        plugin: name,
        rule: violation.ruleName ?? '<unnamed rule>',
        description: violation.description ?? '',
        resources: (violation.violatingConstructs ?? []).map(
          (c) => c.constructPath ?? `${c.cloudFormationResource?.templatePath ?? '<template>'}#${c.cloudFormationResource?.logicalId ?? '<resource>'}`,
        ),
      });
    }
  }
  const ran = new Set(plugins.map((p) => p.name));
  try {
    for (const name of JSON.parse(readFileSync(join(assemblyDir, CHECKS_RUN_FILE), 'utf8')) as string[]) ran.add(name);
  } catch {
    // No record: only the plugins with findings are known to have run.
  }
  for (const name of ran) if (!plugins.some((p) => p.name === name)) plugins.push({ name, violations: 0 });
  for (const required of REQUIRED_VALIDATION_PLUGINS) {
    if (!ran.has(required)) {
      findings.push({
        plugin: SELF,
        rule: 'missing-plugin',
        description: `${required} did not run: keep that plugin, wrapped in reportOnly, in the deploy app (Validations.of(app).addPlugins)`,
        resources: [],
      });
    }
  }
  return { passed: findings.length === 0, templates, plugins, findings };
}

/** One line per finding, for the build log. */
export function formatSecurityReport(report: SecurityReport): string {
  if (report.passed) {
    return `SecurityEvaluation passed: ${report.templates.join(', ')} checked by ${report.plugins.map((p) => p.name).join(', ')}, no finding.`;
  }
  return [
    `SecurityEvaluation failed with ${report.findings.length} finding(s):`,
    ...report.findings.map((f) => `  ${f.plugin} ${f.rule}${f.resources.length ? ` on ${f.resources.join(', ')}` : ''}: ${f.description}`),
    'Fix each, or acknowledge it on the one resource with a reason (Validations.of(resource).acknowledge) in the deploy app.',
  ].join('\n');
}
