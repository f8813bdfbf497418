import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The bundled tools of this package. */
export type BundleName = 'promote' | 'promote-cleanup' | 'endpoint-build' | 'endpoint-test';

/**
 * Absolute path of the folder `bundles/<name>/` holding the tool's self-contained esbuild bundle
 * `index.cjs` (AWS SDK included): ship the folder as a CDK asset; CodeBuild runs `node index.cjs`,
 * Lambda uses the handler `index.handler`.
 *
 * @param name the tool, i.e. the file name under `src/bin/` without `.ts`
 * @throws Error when the bundle is missing (the package was not compiled)
 */
export function bundlePath(name: BundleName | (string & {})): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
    throw new Error(`Invalid bundle name "${name}": expected the name of a file under src/bin/ without .ts, e.g. "promote"`);
  }
  // lib/bundles.js and src/bundles.ts are both one level below the package root.
  const folder = join(__dirname, '..', 'bundles', name);
  if (!existsSync(join(folder, 'index.cjs'))) {
    throw new Error(
      `Bundle ${join(folder, 'index.cjs')} does not exist: run compile in packages/registry ` +
        `(npx projen compile), or check the name (src/bin/${name}.ts)`,
    );
  }
  return folder;
}
