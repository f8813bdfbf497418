import { join } from 'node:path';
import { REPO_ROOT } from '../workspace';
import { stageModule } from './stage';

const app = process.argv[2];
if (!app) {
  process.stderr.write('usage: stage-cli <app folder name under apps/>\n');
  process.exit(2);
}
const files = stageModule(join(REPO_ROOT, 'apps', app));
process.stdout.write(`staged ${files.length} packages into apps/${app}/vendor: ${files.join(', ')}\n`);
