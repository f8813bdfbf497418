import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EndpointDeployConfig } from './config';

/** The seed code shipped with the module: the files a created deploy repository starts with. */
export const SEED_CODE_DIR = join(__dirname, '..', 'seed-code');

/** File extensions of the seeded sample payload by content type; anything else is `.txt`. */
const PAYLOAD_EXTENSIONS: Record<string, string> = {
  'text/csv': 'csv',
  'application/json': 'json',
  'application/jsonlines': 'jsonl',
  'text/plain': 'txt',
};

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Writes the seed code of a created deploy repository: the module's `seed-code/` folder with the
 * stage configurations and the staging test filled in from the parameters. Returns the folder, which
 * `codecommit.Code.fromDirectory` zips as an asset.
 *
 * @param config the resolved configuration
 * @param seedDir the seed code to start from
 * @param outDir where to write; a fresh temporary folder unless given
 */
export function prepareSeedCode(config: EndpointDeployConfig, seedDir: string = SEED_CODE_DIR, outDir?: string): string {
  if (!existsSync(join(seedDir, 'README.md'))) {
    throw new Error(`The seed code folder ${seedDir} has no README.md: the module folder is incomplete`);
  }
  const dir = outDir ?? mkdtempSync(join(tmpdir(), 'endpoint-deploy-seed-'));
  if (outDir) rmSync(outDir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(seedDir, dir, { recursive: true });

  for (const stage of config.stages) {
    writeFileSync(
      join(dir, `${stage.name}-config.json`),
      json({
        InstanceType: stage.instanceType,
        InstanceCount: stage.instanceCount,
        VariantName: 'AllTraffic',
        DataCaptureSamplingPercentage: config.dataCaptureSamplingPercentage,
        Tags: {},
      }),
    );
  }

  const mediaType = config.samplePayloadContentType.split(';')[0].trim().toLowerCase();
  const payloadFile = `test/sample-payload.${PAYLOAD_EXTENSIONS[mediaType] ?? 'txt'}`;
  if (config.samplePayload !== undefined || !existsSync(join(dir, payloadFile))) {
    // Only the seeded example stays when no payload is given; a stale example of another type must go.
    for (const file of readdirSync(join(dir, 'test'))) {
      if (file.startsWith('sample-payload.')) rmSync(join(dir, 'test', file));
    }
    writeFileSync(join(dir, payloadFile), config.samplePayload ?? '');
  }
  writeFileSync(
    join(dir, 'test', 'staging-test.json'),
    json({ contentType: config.samplePayloadContentType, payloadFile, invocations: 3, maxLatencyMs: 2000 }),
  );
  return dir;
}
