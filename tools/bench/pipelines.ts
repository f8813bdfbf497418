/**
 * Render time of each seed pipeline (build, validate against the API model, serialize), median of
 * repeated runs after a warm-up. Standalone: `npx tsx bench/pipelines.ts`; also part of `npm run bench`.
 */
import { batchInferencePipeline, renderDefinition, trainingPipeline, type Pipeline } from '@sagemaker-mlops/pipelines';

export interface PipelineBenchRow {
  readonly pipeline: string;
  readonly steps: number;
  readonly bytes: number;
  /** Median milliseconds of one build + render. */
  readonly medianMs: number;
}

const SUBSTITUTIONS = { SageMakerRoleArn: 'role', ArtifactBucket: 'bucket', ModelPackageGroupName: 'group' };

function measure(name: string, build: () => Pipeline, runs: number): PipelineBenchRow {
  let body = '';
  let steps = 0;
  for (let i = 0; i < 20; i++) body = renderDefinition(build(), { substitutions: SUBSTITUTIONS });
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const pipeline = build();
    body = renderDefinition(pipeline, { substitutions: SUBSTITUTIONS });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    steps = pipeline.allSteps().length;
  }
  times.sort((a, b) => a - b);
  return { pipeline: name, steps, bytes: Buffer.byteLength(body), medianMs: times[Math.floor(times.length / 2)] };
}

export function pipelineBenchmarks(runs = 200): PipelineBenchRow[] {
  return [
    measure('batchInferencePipeline()', () => batchInferencePipeline({ region: 'eu-west-1' }), runs),
    measure('trainingPipeline()', () => trainingPipeline({ region: 'eu-west-1' }), runs),
  ];
}

if (require.main === module) {
  console.log('| pipeline | steps | definition (bytes) | render, median (ms) |\n| --- | --- | --- | --- |');
  for (const r of pipelineBenchmarks()) console.log(`| ${r.pipeline} | ${r.steps} | ${r.bytes} | ${r.medianMs.toFixed(2)} |`);
}
