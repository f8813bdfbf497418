import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { pipelineRunMain } from '../../run/main';
import type { AwsClient } from '../../run/pipeline-run';

export interface RunInDevOptions {
  /** The arguments of `pipeline-run` (definition, pipeline name, role, uploads, tags, timeout). */
  readonly argv: string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where the success of this release in dev is recorded: `s3://<bucket>/<key>` (the Build step's DEV_RUN_MARKER). */
  readonly marker: string;
  readonly s3: AwsClient;
  /** Runs the release in dev; `pipeline-run` by default. */
  readonly run?: (argv: string[], env: Readonly<Record<string, string | undefined>>) => Promise<number>;
  readonly log?: (message: string) => void;
  /** @default - the dev account is not checked as the bucket's owner */
  readonly expectedBucketOwner?: string;
}

function parseMarker(uri: string): { Bucket: string; Key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) throw new Error(`DEV_RUN_MARKER must be s3://<bucket>/<key>, got '${uri}'`);
  return { Bucket: match[1], Key: match[2] };
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

/**
 * RunInDev: runs the release's definition in dev with `pipeline-run` (upsert, start, wait, fail unless Succeeded,
 * print the failed step's reason), unless this very release (definition and code, by content hash) already
 * succeeded there. A commit that changes only a stage file renders the same dev definition, so it promotes without
 * retraining in dev; the reference retrained on every push. Returns the exit code.
 */
export async function runInDev(options: RunInDevOptions): Promise<number> {
  const log = options.log ?? ((m: string) => process.stdout.write(`[pipeline-promotion] ${m}\n`));
  const location = parseMarker(options.marker);
  try {
    await options.s3.send(new HeadObjectCommand({ ...location, ExpectedBucketOwner: options.expectedBucketOwner }));
    log(`release already succeeded in dev (${options.marker}): the definition and code are unchanged, so dev is not retrained`);
    return 0;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const code = await (options.run ?? ((argv, env) => pipelineRunMain(argv, env)))(options.argv, options.env);
  if (code !== 0) return code;
  const record = { succeededAt: new Date().toISOString(), build: options.env.CODEBUILD_BUILD_ID ?? null, commit: options.env.CODEBUILD_RESOLVED_SOURCE_VERSION ?? null };
  await options.s3.send(
    new PutObjectCommand({ ...location, Body: JSON.stringify(record), ContentType: 'application/json', ExpectedBucketOwner: options.expectedBucketOwner }),
  );
  log(`release succeeded in dev; recorded at ${options.marker}`);
  return 0;
}
