import { Stage } from 'aws-cdk-lib';
import { AwsSolutionsChecks, type NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * One unacknowledged cdk-nag rule violation.
 */
export interface NagFinding {
  /**
   * The rule id, with the finding suffix for granular rules, e.g. `AwsSolutions-SQS3` or
   * `AwsSolutions-IAM5[Action::*]`: the exact id to pass to `Validations.of(construct).acknowledge`.
   */
  readonly rule: string;
  /**
   * The level the rule pack assigns to the rule.
   */
  readonly severity: 'error' | 'warning';
  /**
   * Construct paths of the violating resources, e.g. `MyStack/Queue/Resource`.
   */
  readonly resources: string[];
  /**
   * What the rule found.
   */
  readonly message: string;
}

/**
 * Options of `nagFindings` and `expectNoNagFindings`.
 */
export interface NagCheckOptions {
  /**
   * The rule pack to run.
   *
   * @default - a new `AwsSolutionsChecks`
   */
  readonly pack?: NagPack;
}

/**
 * Runs a cdk-nag rule pack over `scope` and returns the violations that no `Validations.of(...).acknowledge`
 * on the resource or one of its ancestors covers. cdk-nag 3 reports through CDK policy validation, never
 * through `Annotations`, so this is how a test sees its findings.
 *
 * The enclosing app is synthesized first, so that aspects (permissions boundaries, tags, ...) have run, as they
 * will have when deploying. Call it once the construct tree is complete: CDK refuses to synthesize an app again
 * after constructs were added. Do not register the pack on the app with `Validations.of(app).addPlugins`
 * in tests, or synthesis fails before this function can report.
 */
export function nagFindings(scope: IConstruct, options: NagCheckOptions = {}): NagFinding[] {
  const root = scope.node.root;
  if (Stage.isStage(root)) {
    root.synth();
  }
  const pack = options.pack ?? new AwsSolutionsChecks();
  return pack.validateScope(scope).violations.map((violation) => ({
    rule: violation.ruleName,
    severity: violation.severity === 'error' ? 'error' : 'warning',
    resources: violation.violatingResources.map((r) => r.constructPath ?? r.resourceLogicalId ?? '<unknown resource>'),
    message: violation.description,
  }));
}

/**
 * Throws an `Error` listing every unacknowledged cdk-nag finding under `scope` (rule id, resource, message), so
 * a test fails with the whole list rather than the first difference.
 *
 * @throws Error when `nagFindings(scope, options)` is not empty.
 */
export function expectNoNagFindings(scope: IConstruct, options: NagCheckOptions = {}): void {
  const findings = nagFindings(scope, options);
  if (findings.length === 0) {
    return;
  }
  const lines = findings.flatMap((f) =>
    f.resources.map((resource) => `  ${f.rule} (${f.severity}) on ${resource}: ${f.message}`),
  );
  throw new Error(
    `${lines.length} unacknowledged cdk-nag finding(s) under '${scope.node.path || '<app>'}':\n` +
      `${lines.join('\n')}\n` +
      'Fix the resource, or acknowledge that one finding on that one resource with ' +
      "Validations.of(construct).acknowledge({ id: '<rule>', reason: '<why>' }).",
  );
}
