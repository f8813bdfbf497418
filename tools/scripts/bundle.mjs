#!/usr/bin/env node
// Bundles every entry point under <package>/src/bin/ into <package>/bundles/<name>/index.cjs: one
// self-contained file per tool, with the AWS SDK inlined, so nothing is installed where the code runs
// (CodeBuild, Lambda). One folder per tool, so each is a CDK asset of exactly one file (Lambda handler
// `index.handler`). The package is the working directory: the `compile` task of each package that ships
// tools (registry, pipelines; .projenrc.ts) runs `node ../../tools/scripts/bundle.mjs` from its root.
import { build } from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const packageDir = process.cwd();
const binDir = join(packageDir, 'src', 'bin');
const entries = existsSync(binDir) ? readdirSync(binDir).filter((f) => f.endsWith('.ts')) : [];
await Promise.all(
  entries.map((file) =>
    build({
      entryPoints: [join(binDir, file)],
      outfile: join(packageDir, 'bundles', file.replace(/\.ts$/, ''), 'index.cjs'),
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
