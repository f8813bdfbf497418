import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import type { IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1, PolicyValidationPluginReportBeta1 } from 'aws-cdk-lib';
import { failOnEveryViolation } from './nag';

/**
 * Which cfn-guard rule files can apply to a set of CloudFormation templates.
 *
 * The AWS Control Tower proactive controls bundled with `@cdklabs/cdk-validator-cfnguard` (237 rule files)
 * each select the resources they check by literal type (`let S3_BUCKET_TYPE = "AWS::S3::Bucket"`, then
 * `Resources.*[ Type == %S3_BUCKET_TYPE ]`); a rule whose types are absent from a template reports nothing
 * for it. Running cfn-guard with every rule costs seconds per synth (it parses all 237 files for every
 * template: 4.3 s for the three templates of an endpoint-deploy module, 0.5 s with the relevant rules), so
 * the synth-time plugin (`controlTowerValidator` below) runs only the rules that name a type the templates contain.
 *
 * Conservative by construction: a rule file is kept when any `AWS::Service::Type` string anywhere in it
 * (comments included) is a type of the templates, and always kept when it names no type at all.
 */

const TYPE = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;

/** Types named by each rule file of a rules directory, read once per directory and process. */
const indexes = new Map<string, Map<string, Set<string>>>();

function ruleIndex(rulesDir: string): Map<string, Set<string>> {
  let index = indexes.get(rulesDir);
  if (!index) {
    index = new Map();
    for (const file of guardFiles(rulesDir)) index.set(file, new Set(readFileSync(file, 'utf8').match(TYPE) ?? []));
    indexes.set(rulesDir, index);
  }
  return index;
}

function guardFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return guardFiles(path);
      return name.endsWith('.guard') ? [path] : [];
    });
}

/** The resource types of CloudFormation templates (JSON files), e.g. `AWS::S3::Bucket`. */
export function templateResourceTypes(templatePaths: readonly string[]): Set<string> {
  const types = new Set<string>();
  for (const path of templatePaths) {
    const template = JSON.parse(readFileSync(path, 'utf8'));
    for (const resource of Object.values<{ Type?: unknown }>(template.Resources ?? {})) {
      if (typeof resource.Type === 'string') types.add(resource.Type);
    }
  }
  return types;
}

/**
 * The `.guard` files under `rulesDir` that name one of `types` (or no type at all), sorted, with the
 * files whose base name (without `.guard`) is in `disabledRules` left out, as the plugin's own
 * `disabledRules` does.
 */
export function relevantGuardRules(rulesDir: string, types: ReadonlySet<string>, disabledRules: readonly string[] = []): string[] {
  const relevant: string[] = [];
  for (const [file, named] of ruleIndex(rulesDir)) {
    const base = basename(file, '.guard');
    if (disabledRules.includes(base)) continue;
    if (named.size === 0 || [...named].some((t) => types.has(t))) relevant.push(file);
  }
  return relevant;
}

/** The Control Tower rule files bundled with `@cdklabs/cdk-validator-cfnguard` (its `defaultRulesPath`). */
export const CONTROL_TOWER_RULES_DIR = join(dirname(require.resolve('@cdklabs/cdk-validator-cfnguard')), '..', 'rules', 'control-tower', 'cfn-guard');

/** Options of `controlTowerValidator`. */
export interface ControlTowerValidatorProps {
  /**
   * Rule files to skip, by base name (`ct-s3-pr-1`), as `CfnGuardValidator`'s `disabledRules`.
   *
   * @default - none: every Control Tower control runs
   */
  readonly disabledRules?: string[];
}

/**
 * The AWS Control Tower proactive controls as a CDK policy-validation plugin, for every app's `main.ts`:
 * `@cdklabs/cdk-validator-cfnguard` run with only the rule files that name a resource type of the
 * synthesized templates (`relevantGuardRules`: the same findings, a fraction of the time), and every
 * violation an error (`failOnEveryViolation`). Its name, version and rule ids are the plugin's own, so
 * acknowledgements (`acknowledgeControl`) and the validation report read exactly as with the plugin.
 */
export function controlTowerValidator(props: ControlTowerValidatorProps = {}): IPolicyValidationPluginBeta1 {
  const full = new CfnGuardValidator({ disabledRules: props.disabledRules });
  return failOnEveryViolation({
    name: full.name,
    version: full.version,
    ruleIds: full.ruleIds,
    validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
      const rules = relevantGuardRules(CONTROL_TOWER_RULES_DIR, templateResourceTypes(context.templatePaths), props.disabledRules);
      if (rules.length === 0) return { success: true, violations: [] };
      return new CfnGuardValidator({ controlTowerRulesEnabled: false, rules }).validate(context);
    },
  });
}
