import { catchConfigError, DUMMY_ACCOUNTS } from '@sagemaker-mlops/test-utils';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
// region-info only in the test: the package itself does not depend on aws-cdk-lib.
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EXTRA_REGIONS_VARIABLE, KNOWN_REGIONS, loadModuleConfig, modelPackageGroupArn, partitionOfRegion, region } from '../src';

const SOURCE = DUMMY_ACCOUNTS.source;
const schema = z.strictObject({ source_model_package_group_arn: modelPackageGroupArn.optional(), notes: z.string().optional() });

function writeConfig(text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'config-regions-')), 'promote.yaml');
  fs.writeFileSync(file, text);
  return file;
}
const moduleYaml = (regionCode: string, parameters = '') =>
  `project: mlops\ndeployment: dev\naccount: "${DUMMY_ACCOUNTS.tooling}"\nregion: ${regionCode}\nparameters:\n  notes: x\n${parameters}`;
const load = (file: string) => catchConfigError(() => loadModuleConfig(schema, { appName: 'promote', configPath: file, env: {} }));

describe('known regions', () => {
  it('has every region of aws-cdk-lib/region-info with its partition (regenerate src/regions.ts from RegionInfo.regions when this fails)', () => {
    const cdk = new Map(RegionInfo.regions.map((r) => [r.name, r.partition]));
    expect(new Map(KNOWN_REGIONS)).toEqual(cdk);
    for (const [name, partition] of KNOWN_REGIONS) expect(partitionOfRegion(name)).toBe(partition);
  });

  it('fails when a region does not exist, with "unknown region; known: ..." and the opt-in', () => {
    const result = region.safeParse('eu-west-9');
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].message).toMatch(/"eu-west-9" is an unknown region; known: af-south-1, .*eu-west-1.*SAGEMAKER_MLOPS_EXTRA_REGIONS=eu-west-9/);
  });

  describe('opt-in for a region newer than the library', () => {
    afterEach(() => {
      delete process.env[EXTRA_REGIONS_VARIABLE];
    });
    it('accepts a region listed in SAGEMAKER_MLOPS_EXTRA_REGIONS, and only that one', () => {
      process.env[EXTRA_REGIONS_VARIABLE] = 'eu-west-9, ap-east-9';
      expect(region.safeParse('eu-west-9').success).toBe(true);
      expect(region.safeParse('eu-west-8').success).toBe(false);
    });
  });

  it('fails when the module region of a config file is unknown, naming the field', () => {
    const error = load(writeConfig(moduleYaml('eu-west-9')));
    expect(error.issues).toContainEqual(expect.objectContaining({ path: 'region', message: expect.stringMatching(/unknown region; known: /) }));
  });
});

describe('partition of ARN parameters', () => {
  it('fails when an ARN is in another partition than the module region (AWS General Reference, ARN format: partitions are isolated)', () => {
    const error = load(
      writeConfig(moduleYaml('eu-west-1', `  source_model_package_group_arn: arn:aws-cn:sagemaker:cn-north-1:${SOURCE}:model-package-group/churn\n`)),
    );
    expect(error.issues).toContainEqual(
      expect.objectContaining({
        path: 'source_model_package_group_arn',
        message: expect.stringMatching(/partition aws-cn, but the module's region eu-west-1 is in partition aws/),
      }),
    );
  });

  it('accepts an ARN of the module region\'s partition', () => {
    const file = writeConfig(moduleYaml('cn-north-1', `  source_model_package_group_arn: arn:aws-cn:sagemaker:cn-north-1:${SOURCE}:model-package-group/churn\n`));
    const { parameters } = loadModuleConfig(schema, { appName: 'promote', configPath: file, env: {}, allowPlaceholderAccounts: true });
    expect(parameters.source_model_package_group_arn?.partition).toBe('aws-cn');
  });
});

describe('common mistakes in a config file', () => {
  it('fails when a Seedfarmer module manifest is given as -c config=, saying so and how to write a config file', () => {
    const file = writeConfig('name: pipeline\npath: apps/promote\nparameters:\n  - name: target-bucket-name\n    value: b\n');
    const error = load(file);
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0].message).toMatch(/this is a Seedfarmer module manifest.*npm run synth.*seedfarmer apply.*write a config file such as/s);
    expect(error.issues[0].message).toContain('parameters:');
  });

  it('fails when a parameter is at the top level, with a hint to move it under parameters:', () => {
    const error = load(writeConfig(`${moduleYaml('eu-west-1')}target_bucket_name: b\n`));
    expect(error.issues).toContainEqual(
      expect.objectContaining({ path: 'target_bucket_name', message: expect.stringContaining('if "target_bucket_name" is a parameter, move it under parameters:') }),
    );
  });
});

describe('README', () => {
  it('has a file sample that the loader accepts (no placeholder accounts)', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../README.md'), 'utf8');
    const sample = /```yaml\n(project:[\s\S]*?)```/.exec(readme)![1];
    const sampleSchema = z.strictObject({ source_model_package_group_arn: modelPackageGroupArn, staging_accounts: z.array(z.string()) });
    const { module } = loadModuleConfig(sampleSchema, { appName: 'pipeline', configPath: writeConfig(sample), env: {} });
    expect(module.account).toMatch(/^\d{12}$/);
  });
});
