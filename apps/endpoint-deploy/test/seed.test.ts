import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEndpointDeployment, loadStagingTestDefinition, stagingTestPayload, validateStageConfig } from '@sagemaker-mlops/registry';
import { DUMMY_ACCOUNTS, DUMMY_REGION } from '@sagemaker-mlops/test-utils';
import { describe, expect, it } from 'vitest';
import { prepareSeedCode, SEED_CODE_DIR } from '../src/seed';
import { GROUP, load, PROJECT } from './fixtures';

const readJson = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));

describe('seed code of a created deploy repository', () => {
  it('ships valid stage configurations and a valid staging test as the module\'s own seed-code folder', () => {
    for (const stage of ['staging', 'prod']) {
      expect(validateStageConfig(readJson(SEED_CODE_DIR, `${stage}-config.json`), `${stage}-config.json`).problems).toBeUndefined();
    }
    const definition = loadStagingTestDefinition(SEED_CODE_DIR);
    expect(definition).toMatchObject({ contentType: 'text/csv', payloadFile: 'test/sample-payload.csv' });
    expect(stagingTestPayload(definition, SEED_CODE_DIR).length).toBeGreaterThan(0);
    expect(readFileSync(join(SEED_CODE_DIR, 'README.md'), 'utf8')).toMatch(/You own/i);
  });

  it('fills the stage configurations from the parameters, in the form the build step reads', () => {
    const { config } = load({ ...PROJECT, staging_instance_type: 'ml.c6i.large', prod_instance_count: 4, data_capture_sampling_percentage: 20 });
    const dir = prepareSeedCode(config);
    const staging = validateStageConfig(readJson(dir, 'staging-config.json'), 'staging-config.json');
    const prod = validateStageConfig(readJson(dir, 'prod-config.json'), 'prod-config.json');
    expect(staging.config).toMatchObject({ InstanceType: 'ml.c6i.large', InstanceCount: 1, DataCaptureSamplingPercentage: 20, VariantName: 'AllTraffic' });
    expect(prod.config).toMatchObject({ InstanceType: 'ml.m5.large', InstanceCount: 4, DataCaptureSamplingPercentage: 20 });
  });

  it('writes the sample payload with its content type, replacing the seeded example', () => {
    const { config } = load({ ...PROJECT, sample_payload_content_type: 'application/json', sample_payload: '{"instances": [[1, 2, 3]]}' });
    const dir = prepareSeedCode(config, undefined, join(mkdtempSync(join(tmpdir(), 'seed-')), 'out'));
    const definition = loadStagingTestDefinition(dir);
    expect(definition).toMatchObject({ contentType: 'application/json', payloadFile: 'test/sample-payload.json' });
    expect(Buffer.from(stagingTestPayload(definition, dir)).toString('utf8')).toBe('{"instances": [[1, 2, 3]]}');
    expect(readdirSync(join(dir, 'test')).sort()).toEqual(['sample-payload.json', 'staging-test.json']);
  });

  it('keeps the seeded CSV example when no payload is given', () => {
    const { config } = load(PROJECT);
    const dir = prepareSeedCode(config);
    expect(readFileSync(join(dir, 'test/sample-payload.csv'), 'utf8')).toBe(readFileSync(join(SEED_CODE_DIR, 'test/sample-payload.csv'), 'utf8'));
  });

  it('is what the build step turns into per-stage parameter files for the latest approved package', async () => {
    const { config } = load(PROJECT);
    const dir = prepareSeedCode(config);
    const out = mkdtempSync(join(tmpdir(), 'build-out-'));
    const arn = `arn:aws:sagemaker:${DUMMY_REGION}:${DUMMY_ACCOUNTS.tooling}:model-package/${GROUP}/7`;
    const sagemaker = {
      send: async (command: object) =>
        command.constructor.name === 'ListModelPackagesCommand'
          ? { ModelPackageSummaryList: [{ ModelPackageArn: arn, ModelApprovalStatus: 'Approved', CreationTime: new Date(), ModelPackageVersion: 7 }] }
          : { ModelPackageArn: arn, ModelPackageGroupName: GROUP, ModelPackageVersion: 7, CreationTime: new Date() },
    };
    const report = await buildEndpointDeployment({
      sagemaker,
      groupName: config.modelPackageGroupName,
      stages: config.stages.map((s) => s.name),
      sourceDir: dir,
      outputDir: out,
      projectName: config.projectName,
      projectId: config.projectId,
    });
    expect(report.stages.map((s) => [s.stage, s.parameters.InstanceCount])).toEqual([['staging', '1'], ['prod', '2']]);
    expect(readJson(out, 'prod-template-configuration.json').Parameters).toMatchObject({ ModelPackageArn: arn, StageName: 'prod' });
    expect(existsSync(join(out, 'staging-stackset-parameters.json'))).toBe(true);
    expect(readFileSync(join(out, 'pipeline-variables.env'), 'utf8')).toContain("export MODEL_PACKAGE_VERSION='7'");
  });
});
