import { z } from 'zod';

/**
 * The values of one stage file (`config/<stage>.json`), as the seed's `pre-prod-config.tfvars.json` names them. Every
 * one but `ScheduleExpressionforPipeline` is a parameter of the pipeline that the stage's schedule passes to each
 * execution; they are strings, as StartPipelineExecution and EventBridge take them.
 */
export interface StageFile {
  readonly ProcessingInstanceCount: string;
  readonly ProcessingInstanceType: string;
  readonly TrainingInstanceCount: string;
  readonly InferenceInstanceCount: string;
  readonly InferenceInstanceType: string;
  readonly MseThreshold: string;
  readonly InputDataUrl: string;
  readonly BatchDataUrl: string;
  /** `rate(...)` or `cron(...)`: the file's `1 day` written as EventBridge takes it. */
  readonly ScheduleExpressionforPipeline: string;
}

/** The pipeline parameters of a stage file, in the seed's order. */
export const STAGE_PIPELINE_PARAMETERS = [
  'ProcessingInstanceCount',
  'ProcessingInstanceType',
  'TrainingInstanceCount',
  'InferenceInstanceCount',
  'InferenceInstanceType',
  'MseThreshold',
  'InputDataUrl',
  'BatchDataUrl',
] as const;

const scalar = z.union([z.string(), z.number()], { error: 'expected a string (or a number)' }).transform((v) => String(v).trim());

const count = scalar.refine((v) => /^[1-9][0-9]{0,2}$/.test(v), { message: 'expected a whole number of instances from 1 to 999, e.g. "1"' });
const instanceType = scalar.refine((v) => /^ml\.[a-z0-9]+\.[a-z0-9]+$/.test(v), { message: 'expected an ML instance type ml.<family>.<size>, e.g. "ml.m5.large"' });
const threshold = scalar.refine((v) => /^[0-9]+(\.[0-9]+)?$/.test(v), { message: 'expected a non-negative number, e.g. "8.0"' });

const S3_URL = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(\/.*)?$/;
/**
 * An S3 URL `s3://<bucket>/<key or prefix>`. The reference's files held `s3: //...` (with a space) and a URL without
 * `s3://`, which worked only because its preprocessing split on `/`; here they fail with the field's name.
 */
const s3Url = scalar.superRefine((v, ctx) => {
  if (S3_URL.test(v)) return;
  const hint = /^s3:\s+\/\//.test(v)
    ? ' (remove the space after "s3:")'
    : !v.includes('://') && /^[a-z0-9][a-z0-9.-]+\//.test(v)
      ? ` (add the scheme: s3://${v})`
      : '';
  ctx.addIssue({ code: 'custom', message: `expected an S3 URL s3://<bucket>/<key>${hint}` });
});

const RATE = /^(\d+) (minute|minutes|hour|hours|day|days)$/;
/**
 * The seed's `ScheduleExpressionforPipeline`: `<n> <unit>` (`1 day`, `12 hours`), turned into `rate(<n> <unit>)`, or
 * a full `rate(...)` or `cron(...)` expression. EventBridge wants the singular unit for 1 and the plural otherwise
 * ("Creating an Amazon EventBridge rule that runs on a schedule", Amazon EventBridge User Guide: rate expressions).
 */
export const scheduleExpression = scalar.transform((v, ctx): string => {
  const rate = /^rate\((.*)\)$/.exec(v);
  const body = rate ? rate[1].trim() : v;
  if (/^cron\(.+\)$/.test(v)) {
    const fields = v.slice(5, -1).trim().split(/\s+/);
    if (fields.length === 6) return `cron(${fields.join(' ')})`;
    ctx.addIssue({ code: 'custom', message: `a cron() expression has 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}` });
    return z.NEVER;
  }
  const match = RATE.exec(body);
  if (!match || Number(match[1]) < 1) {
    ctx.addIssue({ code: 'custom', message: 'expected "<n> <unit>" such as "1 day" or "12 hours" (unit minute(s), hour(s) or day(s)), or a rate(...) or cron(...) expression' });
    return z.NEVER;
  }
  const n = Number(match[1]);
  const singular = match[2].replace(/s$/, '');
  if ((n === 1) !== (match[2] === singular)) {
    ctx.addIssue({ code: 'custom', message: `EventBridge takes "${n} ${n === 1 ? singular : `${singular}s`}": the unit is singular for 1 and plural otherwise` });
    return z.NEVER;
  }
  return `rate(${n} ${match[2]})`;
});

/** The zod schema of a stage file: every field required, no other field. */
export const stageFileSchema = z.strictObject({
  ProcessingInstanceCount: count,
  ProcessingInstanceType: instanceType,
  TrainingInstanceCount: count,
  InferenceInstanceCount: count,
  InferenceInstanceType: instanceType,
  MseThreshold: threshold,
  InputDataUrl: s3Url,
  BatchDataUrl: s3Url,
  ScheduleExpressionforPipeline: scheduleExpression,
});

/** One problem of a stage file: the file, the field, what is wrong. */
export interface StageFileProblem {
  readonly file: string;
  readonly field: string;
  readonly message: string;
}

/** Parses a stage file's text; returns its values, or every problem with its field name. */
export function parseStageFile(text: string, file: string): { ok: true; value: StageFile } | { ok: false; problems: StageFileProblem[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [{ file, field: '(file)', message: `is not valid JSON: ${(error as Error).message}` }] };
  }
  const result = stageFileSchema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues.flatMap((issue): StageFileProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ file, field: key, message: `is not a stage value (known: ${Object.keys(stageFileSchema.shape).join(', ')})` }));
    }
    const field = issue.path.join('.') || '(file)';
    const received = issue.path.length > 0 && typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[String(issue.path[0])] : undefined;
    const message = received === undefined && issue.path.length > 0 ? 'is required' : `${issue.message}, got ${JSON.stringify(received ?? json)}`;
    return [{ file, field, message }];
  });
  return { ok: false, problems };
}

/** The bucket of an S3 URL the stage file validated. */
export function bucketOf(url: string): string {
  const match = S3_URL.exec(url);
  if (!match) throw new Error(`not an S3 URL: ${url}`);
  return match[1];
}
