/**
 * Synthesizes several modules of ONE app in one Node.js process, for the main job (docs/adr/0013).
 *
 * Why: a module's synth in a fresh process costs ~5 s, mostly starting Node.js, loading aws-cdk-lib and
 * compiling CDK's validation engine; the next module of the same app in the same process costs ~1.5 s.
 * Each module still runs as the app's cdk.json runs it: its own environment (exactly the variables its own
 * process would get), its own working directory, its own output directory, and the app's code loaded
 * afresh (the require cache is cleared of everything outside node_modules, so module-level reads of the
 * environment happen again). Third-party packages stay loaded. A module that fails here is run again in a
 * process of its own by the parent (synth.ts), whose result counts; the Seedfarmer bundle test runs every
 * module of the example in a process of its own.
 *
 * Protocol: the parent forks this file with IPC and sends one message, `{ jobs: WorkerJob[] }`; the worker
 * answers each job with a `WorkerResult`, in order, then exits.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface WorkerJob {
  /** The app folder (cwd of its cdk.json `app` command). */
  readonly appDir: string;
  /** The script of the `app` command (`node <script>`), relative to appDir. */
  readonly script: string;
  /** The whole environment of the module's process (CDK_OUTDIR and CDK_CONTEXT_JSON included). */
  readonly env: Record<string, string>;
}

export interface WorkerResult {
  readonly ok: boolean;
  readonly seconds: number;
  /** stdout and stderr, interleaved. */
  readonly output: string;
  readonly stderr: string;
}

/** `process.exit` inside an app (exitOnConfigError) ends that module, not the worker. */
class ExitCalled extends Error {
  constructor(readonly code: number) {
    super(`process.exit(${code})`);
  }
}

function runJob(job: WorkerJob): WorkerResult {
  const started = process.hrtime.bigint();
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, job.env);
  process.chdir(job.appDir);
  mkdirSync(job.env.CDK_OUTDIR, { recursive: true });
  for (const key of Object.keys(require.cache)) if (!key.includes('/node_modules/')) delete require.cache[key];

  let output = '';
  let stderr = '';
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  const exit = process.exit;
  process.stdout.write = ((chunk: string | Uint8Array) => ((output += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((output += String(chunk)), (stderr += String(chunk)), true)) as typeof process.stderr.write;
  process.exit = ((code?: number) => {
    throw new ExitCalled(code ?? 0);
  }) as typeof process.exit;
  let ok = true;
  try {
    require(join(job.appDir, job.script));
  } catch (error) {
    ok = error instanceof ExitCalled && error.code === 0;
    if (!ok) output += `\n${error instanceof ExitCalled ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`;
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
    process.exit = exit;
  }
  return { ok, seconds: Number(process.hrtime.bigint() - started) / 1e9, output, stderr };
}

process.once('message', async (message: { jobs: WorkerJob[] }) => {
  // One result at a time, each sent before the next module starts, so the parent prints its end line then.
  for (const job of message.jobs) await new Promise<void>((done) => process.send!(runJob(job), undefined, {}, () => done()));
  process.disconnect();
});
