import { basename, resolve } from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { CfnElement, Stage } from 'aws-cdk-lib';
import type { CloudAssembly, CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';

/** The namespace of the plugin's finding ids (`CfnGuardValidator.name`). */
const GUARD_NAMESPACE = 'cdk-validator-cfnguard';

/** One unacknowledged AWS Control Tower proactive control finding. */
export interface GuardFinding {
  /**
   * The finding id to acknowledge, `cdk-validator-cfnguard::<guard rule name>`, e.g.
   * `cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check`.
   */
  readonly id: string;
  /** The control id, e.g. `CT.S3.PR.9`, when the rule's message names it. */
  readonly control?: string;
  /** The violating resources: construct paths, or `<template>#<logical id>` when the path is unknown. */
  readonly resources: string[];
  /** What the control requires. */
  readonly message: string;
}

/** Options of `guardFindings` and `expectNoGuardFindings`. */
export interface GuardCheckOptions {
  /**
   * The validator to run.
   *
   * @default - a new `CfnGuardValidator()`: every bundled Control Tower rule
   */
  readonly validator?: CfnGuardValidator;
}

/**
 * Synthesizes the app (or stage) of `scope` and runs the AWS Control Tower proactive controls of
 * `@cdklabs/cdk-validator-cfnguard` over every stack template of its cloud assembly, nested assemblies
 * (stages) included. Returns the findings that no `Validations.of(...).acknowledge` covers, matched the
 * way CDK's policy validation matches them: by finding id, on the violating resource or its closest
 * acknowledged ancestor.
 *
 * Call it once the construct tree is complete. Do not register the plugin on the app in tests, or synthesis
 * fails before this function can report.
 */
export function guardFindings(scope: IConstruct, options: GuardCheckOptions = {}): GuardFinding[] {
  const root = scope.node.root;
  if (!Stage.isStage(root)) throw new Error('guardFindings: the construct tree has no App or Stage at its root');
  root.synth();
  const stage = Stage.isStage(scope) ? scope : Stage.of(scope);
  if (!stage) throw new Error(`guardFindings: ${scope.node.path} is not inside a Stage`);
  const stacks = stacksOf(stage.synth());
  if (stacks.length === 0) return [];

  const pathsByTemplate = logicalIdPaths(root);
  for (const stack of stacks) {
    const template = resolve(stack.templateFullPath);
    if (!pathsByTemplate.has(template)) pathsByTemplate.set(template, new Map());
  }

  const validator = options.validator ?? new CfnGuardValidator();
  const report = validator.validate({ templatePaths: [...pathsByTemplate.keys()], appConstruct: root });
  const acknowledged = acknowledgedPaths(root);

  const findings: GuardFinding[] = [];
  for (const violation of report.violations) {
    const id = `${GUARD_NAMESPACE}::${violation.ruleName}`;
    const resources = violation.violatingResources
      .map((r) => {
        const template = r.templatePath ? resolve(r.templatePath) : '';
        const path = r.resourceLogicalId ? pathsByTemplate.get(template)?.get(r.resourceLogicalId) : undefined;
        if (path !== undefined) return isAcknowledged(acknowledged.get(id), path) ? undefined : path;
        return `${basename(template) || '<unknown template>'}#${r.resourceLogicalId ?? '<no resource>'}`;
      })
      .filter((r): r is string => r !== undefined);
    if (resources.length === 0) continue;
    findings.push({
      id,
      control: /\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(violation.description)?.[1],
      resources,
      message: violation.description,
    });
  }
  return findings;
}

/**
 * Throws an `Error` listing every unacknowledged Control Tower control finding of the app or stage of
 * `scope` (id, control, resource, message).
 *
 * @throws Error when `guardFindings(scope, options)` is not empty.
 */
export function expectNoGuardFindings(scope: IConstruct, options: GuardCheckOptions = {}): void {
  const findings = guardFindings(scope, options);
  if (findings.length === 0) return;
  const lines = findings.flatMap((f) => f.resources.map((resource) => `  ${f.id} (${f.control ?? '?'}) on ${resource}: ${f.message}`));
  throw new Error(
    `${lines.length} unacknowledged Control Tower control finding(s) under '${scope.node.path || '<app>'}':\n` +
      `${lines.join('\n')}\n` +
      'Fix the resource, or acknowledge that one control on that one resource with ' +
      "acknowledgeControl(resource, '<CT id>', '<why>') from @sagemaker-mlops/constructs.",
  );
}

function stacksOf(assembly: CloudAssembly): CloudFormationStackArtifact[] {
  return [...assembly.stacks, ...assembly.nestedAssemblies.flatMap((nested) => stacksOf(nested.nestedAssembly))];
}

/**
 * Template file -> logical id -> construct path, from the construct tree (the `aws:cdk:logicalId` metadata
 * is not written when stack traces are off, as in test apps).
 */
function logicalIdPaths(root: IConstruct): Map<string, Map<string, string>> {
  const byTemplate = new Map<string, Map<string, string>>();
  for (const construct of root.node.findAll()) {
    if (!CfnElement.isCfnElement(construct)) continue;
    const stack = construct.stack;
    const template = resolve(Stage.of(stack)!.outdir, stack.templateFile);
    if (!byTemplate.has(template)) byTemplate.set(template, new Map());
    byTemplate.get(template)!.set(stack.resolve(construct.logicalId), construct.node.path);
  }
  return byTemplate;
}

/** Finding id -> construct paths that acknowledge it, from the metadata `Validations.of(...).acknowledge` records. */
function acknowledgedPaths(root: IConstruct): Map<string, Set<string>> {
  const acks = new Map<string, Set<string>>();
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== 'aws:cdk:acknowledged-rules' || !entry.data) continue;
      for (const id of Object.keys(entry.data as Record<string, string>)) {
        if (!acks.has(id)) acks.set(id, new Set());
        acks.get(id)!.add(construct.node.path);
      }
    }
  }
  return acks;
}

/** Whether `path` or one of its ancestors acknowledges the finding (CDK's closest-acknowledgement rule). */
function isAcknowledged(paths: Set<string> | undefined, path: string): boolean {
  if (!paths) return false;
  for (let p = path; ; p = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '') {
    if (paths.has(p)) return true;
    if (p === '') return false;
  }
}
