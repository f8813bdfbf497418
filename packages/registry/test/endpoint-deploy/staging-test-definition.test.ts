import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadStagingTestDefinition, parseStagingTestDefinition, stagingTestPayload } from '../../src/endpoint-deploy/staging-test-definition';
import { DeployRepositoryFileError } from '../../src/errors';

let sourceDir: string;

beforeEach(() => {
  sourceDir = mkdtempSync(join(tmpdir(), 'staging-definition-'));
  mkdirSync(join(sourceDir, 'test'));
});

afterEach(() => rmSync(sourceDir, { recursive: true, force: true }));

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DeployRepositoryFileError);
    return (error as DeployRepositoryFileError).problems;
  }
  throw new Error('expected a DeployRepositoryFileError');
}

describe('parseStagingTestDefinition', () => {
  it('applies the defaults', () => {
    expect(parseStagingTestDefinition({ contentType: 'text/csv', payload: '1,2,3' })).toEqual({
      contentType: 'text/csv',
      payload: '1,2,3',
      invocations: 3,
      maxLatencyMs: 2000,
      expectStatus: 200,
    });
  });

  it('fails when the definition is invalid, listing every problem with its path and fix', () => {
    const problems = problemsOf(() =>
      parseStagingTestDefinition({ contentType: 'csv', invocations: 0, maxLatencyMs: 'fast', expectStatus: 500, timeout: 3 }),
    );

    expect(problems).toEqual([
      'test/staging-test.json: contentType: must be a media type such as "text/csv" (type/subtype, optionally ; parameters) (got "csv")',
      'test/staging-test.json: invocations: must be an integer from 1 to 100: set how many times to invoke the endpoint per account (got 0)',
      'test/staging-test.json: maxLatencyMs: must be a number: set the latency bound of one invocation in milliseconds (got "fast")',
      'test/staging-test.json: expectStatus: must be 200: InvokeEndpoint reports any other status of the model as an error (got 500)',
      'test/staging-test.json: unknown key "timeout": remove it or fix its spelling (allowed: contentType, accept, payload, payloadFile, invocations, maxLatencyMs, expectStatus)',
      'test/staging-test.json: has no request body: set "payload" (inline) or "payloadFile" (a file in the repository)',
    ]);
  });

  it.each([
    [{ payload: '1' }, 'contentType: is required: set the Content-Type of the request, e.g. "text/csv"'],
    [{ contentType: 'text/csv', payload: '1', payloadFile: 'p.csv' }, 'has both "payload" and "payloadFile": keep exactly one'],
    [{ contentType: 'text/csv', payloadFile: '../secrets.csv' }, 'payloadFile: must be a path inside the repository'],
    [{ contentType: 'text/csv', payloadFile: '/etc/passwd' }, 'payloadFile: must be a path inside the repository'],
    [{ contentType: 'application/json', payload: '{"a": 1,}' }, 'payload: is not valid JSON although contentType is application/json'],
    [{ contentType: 'text/csv', payload: '' }, 'payload: is empty: give the request body'],
    [{ contentType: 'text/csv', accept: 'json', payload: '1' }, 'accept: must be a media type such as "application/json"'],
    [{ contentType: 'text/csv', payload: '1', maxLatencyMs: 120_000 }, 'maxLatencyMs: must be an integer from 1 to 60000'],
    ['text/csv', 'must hold one JSON object'],
  ])('fails when the definition is %j', (definition, problem) => {
    const problems = problemsOf(() => parseStagingTestDefinition(definition, 'test/custom.json'));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`test/custom.json: ${problem}`);
  });

  it('accepts a media type with parameters', () => {
    expect(parseStagingTestDefinition({ contentType: 'application/json; charset=utf-8', payload: '{}' }).contentType).toBe(
      'application/json; charset=utf-8',
    );
  });
});

describe('loadStagingTestDefinition', () => {
  it('reads test/staging-test.json by default', () => {
    writeFileSync(join(sourceDir, 'test', 'staging-test.json'), '\uFEFF{"contentType": "text/csv", "payload": "1", "invocations": 1}');

    expect(loadStagingTestDefinition(sourceDir)).toMatchObject({ contentType: 'text/csv', invocations: 1 });
  });

  it('fails when the definition file is missing, naming it', () => {
    expect(problemsOf(() => loadStagingTestDefinition(sourceDir))).toEqual([
      `test/staging-test.json: not found in the deploy repository (${sourceDir}): create it, e.g. {"contentType": "text/csv", "payload": "1,2,3"}`,
    ]);
  });

  it('fails when the definition file is not JSON', () => {
    writeFileSync(join(sourceDir, 'test', 'smoke.json'), "{ contentType: 'text/csv' }");

    expect(problemsOf(() => loadStagingTestDefinition(sourceDir, 'test/smoke.json'))[0]).toMatch(/^test\/smoke\.json: is not valid JSON/);
  });
});

describe('stagingTestPayload', () => {
  it('reads binary payload files as they are', () => {
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01]);
    writeFileSync(join(sourceDir, 'test', 'cat.jpg'), bytes);
    const definition = parseStagingTestDefinition({ contentType: 'image/jpeg', payloadFile: 'test/cat.jpg' });

    expect(Buffer.from(stagingTestPayload(definition, sourceDir))).toEqual(bytes);
  });

  it.each([
    ['', 'is empty: put the request body in it'],
    ['{"a": ', 'is not valid JSON although contentType is application/json: fix the file'],
  ])('fails when the payload file holds %j', (content, problem) => {
    writeFileSync(join(sourceDir, 'test', 'payload.json'), content);
    const definition = parseStagingTestDefinition({ contentType: 'application/json', payloadFile: 'test/payload.json' });

    expect(problemsOf(() => stagingTestPayload(definition, sourceDir))).toEqual([
      `test/staging-test.json: payloadFile: "test/payload.json" ${problem}`,
    ]);
  });
});
