import { readFileSync } from 'node:fs';
import { parsePipelineRunArguments } from './arguments';
import { type ClientConfig, runClients } from './clients';
import { runPipeline, runSucceeded } from './pipeline-run';

/** The `pipeline-run` command: returns the exit code (0 only when the execution succeeded). */
export async function pipelineRunMain(
  argv: string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
  io: { log?: (m: string) => void; error?: (m: string) => void; clientConfig?: ClientConfig; sleep?: (ms: number) => Promise<void> } = {},
): Promise<number> {
  const log = io.log ?? ((m: string) => process.stdout.write(`[pipeline-run] ${m}\n`));
  const error = io.error ?? ((m: string) => process.stderr.write(`${m}\n`));
  try {
    const args = parsePipelineRunArguments(argv, env);
    const definition = readFileSync(args.definitionFile, 'utf8');
    const clients = await runClients({ region: args.region, assumeRoleArn: args.assumeRoleArn, config: io.clientConfig });
    const result = await runPipeline({
      ...clients,
      pipelineName: args.pipelineName,
      definition,
      roleArn: args.roleArn,
      description: args.description,
      tags: args.tags,
      parallelism: args.parallelism,
      parameters: args.parameters,
      definitionBucket: args.definitionBucket,
      expectedBucketOwner: args.expectedBucketOwner,
      uploads: args.uploads,
      timeoutSeconds: args.timeoutSeconds,
      start: args.start,
      wait: args.wait,
      runId: args.runId,
      log,
      sleep: io.sleep,
    });
    if (runSucceeded(result, args)) return 0;
    error(`pipeline-run: execution ${result.executionArn} ended ${result.status}${result.failureReason ? `: ${result.failureReason}` : ''}`);
    return 1;
  } catch (e) {
    error(e instanceof Error ? e.message : String(e));
    return 1;
  }
}
