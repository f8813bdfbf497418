import { buildSync } from 'esbuild';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let bundled: string | undefined;

/**
 * Bundles `src/bin/security-evaluation.ts` into `<folder>/index.cjs` (Node 22, no dependencies) once per
 * process, the way tools/scripts/bundle.mjs bundles the libraries' tools, and returns the folder: the
 * module ships it as an asset, and the deploy pipeline runs it with nothing installed.
 */
export function securityEvaluationBundle(): string {
  if (bundled) return bundled;
  const dir = mkdtempSync(join(tmpdir(), 'security-evaluation-'));
  // From src/ (tsx, tests) the TypeScript source; from a compiled lib/ its JavaScript.
  const entry = ['ts', 'js'].map((ext) => join(__dirname, '..', 'bin', `security-evaluation.${ext}`)).find((f) => existsSync(f));
  if (!entry) throw new Error(`security-evaluation: no entry point next to ${__dirname}`);
  buildSync({
    entryPoints: [entry],
    outfile: join(dir, 'index.cjs'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  bundled = dir;
  return dir;
}
