import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/** Context that keeps synth from throwing on findings, so that a test can list them. */
export const NAG_APP_PROPS = {
  builtinCloudFormationValidation: false,
  context: { '@aws-cdk/core:failSynthOnValidationErrors': false },
};

/**
 * Synthesizes the app with the AwsSolutions pack and returns the unacknowledged findings as
 * `RuleId construct-path` strings. cdk-nag 3 writes findings to the validation report, not to Annotations.
 */
export function awsSolutionsFindings(app: App): string[] {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8')) as {
    pluginReports: { violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[] }[];
  };
  return report.pluginReports.flatMap((r) =>
    r.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} ${c.constructPath}`)),
  );
}
