import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, CfnElement, Stack, Stage } from 'aws-cdk-lib';
import { loadModuleConfig, type PolicyDocumentLike } from '@sagemaker-mlops/config';
import { createTestApp, DUMMY_ACCOUNTS, DUMMY_REGION, seedfarmerEnv } from '@sagemaker-mlops/test-utils';
import { Template } from 'aws-cdk-lib/assertions';
import { buildProjectTemplateApp } from '../src/app';
import { projectTemplateParameters, resolveProjectTemplateConfig } from '../src/config';
import type { ProjectTemplateStack } from '../src/stacks/project-template-stack';

export const ACCOUNTS = { dev: DUMMY_ACCOUNTS.tooling, preprod: DUMMY_ACCOUNTS.staging, prod: DUMMY_ACCOUNTS.prod };
export const REQUIRED = { preprod_account: ACCOUNTS.preprod, prod_account: ACCOUNTS.prod };
export const CONNECTION_ARN = `arn:aws:codeconnections:${DUMMY_REGION}:${ACCOUNTS.dev}:connection/12345678-1234-1234-1234-123456789abc`;

/** Loads and resolves parameters exactly as main.ts does (test fixtures may use the dummy accounts). */
export function load(parameters: Record<string, unknown>, options: { allowPlaceholderAccounts?: boolean } = {}) {
  const loaded = loadModuleConfig(projectTemplateParameters, {
    appName: 'project-template',
    env: seedfarmerEnv({ moduleName: 'project-template', parameters, account: ACCOUNTS.dev }),
    allowPlaceholderAccounts: options.allowPlaceholderAccounts ?? true,
  });
  return { module: loaded.module, config: resolveProjectTemplateConfig(loaded.parameters, loaded.module) };
}

/** Synthesizes the module for the given parameters. */
export function synth(parameters: Record<string, unknown> = REQUIRED): { app: App; stack: ProjectTemplateStack } {
  const { module, config } = load(parameters);
  const app = createTestApp();
  return { app, stack: buildProjectTemplateApp(app, module, config) };
}

type Resources = Record<string, { Type: string; Properties?: any; DependsOn?: unknown }>;

/** The module stack and the product template, as templates. */
export function templates(stack: ProjectTemplateStack) {
  const assembly = Stage.of(stack)!.synth();
  const product = JSON.parse(readFileSync(join(assembly.directory, stack.productStack.templateFile), 'utf8'));
  return { module: Template.fromStack(stack), product: Template.fromJSON(product), productFile: join(assembly.directory, stack.productStack.templateFile) };
}

export function ofType(template: Template, type: string): Array<[string, { Type: string; Properties?: any }]> {
  return Object.entries(template.toJSON().Resources as Resources).filter(([, r]) => r.Type === type);
}

/**
 * The Control Tower findings of the product template (a file asset of the module stack, which the stack
 * gate does not see) that no `Validations.of(...).acknowledge` covers, matched as CDK matches them: on the
 * violating resource or its closest acknowledged ancestor.
 */
export function productGuardFindings(stack: ProjectTemplateStack, productFile: string): string[] {
  const product = stack.productStack;
  const paths = new Map<string, string>();
  const acks = new Map<string, Set<string>>();
  for (const construct of product.node.findAll()) {
    if (CfnElement.isCfnElement(construct)) paths.set(product.resolve(construct.logicalId), construct.node.path);
    for (const entry of construct.node.metadata) {
      if (entry.type !== 'aws:cdk:acknowledged-rules' || !entry.data) continue;
      for (const id of Object.keys(entry.data as Record<string, string>)) {
        if (!acks.has(id)) acks.set(id, new Set());
        acks.get(id)!.add(construct.node.path);
      }
    }
  }
  const acknowledged = (id: string, path: string) => {
    for (let p = path; p; p = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '') if (acks.get(id)?.has(p)) return true;
    return false;
  };
  const report = new CfnGuardValidator().validate({ templatePaths: [productFile] } as never);
  return report.violations.flatMap((v) =>
    v.violatingResources
      .map((r) => paths.get(r.resourceLogicalId ?? '') ?? r.resourceLogicalId ?? '?')
      .filter((path) => !acknowledged(`cdk-validator-cfnguard::${v.ruleName}`, path))
      .map((path) => `${v.ruleName} on ${path}`),
  );
}

/** The statements of the launch role's policies in the module template. */
export function launchRoleStatements(stack: ProjectTemplateStack, module: Template): PolicyDocumentLike['Statement'] {
  const launchRole = Stack.of(stack).resolve((stack.launchRole.node.defaultChild as CfnElement).logicalId) as string;
  return Object.values(module.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: launchRole }]))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as PolicyDocumentLike['Statement']);
}
