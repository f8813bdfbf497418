import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { describe, expect, it } from 'vitest';
import { CONTROL_TOWER_RULES_DIR, controlTowerValidator, GUARD_PLUGIN_NAME, relevantGuardRules, templateResourceTypes } from '../src';

/** A stack whose resources violate many Control Tower controls of several services. */
function violatingTemplates(): string[] {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'ct-validator-')), analyticsReporting: false });
  const stack = new Stack(app, 'Violations');
  new s3.Bucket(stack, 'Bucket');
  new sqs.Queue(stack, 'Queue');
  new sns.Topic(stack, 'Topic');
  new kms.Key(stack, 'Key');
  new logs.LogGroup(stack, 'Logs');
  new lambda.Function(stack, 'Function', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = 1') });
  new iam.User(stack, 'User');
  const other = new Stack(app, 'OnlyS3');
  new s3.CfnBucket(other, 'Plain');
  const assembly = app.synth();
  return assembly.stacks.map((s) => s.templateFullPath);
}

function findings(report: { violations: { ruleName: string; violatingResources: { resourceLogicalId?: string; templatePath?: string }[] }[] }) {
  return report.violations
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.templatePath?.split('/').pop()}#${r.resourceLogicalId}`))
    .sort();
}

describe('controlTowerValidator', () => {
  it('reports exactly what the plugin reports with every rule, on templates of several services', () => {
    // GIVEN
    const templatePaths = violatingTemplates();
    const context = { templatePaths } as never;
    // WHEN
    const all = findings(new CfnGuardValidator().validate(context));
    const relevant = findings(controlTowerValidator().validate(context));
    // THEN the same violations (and there are many, across services), every one an error
    expect(all.length).toBeGreaterThan(10);
    expect([...new Set(all.map((f) => f.split('_')[0]))]).toEqual(expect.arrayContaining(['s3', 'sqs', 'lambda']));
    expect(relevant).toEqual(all);
    expect(controlTowerValidator().validate(context).violations.every((v) => v.severity === 'error')).toBe(true);
  });

  it('runs only the rule files of the template types: a fraction of the 237', () => {
    const rules = relevantGuardRules(CONTROL_TOWER_RULES_DIR, new Set(['AWS::S3::Bucket']));
    expect(rules.length).toBeGreaterThan(5);
    expect(rules.length).toBeLessThan(40);
    // every selected file names the type (the bundled rules all name at least one type)
    expect(rules.filter((r) => !readFileSync(r, 'utf8').includes('AWS::S3::Bucket'))).toEqual([]);
    expect(rules.some((r) => r.endsWith('/s3/ct-s3-pr-9.guard'))).toBe(true);
    expect(rules.some((r) => r.includes('/lambda/'))).toBe(false);
  });

  it('keeps a rule file that names no resource type, and drops a disabled one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-rules-'));
    mkdirSync(join(dir, 'x'));
    writeFileSync(join(dir, 'x', 'typed.guard'), 'let T = "AWS::SQS::Queue"\nrule typed when %T !empty { }\n');
    writeFileSync(join(dir, 'x', 'untyped.guard'), 'rule untyped { Resources exists }\n');
    writeFileSync(join(dir, 'x', 'disabled.guard'), 'let T = "AWS::S3::Bucket"\n');
    writeFileSync(join(dir, 'x', 'notes.txt'), 'AWS::S3::Bucket');
    const names = (types: string[], disabled: string[] = []) => relevantGuardRules(dir, new Set(types), disabled).map((f) => f.slice(dir.length + 1));
    expect(names(['AWS::S3::Bucket'])).toEqual(['x/disabled.guard', 'x/untyped.guard']);
    expect(names(['AWS::S3::Bucket'], ['disabled'])).toEqual(['x/untyped.guard']);
    expect(names(['AWS::SQS::Queue'])).toEqual(['x/typed.guard', 'x/untyped.guard']);
  });

  it('reads the resource types of every template', () => {
    const types = templateResourceTypes(violatingTemplates());
    expect(types).toEqual(expect.any(Set));
    expect([...types]).toEqual(expect.arrayContaining(['AWS::S3::Bucket', 'AWS::SQS::Queue', 'AWS::Lambda::Function', 'AWS::IAM::User']));
  });

  it('carries the plugin name, so acknowledgements and the report read as with the plugin', () => {
    const validator = controlTowerValidator();
    expect(validator.name).toBe(GUARD_PLUGIN_NAME);
    expect(validator.ruleIds).toEqual(new CfnGuardValidator().ruleIds);
  });

  it('passes templates that no rule applies to without running cfn-guard', () => {
    // GIVEN a template of a type no bundled control names (SSM parameters)
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'ct-none-')), analyticsReporting: false });
    new ssm.StringParameter(new Stack(app, 'Parameters'), 'P', { stringValue: 'x' });
    const templatePaths = app.synth().stacks.map((s) => s.templateFullPath);
    // THEN no rule runs, and the report is a pass, as the full plugin's
    expect(relevantGuardRules(CONTROL_TOWER_RULES_DIR, templateResourceTypes(templatePaths))).toEqual([]);
    expect(controlTowerValidator().validate({ templatePaths } as never)).toEqual({ success: true, violations: [] });
    expect(new CfnGuardValidator().validate({ templatePaths } as never).violations).toEqual([]);
  });
});
