// The Build and RunInDev steps of batch-promotion, bundled into bundles/pipeline-promotion/index.cjs:
// `node index.cjs build` renders and validates a release, `node index.cjs run-dev <pipeline-run args>` runs it in dev.
import { promotionMain } from './pipeline-promotion/main';

void promotionMain(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
