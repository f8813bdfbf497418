import { readFileSync } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { z } from 'zod';
import { DeployRepositoryFileError } from '../errors';
import { readRepositoryJson } from '../private/json-file';
import { formatZodProblems } from '../private/zod-problems';

/** Where the staging test definition lives in the deploy repository, by default. */
export const DEFAULT_STAGING_TEST_DEFINITION = 'test/staging-test.json';

/**
 * The staging test definition as written in `test/staging-test.json` (optional fields may be left out).
 */
export interface StagingTestDefinitionInput {
  /** The `Content-Type` of the request, e.g. `text/csv` or `application/json`. */
  readonly contentType: string;
  /**
   * The `Accept` header of the request.
   *
   * @default - none: the model's default response type
   */
  readonly accept?: string;
  /**
   * The request body. Exactly one of `payload` and `payloadFile` is set.
   *
   * @default - the content of `payloadFile`
   */
  readonly payload?: string;
  /**
   * A file holding the request body, relative to the repository root. Exactly one of `payload` and `payloadFile` is set.
   *
   * @default - `payload`
   */
  readonly payloadFile?: string;
  /**
   * How many times the endpoint is invoked in each account, 1–100.
   *
   * @default 3
   */
  readonly invocations?: number;
  /**
   * The latency bound of one invocation, in milliseconds (1–60000: InvokeEndpoint times out after 60 s).
   *
   * @default 2000
   */
  readonly maxLatencyMs?: number;
  /**
   * The HTTP status an invocation must return. Only 200: InvokeEndpoint reports every other status of the model as an error.
   *
   * @default 200
   */
  readonly expectStatus?: 200;
}

/** The staging test definition with the defaults applied. */
export interface StagingTestDefinition {
  /** The `Content-Type` of the request. */
  readonly contentType: string;
  /**
   * The `Accept` header of the request.
   *
   * @default - none
   */
  readonly accept?: string;
  /**
   * The inline request body.
   *
   * @default - `payloadFile`
   */
  readonly payload?: string;
  /**
   * The file holding the request body, relative to the repository root.
   *
   * @default - `payload`
   */
  readonly payloadFile?: string;
  /** How many times the endpoint is invoked in each account. */
  readonly invocations: number;
  /** The latency bound of one invocation, in milliseconds. */
  readonly maxLatencyMs: number;
  /** The HTTP status an invocation must return. */
  readonly expectStatus: 200;
}

const MEDIA_TYPE = /^[A-Za-z0-9][\w.+-]*\/[A-Za-z0-9][\w.+-]*(\s*;\s*[\w.+-]+=("[^"]*"|[\w.+-]+))*$/;

const mediaType = (field: string, example: string) =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined ? `is required: set the ${field} of the request, e.g. "${example}"` : `must be a string such as "${example}"`,
    })
    .regex(MEDIA_TYPE, { error: `must be a media type such as "${example}" (type/subtype, optionally ; parameters)` });

const integerIn = (min: number, max: number, what: string) =>
  z
    .number({ error: `must be a number: set ${what}` })
    .refine((value) => Number.isInteger(value) && value >= min && value <= max, { error: `must be an integer from ${min} to ${max}: set ${what}` });

const definitionSchema = z.strictObject(
    {
      contentType: mediaType('Content-Type', 'text/csv'),
      accept: mediaType('Accept header', 'application/json').optional(),
      payload: z.string({ error: 'must be a string: the request body' }).min(1, { error: 'is empty: give the request body' }).optional(),
      payloadFile: z
        .string({ error: 'must be a string: the path of the request body file, relative to the repository root' })
        .min(1, { error: 'is empty: give the path of the request body file, relative to the repository root' })
        .refine((path) => isInsideRepository(path), {
          error: 'must be a path inside the repository, relative to its root, e.g. "test/payload.csv"',
        })
        .optional(),
      invocations: integerIn(1, 100, 'how many times to invoke the endpoint per account').default(3),
      maxLatencyMs: integerIn(1, 60_000, 'the latency bound of one invocation in milliseconds').default(2000),
      expectStatus: z
        .literal(200, { error: 'must be 200: InvokeEndpoint reports any other status of the model as an error' })
        .default(200),
    },
    { error: 'must hold one JSON object, e.g. {"contentType": "text/csv", "payload": "1,2,3"}' },
  );

const DEFINITION_KEYS = ['contentType', 'accept', 'payload', 'payloadFile', 'invocations', 'maxLatencyMs', 'expectStatus'];

/**
 * Validates a staging test definition.
 *
 * @param content the parsed JSON (or an object built in code)
 * @param file the file it came from, used in the problems (default `test/staging-test.json`)
 * @throws DeployRepositoryFileError listing every problem, with its path and fix
 */
export function parseStagingTestDefinition(content: unknown, file: string = DEFAULT_STAGING_TEST_DEFINITION): StagingTestDefinition {
  const result = definitionSchema.safeParse(content);
  const problems = [
    ...(result.success ? [] : formatZodProblems(file, result.error.issues, content, DEFINITION_KEYS)),
    // Checked on the raw content so that these problems are listed with the schema's, not after them are fixed.
    ...payloadProblems(content).map((problem) => `${file}: ${problem}`),
  ];
  if (!result.success || problems.length > 0) {
    throw new DeployRepositoryFileError([file], problems);
  }
  return result.data;
}

/**
 * Reads and validates the staging test definition of a deploy repository.
 *
 * @param sourceDir the repository root
 * @param file the definition, relative to the root (default `test/staging-test.json`)
 * @throws DeployRepositoryFileError when the file is missing, not JSON or invalid
 */
export function loadStagingTestDefinition(sourceDir: string, file: string = DEFAULT_STAGING_TEST_DEFINITION): StagingTestDefinition {
  const read = readRepositoryJson(sourceDir, file, '{"contentType": "text/csv", "payload": "1,2,3"}');
  if (read.problem !== undefined) {
    throw new DeployRepositoryFileError([file], [read.problem]);
  }
  return parseStagingTestDefinition(read.content, file);
}

/**
 * The request body of a definition: `payload` as UTF-8, or the bytes of `payloadFile` read relative to `sourceDir`.
 *
 * @param definitionFile the definition's path, used in the problems (default `test/staging-test.json`)
 * @throws DeployRepositoryFileError when the payload file is missing, empty or (for application/json) not JSON
 */
export function stagingTestPayload(
  definition: StagingTestDefinition,
  sourceDir: string,
  definitionFile: string = DEFAULT_STAGING_TEST_DEFINITION,
): Uint8Array {
  if (definition.payload !== undefined) {
    const inline = new TextEncoder().encode(definition.payload);
    if (inline.length > MAX_INVOKE_ENDPOINT_BODY_BYTES) {
      throw new DeployRepositoryFileError([definitionFile], [`${definitionFile}: payload: ${tooLarge(inline.length)}`]);
    }
    return inline;
  }
  const file = definition.payloadFile!;
  const fail = (problem: string): never => {
    throw new DeployRepositoryFileError([definitionFile, file], [`${definitionFile}: payloadFile: ${problem}`]);
  };
  let body: Uint8Array;
  try {
    body = readFileSync(join(sourceDir, file));
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT'
      ? fail(`"${file}" not found in the deploy repository (${sourceDir}): add the file or fix the path (relative to the repository root)`)
      : fail(`"${file}" cannot be read (${(error as Error).message})`);
  }
  if (body.length === 0) {
    fail(`"${file}" is empty: put the request body in it`);
  }
  if (body.length > MAX_INVOKE_ENDPOINT_BODY_BYTES) {
    fail(`"${file}" ${tooLarge(body.length)}`);
  }
  if (isJson(definition.contentType) && !parses(Buffer.from(body).toString('utf8'))) {
    fail(`"${file}" is not valid JSON although contentType is application/json: fix the file`);
  }
  return body;
}

/**
 * The largest request body InvokeEndpoint accepts: 6 MB (botocore's sagemaker-runtime model,
 * InvokeEndpointInput.Body: BodyBlob max 6291456). A larger body fails every invocation.
 */
export const MAX_INVOKE_ENDPOINT_BODY_BYTES = 6 * 1024 * 1024;

function tooLarge(bytes: number): string {
  return (
    `is ${bytes} bytes: InvokeEndpoint accepts at most ${MAX_INVOKE_ENDPOINT_BODY_BYTES} bytes (6 MB) per request; ` +
    'use a smaller sample of the data'
  );
}

function payloadProblems(content: unknown): string[] {
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    return [];
  }
  const { payload, payloadFile, contentType } = content as Record<string, unknown>;
  if ((payload === undefined) === (payloadFile === undefined)) {
    return [
      payload === undefined
        ? 'has no request body: set "payload" (inline) or "payloadFile" (a file in the repository)'
        : 'has both "payload" and "payloadFile": keep exactly one',
    ];
  }
  if (typeof payload === 'string' && payload !== '' && typeof contentType === 'string' && isJson(contentType) && !parses(payload)) {
    return ['payload: is not valid JSON although contentType is application/json: fix the payload'];
  }
  return [];
}

function isInsideRepository(path: string): boolean {
  if (isAbsolute(path) || /^[A-Za-z]:/.test(path)) {
    return false;
  }
  const normalized = normalize(path);
  return normalized !== '..' && !normalized.startsWith(`..${sep}`) && normalized !== '.';
}

function isJson(contentType: string): boolean {
  return /^application\/json\s*(;|$)/i.test(contentType);
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
