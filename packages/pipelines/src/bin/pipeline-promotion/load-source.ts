import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, resolve } from 'node:path';
import * as ts from 'typescript';
import * as conditions from '../../core/conditions';
import * as expressions from '../../core/expressions';
import * as parameters from '../../core/parameters';
import * as pipelineModule from '../../core/pipeline';
import type { Pipeline } from '../../core/pipeline';
import * as placeholders from '../../core/placeholders';
import * as steps from '../../core/steps';
import type { VpcConfig } from '../../core/steps';
import * as images from '../../images/image-uris';
import { FRAMEWORK_IMAGE_REGISTRY_ACCOUNTS } from '../../images/registry-accounts';
import { batchInferencePipeline } from '../../seeds/batch-inference';
import { trainingPipeline } from '../../seeds/training';

/** What the pipeline source's exported function is called with: where and as what the pipeline runs. */
export interface PipelineTarget {
  /** `dev`, or a promotion stage. */
  readonly stage: string;
  readonly region: string;
  readonly pipelineName: string;
  /** @default - no VPC */
  readonly vpc?: VpcConfig;
}

/** The module's own package name: the pipeline source imports it, and gets this tool's copy. */
const LIBRARY = '@sagemaker-mlops/pipelines';

/**
 * What `@sagemaker-mlops/pipelines` exports for authoring a pipeline: the builder, the images and the seed pipelines
 * (not the CLI, whose TypeScript loader needs esbuild's native binary, nor the run tool).
 */
const library = Object.freeze({
  ...expressions,
  ...parameters,
  ...conditions,
  ...steps,
  ...pipelineModule,
  ...images,
  ...placeholders,
  FRAMEWORK_IMAGE_REGISTRY_ACCOUNTS,
  batchInferencePipeline,
  trainingPipeline,
});

interface NodeModuleInternals {
  _load(request: string, parent: unknown, isMain: boolean): unknown;
  _extensions: Record<string, (module: Module & { _compile(code: string, file: string): void }, file: string) => void>;
}

/**
 * Loads a pipeline source file (TypeScript or JavaScript) without installing anything: TypeScript is transpiled
 * in memory (types stripped, no type check), relative imports of `.ts` files work, and `@sagemaker-mlops/pipelines`
 * resolves to the copy bundled in this tool, so the definition is rendered by the same library the stage template
 * was built with. Other packages resolve from the repository's own `node_modules` (installed from its lock file).
 *
 * The file exports the pipeline as `default`, `pipeline` or its only export; an exported function is called with
 * the {@link PipelineTarget}. Loading has no side effects beyond what the source itself does: nothing is uploaded,
 * no data is downloaded (the reference's definition generation downloaded a public data set).
 */
export async function loadPipelineSource(file: string, target: PipelineTarget): Promise<Pipeline> {
  const path = resolve(file);
  const internals = Module as unknown as NodeModuleInternals;
  const originalLoad = internals._load;
  const originalTs = internals._extensions['.ts'];
  internals._load = function load(request: string, parent: unknown, isMain: boolean) {
    if (request === LIBRARY) return library;
    return originalLoad.call(this, request, parent, isMain);
  };
  internals._extensions['.ts'] = (module, filename) => {
    const output = ts.transpileModule(readFileSync(filename, 'utf8'), {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
    });
    module._compile(output.outputText, filename);
  };
  let exports: Record<string, unknown>;
  try {
    const requireFrom = Module.createRequire(resolve(dirname(path), 'package.json'));
    delete requireFrom.cache[path];
    exports = requireFrom(path) as Record<string, unknown>;
  } finally {
    internals._load = originalLoad;
    if (originalTs) internals._extensions['.ts'] = originalTs;
    else delete internals._extensions['.ts'];
  }
  const isPipeline = (v: unknown): v is Pipeline => typeof v === 'object' && v !== null && typeof (v as Pipeline).definition === 'function' && typeof (v as Pipeline).name === 'string';
  const candidates = ['default', 'pipeline'].filter((n) => n in exports);
  const chosen = candidates.length > 0 ? exports[candidates[0]] : Object.values(exports).length === 1 ? Object.values(exports)[0] : undefined;
  if (chosen === undefined) throw new Error(`${file}: export the pipeline (or a function returning it) as default or as 'pipeline'`);
  const value = typeof chosen === 'function' && !isPipeline(chosen) ? await (chosen as (t: PipelineTarget) => unknown)(target) : chosen;
  if (!isPipeline(value)) throw new Error(`${file}: the export is not a Pipeline (nor a function returning one)`);
  return value;
}
