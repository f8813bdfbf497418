import { parseArgs } from 'node:util';

/** What `pipeline-run` is asked to do, from its command line (and environment). */
export interface PipelineRunArguments {
  readonly definitionFile: string;
  readonly pipelineName: string;
  readonly roleArn: string;
  readonly region?: string;
  readonly parameters: Record<string, string>;
  readonly tags: Record<string, string>;
  readonly parallelism?: number;
  readonly description?: string;
  readonly definitionBucket?: string;
  readonly expectedBucketOwner?: string;
  readonly uploads: Array<{ localPath: string; s3Uri: string }>;
  readonly assumeRoleArn?: string;
  readonly timeoutSeconds: number;
  readonly start: boolean;
  readonly wait: boolean;
  readonly runId?: string;
}

export const PIPELINE_RUN_USAGE = `usage: node pipeline-run.cjs --definition <file.json> --pipeline-name <name> --role-arn <arn>
  [--parameter Name=Value]... [--tag Key=Value]... [--parallelism N] [--description text]
  [--region r] [--assume-role-arn arn] [--definition-bucket bucket] [--timeout-minutes N]
  [--upload <local file or folder>=<s3 uri>]... [--expected-bucket-owner account]
  [--no-start] [--no-wait] [--run-id id]
Environment: PIPELINE_NAME, PIPELINE_ROLE_ARN, ASSUME_ROLE_ARN, DEFINITION_BUCKET, AWS_REGION;
the run id defaults to CODEBUILD_BUILD_ID (a retried build starts no second execution).`;

function pairs(values: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const i = v.indexOf('=');
    if (i <= 0) throw new Error(`${flag} takes Name=Value, got '${v}'`);
    out[v.slice(0, i)] = v.slice(i + 1);
  }
  return out;
}

function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} takes a positive integer, got '${value}'`);
  return n;
}

/** Parses the command line; throws one error listing every problem. */
export function parsePipelineRunArguments(argv: string[], env: Readonly<Record<string, string | undefined>> = process.env): PipelineRunArguments {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      definition: { type: 'string' },
      'pipeline-name': { type: 'string' },
      'role-arn': { type: 'string' },
      region: { type: 'string' },
      parameter: { type: 'string', multiple: true },
      tag: { type: 'string', multiple: true },
      parallelism: { type: 'string' },
      description: { type: 'string' },
      'definition-bucket': { type: 'string' },
      upload: { type: 'string', multiple: true },
      'expected-bucket-owner': { type: 'string' },
      'assume-role-arn': { type: 'string' },
      'timeout-minutes': { type: 'string' },
      'no-start': { type: 'boolean' },
      'no-wait': { type: 'boolean' },
      'run-id': { type: 'string' },
    },
  });
  const problems: string[] = [];
  const required = (value: string | undefined, what: string) => {
    if (!value?.trim()) problems.push(`${what} is required`);
    return value?.trim() ?? '';
  };
  const definitionFile = required(values.definition, '--definition');
  const pipelineName = required(values['pipeline-name'] ?? env.PIPELINE_NAME, '--pipeline-name (or PIPELINE_NAME)');
  const roleArn = required(values['role-arn'] ?? env.PIPELINE_ROLE_ARN, '--role-arn (or PIPELINE_ROLE_ARN)');
  const attempt = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch (error) {
      problems.push((error as Error).message);
      return undefined;
    }
  };
  const parameters = attempt(() => pairs(values.parameter, '--parameter')) ?? {};
  const tags = attempt(() => pairs(values.tag, '--tag')) ?? {};
  const uploads = Object.entries(attempt(() => pairs(values.upload, '--upload')) ?? {}).map(([localPath, s3Uri]) => {
    if (!s3Uri.startsWith('s3://')) problems.push(`--upload takes <local path>=s3://bucket/key, got '${localPath}=${s3Uri}'`);
    return { localPath, s3Uri };
  });
  const parallelism = attempt(() => positiveInteger(values.parallelism, '--parallelism'));
  const timeoutMinutes = attempt(() => positiveInteger(values['timeout-minutes'], '--timeout-minutes')) ?? 180;
  if (problems.length > 0) throw new Error(`pipeline-run: ${problems.join('; ')}\n${PIPELINE_RUN_USAGE}`);
  return {
    definitionFile,
    pipelineName,
    roleArn,
    region: values.region ?? env.AWS_REGION,
    parameters,
    tags,
    parallelism,
    description: values.description,
    definitionBucket: values['definition-bucket'] ?? env.DEFINITION_BUCKET,
    expectedBucketOwner: values['expected-bucket-owner'],
    uploads,
    assumeRoleArn: values['assume-role-arn'] ?? env.ASSUME_ROLE_ARN,
    timeoutSeconds: timeoutMinutes * 60,
    start: !values['no-start'],
    wait: !values['no-wait'],
    runId: values['run-id'] ?? env.CODEBUILD_BUILD_ID,
  };
}
