// The run tool, bundled into bundles/pipeline-run/index.cjs: `node index.cjs --definition ... --pipeline-name ...`.
// Upserts the pipeline, starts an execution, waits for it; exits 1 unless it succeeded.
import { pipelineRunMain } from '../run/main';

void pipelineRunMain(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
