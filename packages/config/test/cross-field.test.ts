import { catchConfigError, DUMMY_ACCOUNTS } from '@sagemaker-mlops/test-utils';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, defineResolver, kmsKeyArn, loadModuleConfig, type ModuleContext } from '../src';

const TOOLING = DUMMY_ACCOUNTS.tooling;
const REGION = 'eu-west-1';
const KEY_IN_US_EAST_1 = `arn:aws:kms:us-east-1:${TOOLING}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

// An app-like schema: one field validated alone (instance_type), two fields checked together
// (guardrail needs an alarm), one field checked against the module's region (kms_key_arn).
const schema = z.strictObject({
  instance_type: z.string().regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/, 'expected ml.<family>.<size>'),
  instance_count: z.coerce.number().int().min(1).default(1),
  guardrail: z.enum(['none', 'canary']).default('none'),
  max_latency_ms: z.coerce.number().int().optional(),
  event_bus_name: z.string().regex(/^[\w.-]+$/, 'must be a bus name, not an ARN').optional(),
  kms_key_arn: kmsKeyArn.optional(),
});
type Parameters = z.output<typeof schema>;

const ran: string[] = [];
const resolve = defineResolver((p: Parameters, module: ModuleContext, checks) => {
  // Each check records that it ran to its end (a skipped one stops where it reads a failed input).
  checks.check(() => {
    if (p.guardrail !== 'none' && p.max_latency_ms === undefined) checks.issue('guardrail', p.guardrail, 'a guardrail needs an alarm; set max_latency_ms');
    ran.push('guardrail alarm');
  });
  checks.check(() => {
    if (p.kms_key_arn && p.kms_key_arn.region !== module.region) checks.issue('kms_key_arn', p.kms_key_arn.arn, `give a key in ${module.region}`);
    ran.push('kms region');
  });
  const instance = checks.derive(() => ({ type: p.instance_type, count: p.instance_count }));
  checks.check(() => {
    if (instance.count < 2 && p.guardrail === 'canary') checks.issue('instance_count', instance.count, 'a canary needs 2 instances');
    ran.push('instance count');
  });
  return { instance, guardrail: p.guardrail };
});

function seedfarmerEnv(parameters: Record<string, string>, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    SEEDFARMER_PROJECT_NAME: 'mlops',
    SEEDFARMER_DEPLOYMENT_NAME: 'test',
    SEEDFARMER_MODULE_NAME: 'endpoint',
    CDK_DEFAULT_ACCOUNT: TOOLING,
    CDK_DEFAULT_REGION: REGION,
    ...overrides,
  };
  for (const [name, value] of Object.entries(parameters)) env[`SEEDFARMER_PARAMETER_${name.toUpperCase()}`] = value;
  return env;
}

const load = (parameters: Record<string, string>, overrides?: Record<string, string>) =>
  loadModuleConfig(schema, { appName: 'endpoint', env: seedfarmerEnv(parameters, overrides), allowPlaceholderAccounts: true, resolve });

describe('one-phase validation: the cross-field checks run with the fields that parsed', () => {
  it('returns the resolved configuration when everything is valid', () => {
    const { config, parameters } = load({ instance_type: 'ml.m5.large', instance_count: '2', guardrail: 'canary', max_latency_ms: '500' });
    expect(config).toEqual({ instance: { type: 'ml.m5.large', count: 2 }, guardrail: 'canary' });
    expect(parameters.max_latency_ms).toBe(500);
  });

  it('reports a bad instance type and a bad guardrail together', () => {
    const error = catchConfigError(() => load({ instance_type: 'ml.m5large', guardrail: 'canary' }));
    expect(error.issues.map((i) => i.path)).toEqual(['instance_type', 'guardrail']);
  });

  it('reports an ARN in event_bus_name and a KMS key of another region together', () => {
    const error = catchConfigError(() =>
      load({ instance_type: 'ml.m5.large', event_bus_name: `arn:aws:events:${REGION}:${TOOLING}:event-bus/mlops`, kms_key_arn: KEY_IN_US_EAST_1 }),
    );
    expect(error.issues).toEqual([
      expect.objectContaining({ path: 'event_bus_name', message: 'must be a bus name, not an ARN' }),
      expect.objectContaining({ path: 'kms_key_arn', message: `give a key in ${REGION}` }),
    ]);
  });

  it('skips only the checks that read a failed field, also through a derived value', () => {
    ran.length = 0;
    const error = catchConfigError(() => load({ instance_type: 'ml.m5.large', instance_count: 'many', guardrail: 'canary', kms_key_arn: KEY_IN_US_EAST_1 }));
    // instance_count failed: the derived instance is failed too, so only its check is skipped.
    expect(ran).toEqual(['guardrail alarm', 'kms region']);
    expect(error.issues.map((i) => i.path)).toEqual(['instance_count', 'guardrail', 'kms_key_arn']);
  });

  it('runs the checks that do not need a module field that failed', () => {
    ran.length = 0;
    const error = catchConfigError(() => load({ instance_type: 'ml.m5.large', guardrail: 'canary', kms_key_arn: KEY_IN_US_EAST_1 }, { CDK_DEFAULT_REGION: 'Ireland' }));
    // the KMS check reads the module's region, which failed; the other two run.
    expect(ran).toEqual(['guardrail alarm', 'instance count']);
    expect(error.issues.map((i) => i.path)).toEqual(['CDK_DEFAULT_REGION', 'guardrail', 'instance_count']);
  });

  it('parses the fields of the branch a discriminated union selects, after a preprocessing step', () => {
    const union = z.preprocess(
      (raw) => (raw && typeof raw === 'object' && !('kind' in raw) ? { ...raw, kind: 'a' } : raw),
      z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('a'), name: z.string().regex(/^\w+$/), key: kmsKeyArn.optional() }),
        z.strictObject({ kind: z.literal('b'), other: z.string() }),
      ]),
    );
    const unionResolve = defineResolver((p: z.output<typeof union>, module: ModuleContext, checks) => {
      checks.check(() => {
        if (p.kind === 'a' && p.key && p.key.region !== module.region) checks.issue('key', p.key.arn, 'another region');
      });
    });
    const error = catchConfigError(() =>
      loadModuleConfig(union, { appName: 'x', env: seedfarmerEnv({ name: 'not valid!', key: KEY_IN_US_EAST_1 }), allowPlaceholderAccounts: true, resolve: unionResolve }),
    );
    expect(error.issues.map((i) => i.path)).toEqual(['name', 'key']);
  });

  it('merges the issues of a resolver that throws its own ConfigError', () => {
    const legacy = (p: Parameters) => {
      throw new ConfigError('old header', [{ path: 'guardrail', received: p.guardrail, message: 'legacy' }]);
    };
    const error = catchConfigError(() =>
      loadModuleConfig(schema, { appName: 'x', env: seedfarmerEnv({ instance_type: 'bad' }), allowPlaceholderAccounts: true, resolve: legacy }),
    );
    expect(error.source).toBe('Seedfarmer parameters of module endpoint');
    expect(error.issues.map((i) => i.path)).toEqual(['instance_type', 'guardrail']);
  });

  it('a resolver called on its own throws its problems headed by the module source', () => {
    const { parameters, module } = loadModuleConfig(schema, { appName: 'x', env: seedfarmerEnv({ instance_type: 'ml.m5.large', instance_count: '2', guardrail: 'canary', max_latency_ms: '1' }), allowPlaceholderAccounts: true });
    expect(resolve(parameters, module).guardrail).toBe('canary');
    const error = catchConfigError(() => resolve({ ...parameters, max_latency_ms: undefined }, module));
    expect(error.message.split('\n')[0]).toBe('Seedfarmer parameters of module endpoint: 1 problem in the configuration:');
    expect(error.issues.map((i) => i.path)).toEqual(['guardrail']);
  });
});

describe('one header format for every source', () => {
  it('heads schema and cross-field problems of Seedfarmer parameters with "Seedfarmer parameters of module <name>"', () => {
    const error = catchConfigError(() => load({ instance_type: 'ml.m5large', guardrail: 'canary' }));
    expect(error.message.split('\n')).toEqual([
      'Seedfarmer parameters of module endpoint: 2 problems in the configuration:',
      '  - instance_type: expected ml.<family>.<size> (received: "ml.m5large")',
      '  - guardrail: a guardrail needs an alarm; set max_latency_ms (received: "canary")',
    ]);
  });

  it('heads the problems of a file with its absolute path', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cross-field-'));
    const file = path.join(dir, 'endpoint.yaml');
    fs.writeFileSync(file, ['project: mlops', 'deployment: dev', `account: "${TOOLING}"`, `region: ${REGION}`, 'parameters:', '  instance_type: ml.m5large', '  guardrail: canary'].join('\n'));
    const error = catchConfigError(() => loadModuleConfig(schema, { appName: 'endpoint', configPath: file, allowPlaceholderAccounts: true, resolve }));
    expect(error.source).toBe(file);
    expect(error.message.split('\n')[0]).toBe(`${file}: 2 problems in the configuration:`);
    expect(error.issues.map((i) => i.path)).toEqual(['instance_type', 'guardrail']);
  });
});
