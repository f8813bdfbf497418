import { existsSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, extname, resolve } from 'node:path';
import type { Pipeline } from '../core/pipeline';

/** A pipeline as the CLI needs it; duck-typed, so a user's own copy of this package works too. */
function isPipeline(value: unknown): value is Pipeline {
  return typeof value === 'object' && value !== null && typeof (value as Pipeline).definition === 'function' && typeof (value as Pipeline).name === 'string';
}

/** Loads a TypeScript file in memory (esbuild, the user's packages left to node's resolution from the file's folder). */
async function loadTypeScript(file: string): Promise<Record<string, unknown>> {
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [file],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  });
  const m = new Module(file) as Module & { _compile(code: string, filename: string): void; paths: string[] };
  m.filename = file;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  m._compile(out.outputFiles[0].text, file);
  return m.exports as Record<string, unknown>;
}

/**
 * The pipeline a file or module exports: `--export <name>`, else `default`, else `pipeline`, else the
 * only exported Pipeline. An export that is a function is called with no arguments.
 */
export async function loadPipeline(target: string, exportName?: string, cwd = process.cwd()): Promise<Pipeline> {
  const path = resolve(cwd, target);
  let exports: Record<string, unknown>;
  if (existsSync(path) && ['.ts', '.mts', '.cts', '.tsx'].includes(extname(path))) exports = await loadTypeScript(path);
  else exports = createRequire(resolve(cwd, 'package.json'))(existsSync(path) ? path : target) as Record<string, unknown>;

  const resolveValue = async (value: unknown) => (typeof value === 'function' && !isPipeline(value) ? await (value as () => unknown)() : value);
  const names = exportName ? [exportName] : ['default', 'pipeline'];
  for (const name of names) {
    if (name in exports) {
      const value = await resolveValue(exports[name]);
      if (isPipeline(value)) return value;
      throw new Error(`${target}: export '${name}' is not a Pipeline (nor a function returning one)`);
    }
  }
  if (exportName) throw new Error(`${target} has no export '${exportName}' (exports: ${Object.keys(exports).join(', ') || 'none'})`);
  const found = Object.entries(exports).filter(([, v]) => isPipeline(v));
  if (found.length === 1) return found[0][1] as Pipeline;
  throw new Error(
    found.length === 0
      ? `${target} exports no Pipeline: export one as default or as 'pipeline', or name it with --export`
      : `${target} exports several pipelines (${found.map(([n]) => n).join(', ')}): choose one with --export`,
  );
}
