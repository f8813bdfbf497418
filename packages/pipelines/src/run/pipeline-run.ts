import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  AddTagsCommand,
  CreatePipelineCommand,
  DescribePipelineCommand,
  DescribePipelineExecutionCommand,
  ListPipelineExecutionStepsCommand,
  StartPipelineExecutionCommand,
  UpdatePipelineCommand,
  type $Command,
  type DescribePipelineCommandOutput,
  type DescribePipelineExecutionCommandOutput,
  type ListPipelineExecutionStepsCommandOutput,
  type StartPipelineExecutionCommandOutput,
  type CreatePipelineCommandOutput,
  type UpdatePipelineCommandOutput,
} from '@aws-sdk/client-sagemaker';
import type { Upload } from '../assets';
import { SAGEMAKER_MODEL } from '../data/sagemaker-model';
import { realSleep, type RetryOptions, type Sleep, withRetry } from './retry';

/** Anything with the `send` method of an AWS SDK v3 client (a real client or an aws-sdk-client-mock mock). */
export interface AwsClient {
  send(command: $Command<any, any, any, any, any>): Promise<unknown>;
}

/**
 * Definitions up to this size (UTF-8 bytes) go in the request body; larger ones through S3, as the
 * SageMaker Python SDK does (sagemaker/workflow/pipeline.py: `len(definition.encode("utf-8")) < 1024 * 100`).
 */
export const INLINE_DEFINITION_MAX_BYTES = 100 * 1024;

/** The terminal statuses of an execution (botocore PipelineExecutionStatus). */
export type TerminalStatus = 'Succeeded' | 'Failed' | 'Stopped';

export interface PipelineRunOptions {
  readonly sagemaker: AwsClient;
  /** Needed only for a definition larger than {@link INLINE_DEFINITION_MAX_BYTES}. @default - none */
  readonly s3?: AwsClient;
  readonly pipelineName: string;
  /** The definition JSON. */
  readonly definition: string;
  /** The role the pipeline runs as. */
  readonly roleArn: string;
  /** @default - none */
  readonly description?: string;
  /** Applied on create, and added to an existing pipeline (UpdatePipeline takes no tags). @default - none */
  readonly tags?: Readonly<Record<string, string>>;
  /** MaxParallelExecutionSteps. @default - the service default */
  readonly parallelism?: number;
  /** Execution parameters by name (values as strings, as StartPipelineExecution takes them). @default - the defaults */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Where a large definition is uploaded: `s3://<bucket>/<prefix><pipeline>/<sha256>.json`. @default - none */
  readonly definitionBucket?: string;
  /** @default 'pipeline-definitions/' */
  readonly definitionPrefix?: string;
  /** Expected owner of the buckets uploaded to (definition, uploads). @default - not checked */
  readonly expectedBucketOwner?: string;
  /**
   * What makes a retried run idempotent: the same run id, definition and parameters give the same
   * client request tokens, so a retry starts no second execution.
   *
   * @default - a new id per call (no deduplication across calls)
   */
  readonly runId?: string;
  /** Files or folders uploaded before the pipeline is upserted (its scripts, its data). @default - none */
  readonly uploads?: readonly Upload[];
  /** Upsert only. @default true */
  readonly start?: boolean;
  /** Wait for the execution to end. @default true */
  readonly wait?: boolean;
  /** @default 10800 (3 h) */
  readonly timeoutSeconds?: number;
  /** First poll delay; grows 1.5× per poll up to `maxPollIntervalSeconds`. @default 10 */
  readonly pollIntervalSeconds?: number;
  /** @default 60 */
  readonly maxPollIntervalSeconds?: number;
  /** @default - stdout */
  readonly log?: (message: string) => void;
  /** @default - setTimeout */
  readonly sleep?: Sleep;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default - six attempts, 0.5 s base delay */
  readonly retry?: RetryOptions;
}

function parseS3Uri(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  if (!m) throw new Error(`not an S3 URI: ${uri}`);
  return { bucket: m[1], key: m[2] };
}

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => filesUnder(join(path, e.name)));
}

/** The S3 objects of uploads: a file to its URI, a folder's files under the URI (a prefix ending with /). */
export function uploadObjects(uploads: readonly Upload[]): Array<{ file: string; bucket: string; key: string }> {
  return uploads.flatMap((u) => {
    const { bucket, key } = parseS3Uri(u.s3Uri);
    if (!statSync(u.localPath).isDirectory()) return [{ file: u.localPath, bucket, key: key.endsWith('/') ? `${key}${u.localPath.split(sep).pop()}` : key }];
    const prefix = key === '' || key.endsWith('/') ? key : `${key}/`;
    return filesUnder(u.localPath).map((file) => ({ file, bucket, key: `${prefix}${relative(u.localPath, file).split(sep).join('/')}` }));
  });
}

interface DeclaredParameter {
  readonly Name: string;
  readonly Type: string;
  readonly EnumValues?: unknown[];
}

/** What is wrong with execution parameters, given the definition's declarations. */
export function parameterProblems(declared: readonly DeclaredParameter[], values: Readonly<Record<string, string>>): string[] {
  const byName = new Map(declared.map((p) => [p.Name, p]));
  const problems: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    const p = byName.get(name);
    if (!p) {
      problems.push(`${name} is not a parameter of the pipeline (it has: ${[...byName.keys()].join(', ') || 'none'})`);
      continue;
    }
    if (p.Type === 'Integer' && !/^-?\d+$/.test(value)) problems.push(`${name} is an Integer, got '${value}'`);
    if (p.Type === 'Float' && (value.trim() === '' || !Number.isFinite(Number(value)))) problems.push(`${name} is a Float, got '${value}'`);
    if (p.Type === 'Boolean' && !['true', 'false'].includes(value)) problems.push(`${name} is a Boolean (true or false), got '${value}'`);
    if (p.EnumValues && !p.EnumValues.map(String).includes(value)) problems.push(`${name} must be one of ${p.EnumValues.join(', ')}, got '${value}'`);
  }
  return problems;
}

export interface FailedStep {
  readonly name: string;
  readonly status: string;
  readonly reason: string;
}

export interface PipelineRunResult {
  readonly pipelineArn: string;
  /** Whether the pipeline was created (else updated). */
  readonly created: boolean;
  /** Where the definition went: the request body, or an S3 URI. */
  readonly definitionLocation: 'inline' | string;
  readonly executionArn?: string;
  /** The execution's last status; `TimedOut` when the timeout passed first. */
  readonly status?: TerminalStatus | 'Executing' | 'Stopping' | 'TimedOut';
  readonly failureReason?: string;
  readonly failedSteps: readonly FailedStep[];
}

/** True when the run's execution succeeded (or no execution was asked for). */
export function runSucceeded(result: PipelineRunResult, options: { start?: boolean; wait?: boolean } = {}): boolean {
  if (options.start === false) return true;
  if (options.wait === false) return result.executionArn !== undefined;
  return result.status === 'Succeeded';
}

function token(...parts: string[]): string {
  // IdempotencyToken: 32-128 characters (botocore model).
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { name?: string }).name : undefined;
}

/**
 * DescribePipeline's answer for a pipeline that does not exist: ResourceNotFound in the API model
 * (botocore: DescribePipeline errors), a ValidationException "Could not find pipeline ..." from moto.
 */
export function isPipelineMissing(error: unknown): boolean {
  const name = errorName(error);
  if (name === 'ResourceNotFound') return true;
  const message = error instanceof Error ? error.message : '';
  return name === 'ValidationException' && /could not find|does not exist/i.test(message);
}

/**
 * Upserts a pipeline (CreatePipeline or UpdatePipeline), starts an execution with parameters and
 * polls it with backoff until Succeeded, Failed or Stopped, or the timeout; for a failed or stopped
 * execution it lists each failed step's FailureReason (ListPipelineExecutionSteps).
 */
export async function runPipeline(options: PipelineRunOptions): Promise<PipelineRunResult> {
  const log = options.log ?? ((m: string) => process.stdout.write(`${m}\n`));
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const retry = { sleep, ...options.retry };
  const send = <T>(command: $Command<any, any, any, any, any>) => withRetry(() => options.sagemaker.send(command) as Promise<T>, retry);
  const runId = options.runId ?? `${now()}-${Math.random()}`;
  const name = options.pipelineName;

  const max = SAGEMAKER_MODEL.pipelineDefinitionMaxLength;
  const bytes = Buffer.byteLength(options.definition, 'utf8');
  // A definition that is no JSON, or a parameter it does not declare, fails here, before anything changes.
  const declared = (JSON.parse(options.definition) as { Parameters?: DeclaredParameter[] }).Parameters ?? [];
  const problems = parameterProblems(declared, options.parameters ?? {});
  if (problems.length > 0) throw new Error(`Parameters of ${name}: ${problems.join('; ')}`);
  let definitionLocation: 'inline' | string = 'inline';
  let definitionArgs: { PipelineDefinition: string } | { PipelineDefinitionS3Location: { Bucket: string; ObjectKey: string } };
  if (bytes <= INLINE_DEFINITION_MAX_BYTES) {
    definitionArgs = { PipelineDefinition: options.definition };
  } else {
    if (!options.s3 || !options.definitionBucket) {
      throw new Error(
        `The definition of ${name} is ${bytes} bytes, more than ${INLINE_DEFINITION_MAX_BYTES} for the request body: give a definition bucket (--definition-bucket) to pass it through S3` +
          (bytes > max ? ` (PipelineDefinition takes at most ${max})` : ''),
      );
    }
    const key = `${options.definitionPrefix ?? 'pipeline-definitions/'}${name}/${token(options.definition).slice(0, 16)}.json`;
    const s3 = options.s3;
    await withRetry(
      () =>
        s3.send(
          new PutObjectCommand({
            Bucket: options.definitionBucket,
            Key: key,
            Body: options.definition,
            ContentType: 'application/json',
            ExpectedBucketOwner: options.expectedBucketOwner,
          }),
        ),
      retry,
    );
    definitionLocation = `s3://${options.definitionBucket}/${key}`;
    definitionArgs = { PipelineDefinitionS3Location: { Bucket: options.definitionBucket, ObjectKey: key } };
    log(`definition: ${bytes} bytes, uploaded to ${definitionLocation}`);
  }
  if (options.uploads && options.uploads.length > 0) {
    if (!options.s3) throw new Error('uploads need an S3 client');
    const s3 = options.s3;
    const objects = uploadObjects(options.uploads);
    for (const o of objects) {
      await withRetry(() => s3.send(new PutObjectCommand({ Bucket: o.bucket, Key: o.key, Body: readFileSync(o.file), ExpectedBucketOwner: options.expectedBucketOwner })), retry);
    }
    log(`uploaded ${objects.length} file(s): ${[...new Set(objects.map((o) => `s3://${o.bucket}/${o.key.replace(/[^/]*$/, '')}`))].join(', ')}`);
  }
  const parallelism = options.parallelism !== undefined ? { ParallelismConfiguration: { MaxParallelExecutionSteps: options.parallelism } } : {};
  const tags = Object.entries(options.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));

  let existing: DescribePipelineCommandOutput | undefined;
  try {
    existing = await send<DescribePipelineCommandOutput>(new DescribePipelineCommand({ PipelineName: name }));
  } catch (error) {
    if (!isPipelineMissing(error)) throw error;
  }

  let pipelineArn: string;
  let created = false;
  const update = async () => {
    const out = await send<UpdatePipelineCommandOutput>(
      new UpdatePipelineCommand({ PipelineName: name, RoleArn: options.roleArn, PipelineDescription: options.description, ...definitionArgs, ...parallelism }),
    );
    if (tags.length > 0) await send(new AddTagsCommand({ ResourceArn: out.PipelineArn, Tags: tags }));
    return out.PipelineArn!;
  };
  if (existing) {
    pipelineArn = await update();
    log(`pipeline ${name}: updated (${pipelineArn})`);
  } else {
    try {
      const out = await send<CreatePipelineCommandOutput>(
        new CreatePipelineCommand({
          PipelineName: name,
          RoleArn: options.roleArn,
          PipelineDescription: options.description,
          ClientRequestToken: token('create', runId, name, options.definition),
          Tags: tags.length > 0 ? tags : undefined,
          ...definitionArgs,
          ...parallelism,
        }),
      );
      pipelineArn = out.PipelineArn!;
      created = true;
      log(`pipeline ${name}: created (${pipelineArn})`);
    } catch (error) {
      // Created meanwhile by another run: update it instead. (ConflictException in the API model; a
      // ValidationException "... already exists" from moto and, per the SageMaker Python SDK's upsert, the service.)
      const exists = errorName(error) === 'ConflictException' || (errorName(error) === 'ValidationException' && /already exists/i.test((error as Error).message));
      if (!exists) throw error;
      pipelineArn = await update();
      log(`pipeline ${name}: updated after a concurrent create (${pipelineArn})`);
    }
  }

  if (options.start === false) return { pipelineArn, created, definitionLocation, failedSteps: [] };

  const parameters = Object.entries(options.parameters ?? {}).map(([Name, Value]) => ({ Name, Value }));
  const started = await send<StartPipelineExecutionCommandOutput>(
    new StartPipelineExecutionCommand({
      PipelineName: name,
      PipelineParameters: parameters.length > 0 ? parameters : undefined,
      ClientRequestToken: token('start', runId, name, options.definition, JSON.stringify(parameters)),
      ...parallelism,
    }),
  );
  const executionArn = started.PipelineExecutionArn!;
  log(`execution started: ${executionArn}${parameters.length ? ` (${parameters.map((p) => `${p.Name}=${p.Value}`).join(', ')})` : ''}`);
  if (options.wait === false) return { pipelineArn, created, definitionLocation, executionArn, status: 'Executing', failedSteps: [] };

  const deadline = now() + (options.timeoutSeconds ?? 10_800) * 1000;
  let delay = (options.pollIntervalSeconds ?? 10) * 1000;
  const maxDelay = (options.maxPollIntervalSeconds ?? 60) * 1000;
  let execution: DescribePipelineExecutionCommandOutput;
  let last: string | undefined;
  for (;;) {
    execution = await send<DescribePipelineExecutionCommandOutput>(new DescribePipelineExecutionCommand({ PipelineExecutionArn: executionArn }));
    const status = execution.PipelineExecutionStatus;
    if (status !== last) log(`execution status: ${status}`);
    last = status;
    if (status === 'Succeeded' || status === 'Failed' || status === 'Stopped') break;
    const remaining = deadline - now();
    if (remaining <= 0) {
      log(`execution still ${status} after ${options.timeoutSeconds ?? 10_800} s: giving up waiting (the execution goes on)`);
      return { pipelineArn, created, definitionLocation, executionArn, status: 'TimedOut', failedSteps: [] };
    }
    await sleep(Math.min(delay, remaining));
    delay = Math.min(maxDelay, delay * 1.5);
  }

  const status = execution.PipelineExecutionStatus as TerminalStatus;
  const failedSteps: FailedStep[] = [];
  if (status !== 'Succeeded') {
    let nextToken: string | undefined;
    try {
      do {
        const page: ListPipelineExecutionStepsCommandOutput = await send(
          new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: executionArn, NextToken: nextToken }),
        );
        for (const step of page.PipelineExecutionSteps ?? []) {
          if (step.StepStatus === 'Failed' || step.StepStatus === 'Stopped' || step.FailureReason) {
            failedSteps.push({ name: step.StepName ?? '?', status: step.StepStatus ?? '?', reason: step.FailureReason ?? '(no reason given)' });
          }
        }
        nextToken = page.NextToken;
      } while (nextToken);
    } catch (error) {
      // The execution's status is the result; the step list only explains it.
      log(`could not list the steps of ${executionArn}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (execution.FailureReason) log(`execution ${status}: ${execution.FailureReason}`);
    for (const s of failedSteps) log(`step ${s.name} ${s.status}: ${s.reason}`);
  }
  return { pipelineArn, created, definitionLocation, executionArn, status, failureReason: execution.FailureReason, failedSteps };
}
