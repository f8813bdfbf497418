// Bundles every entry point under src/bin/ into bundles/<name>/index.cjs: one self-contained file per
// tool, with the AWS SDK inlined, so nothing is installed where the code runs (CodeBuild).
import { build } from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const binDir = join(import.meta.dirname, '..', 'src', 'bin');
const entries = existsSync(binDir) ? readdirSync(binDir).filter((f) => f.endsWith('.ts')) : [];
await Promise.all(
  entries.map((file) =>
    build({
      entryPoints: [join(binDir, file)],
      outfile: join(import.meta.dirname, '..', 'bundles', file.replace(/\.ts$/, ''), 'index.cjs'),
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      minify: true,
      sourcemap: false,
      legalComments: 'none',
      logLevel: 'warning',
    }),
  ),
);
