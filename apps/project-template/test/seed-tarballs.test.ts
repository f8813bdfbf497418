import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TARBALL_CACHE_DIR } from '../src/seed';

const execFileAsync = promisify(execFile);
const TSX = join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'tsx');
const SEED_MODULE = join(__dirname, '..', 'src', 'seed.ts');

/** The entry names of a tar archive (ustar headers: 512-byte blocks, name at 0, size in octal at 124). */
function tarEntries(tar: Buffer): string[] {
  const names: string[] = [];
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const prefix = header.subarray(345, 500).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('utf8').replace(/\0.*$/s, '').trim() || '0', 8);
    names.push(prefix ? `${prefix}/${name}` : name);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return names;
}

describe('libraryTarball when several processes pack the same library at once', () => {
  it('gives every process a complete tarball, read while the others are still packing and renaming', async () => {
    // Each child packs constructs (the largest library) and, as soon as it has a path, reads the file whole:
    // the moment a half-written file would be visible to a reader.
    const script = `const { libraryTarball } = require(${JSON.stringify(SEED_MODULE)});
const { readFileSync } = require('node:fs');
const { gunzipSync } = require('node:zlib');
const file = libraryTarball('constructs');
console.log(JSON.stringify({ file, unzipped: gunzipSync(readFileSync(file)).length }));`;
    const runs = await Promise.all(Array.from({ length: 4 }, () => execFileAsync(TSX, ['-e', script], { encoding: 'utf8', timeout: 120_000 })));
    const results = runs.map((r) => JSON.parse(r.stdout.trim().split('\n').pop()!) as { file: string; unzipped: number });

    // Content-keyed: one name for the same sources, in the shared cache.
    expect(new Set(results.map((r) => r.file)).size).toBe(1);
    const file = results[0].file;
    expect(file.startsWith(TARBALL_CACHE_DIR)).toBe(true);
    expect(file).toMatch(/constructs-[0-9a-f]{64}\.tgz$/);
    for (const result of results) expect(result.unzipped).toBeGreaterThan(0);

    // Valid: gzip checksum (gunzipSync verifies the CRC and length), tar entries, the manifest and compiled lib.
    const entries = tarEntries(gunzipSync(readFileSync(file)));
    expect(entries).toContain('package/package.json');
    expect(entries.some((e) => /^package\/lib\/.+\.js$/.test(e))).toBe(true);
    expect(execFileSync('tar', ['-tzf', file], { encoding: 'utf8' })).toContain('package/package.json');
    // No scratch folder left behind by any of them.
    expect(readdirSync(TARBALL_CACHE_DIR).filter((f) => f.startsWith('.pack-constructs-'))).toEqual([]);
  }, 180_000);
});
