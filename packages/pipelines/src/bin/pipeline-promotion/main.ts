import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { AwsClient } from '../../run/pipeline-run';
import { buildRelease, promotionSettingsSchema } from './build';
import { runInDev } from './run-dev';

export const PROMOTION_USAGE = `usage: node index.cjs build      (environment: PROMOTION (JSON settings), OUTPUT_DIR, STAGE_TEMPLATE_ARTIFACT + STAGE_TEMPLATE_FILE with SSM-named VPC settings; the repository is the working directory)
       node index.cjs run-dev <pipeline-run arguments>   (environment: DEV_RUN_MARKER, RELEASE_BUCKET_OWNER)`;

export interface PromotionIo {
  readonly log?: (message: string) => void;
  readonly error?: (message: string) => void;
  readonly s3?: AwsClient;
  readonly cwd?: string;
  /** Installs the repository's locked dependencies; `npm ci` by default. */
  readonly install?: (dir: string) => number;
}

function npmCi(dir: string): number {
  // --ignore-scripts: the repository's packages are data for the pipeline source, not code that runs at install.
  return spawnSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' }).status ?? 1;
}

/** `pipeline-promotion build | run-dev`: returns the exit code. */
export async function promotionMain(argv: string[], env: Readonly<Record<string, string | undefined>> = process.env, io: PromotionIo = {}): Promise<number> {
  const log = io.log ?? ((m: string) => process.stdout.write(`[pipeline-promotion] ${m}\n`));
  const error = io.error ?? ((m: string) => process.stderr.write(`${m}\n`));
  const s3 = () => io.s3 ?? new S3Client({ region: env.AWS_REGION });
  const [command, ...rest] = argv;
  try {
    if (command === 'build') {
      const raw = env.PROMOTION;
      if (!raw) throw new Error(`PROMOTION is not set\n${PROMOTION_USAGE}`);
      const settings = promotionSettingsSchema.parse(JSON.parse(raw));
      const sourceDir = io.cwd ?? process.cwd();
      // Nothing is installed at run time but the repository's own locked dependencies, if its pipeline source has any.
      if (existsSync(join(sourceDir, 'package-lock.json'))) {
        log('package-lock.json found: installing the repository\'s locked dependencies (npm ci)');
        if ((io.install ?? npmCi)(sourceDir) !== 0) throw new Error('npm ci failed');
      }
      // The stage template arrives as a secondary input of CodeBuild: $CODEBUILD_SRC_DIR_<artifact>/<file>.
      const templateDir = env.STAGE_TEMPLATE_ARTIFACT ? env[`CODEBUILD_SRC_DIR_${env.STAGE_TEMPLATE_ARTIFACT}`] : undefined;
      const stageTemplatePath = templateDir && env.STAGE_TEMPLATE_FILE ? join(templateDir, env.STAGE_TEMPLATE_FILE) : undefined;
      await buildRelease({ settings, sourceDir, outputDir: join(sourceDir, env.OUTPUT_DIR ?? 'build-output'), s3: s3(), log, stageTemplatePath });
      return 0;
    }
    if (command === 'run-dev') {
      if (!env.DEV_RUN_MARKER) throw new Error(`DEV_RUN_MARKER is not set (the Build step's variable)\n${PROMOTION_USAGE}`);
      return await runInDev({ argv: rest, env, marker: env.DEV_RUN_MARKER, s3: s3(), log, expectedBucketOwner: env.RELEASE_BUCKET_OWNER });
    }
    error(PROMOTION_USAGE);
    return 2;
  } catch (e) {
    error(e instanceof Error ? e.message : String(e));
    return 1;
  }
}
