import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ML = join(__dirname, '..', '..', 'ml');
const work = mkdtempSync(join(tmpdir(), 'pipelines-ml-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs Python with ml/ importable; returns stdout, throws with stderr on failure. */
function python(code: string, env: Record<string, string> = {}): string {
  return execFileSync('python3', ['-c', code], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: [ML, env.PYTHONPATH].filter(Boolean).join(':'), PYTHONDONTWRITEBYTECODE: '1' },
  });
}

// The scripts use the standard library only, except evaluate.py's xgboost import (in the XGBoost container):
// here numpy/pandas/sklearn are not all installed, and xgboost is stubbed below.
describe('ML scripts', () => {
  it('byte-compile', () => {
    const scripts = readdirSync(ML).filter((f) => f.endsWith('.py'));
    expect(scripts.sort()).toEqual(['evaluate.py', 'preprocess.py']);
    const out = spawnSync('python3', ['-c', `import py_compile,sys\nfor f in sys.argv[1:]: py_compile.compile(f, cfile='${work}/x.pyc', doraise=True)`, ...scripts.map((s) => join(ML, s))], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
  });

  it('preprocess splits the shipped sample 70/15/15, label first, the same way every time', () => {
    const run = (out: string) => execFileSync('python3', [join(ML, 'preprocess.py'), '--input-dir', join(ML, 'data'), '--output-dir', out], { encoding: 'utf8' });
    const stdout = run(join(work, 'a'));
    run(join(work, 'b'));
    expect(stdout).toBe('preprocess: train: 420 rows\npreprocess: validation: 90 rows\npreprocess: test: 90 rows\n');
    const train = readFileSync(join(work, 'a', 'train', 'train.csv'), 'utf8');
    expect(train).toBe(readFileSync(join(work, 'b', 'train', 'train.csv'), 'utf8'));
    const first = train.split('\n')[0].split(',');
    expect(first).toHaveLength(11);
    expect(Number.isInteger(Number(first[0]))).toBe(true);
    expect(first.slice(1, 4).map(Number).reduce((a, b) => a + b)).toBe(1);
  });

  it('preprocess encodes rows: one-hot sex then the measurements (the batch sample has that layout)', () => {
    const out = python('import preprocess, json; print(json.dumps([preprocess.FEATURES, preprocess.encode_features("F", ["0.5"] * 7)]))');
    const [features, encoded] = JSON.parse(out);
    expect(features).toEqual(['sex_M', 'sex_F', 'sex_I', 'length', 'diameter', 'height', 'whole_weight', 'shucked_weight', 'viscera_weight', 'shell_weight']);
    expect(encoded).toEqual([0, 1, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    const batch = readFileSync(join(ML, 'data', 'batch', 'abalone-batch.csv'), 'utf8').trim().split('\n');
    expect(batch.every((l) => l.split(',').length === features.length)).toBe(true);
  });

  it('fails when preprocess gets a bad row, naming file and line', () => {
    const input = join(work, 'bad');
    mkdirSync(input, { recursive: true });
    writeFileSync(join(input, 'data.csv'), 'M,0.1,0.1,0.1,0.1,0.1,0.1,0.1,5\nX,0.1,0.1,0.1,0.1,0.1,0.1,0.1,5\n');
    const result = spawnSync('python3', [join(ML, 'preprocess.py'), '--input-dir', input, '--output-dir', join(work, 'bad-out')], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe("preprocess: data.csv:2: sex must be one of M, F, I, got 'X'\n");
  });

  it('evaluate computes MSE, its standard deviation, RMSE, MAE and R²', () => {
    const out = python('import evaluate, json; print(json.dumps(evaluate.regression_report([1.0, 2.0, 3.0], [1.0, 2.0, 5.0])))');
    const m = JSON.parse(out).regression_metrics;
    expect(m.mse.value).toBeCloseTo(4 / 3, 10);
    expect(m.mse.standard_deviation).toBeCloseTo(Math.sqrt(((0 - 4 / 3) ** 2 * 2 + (4 - 4 / 3) ** 2) / 3), 10);
    expect(m.rmse.value).toBeCloseTo(Math.sqrt(4 / 3), 10);
    expect(m.mae.value).toBeCloseTo(2 / 3, 10);
    expect(m.r2.value).toBeCloseTo(1 - 4 / 2, 10);
  });

  it('evaluate writes evaluation.json where the pipeline JsonGet reads regression_metrics.mse.value (xgboost stubbed)', () => {
    // GIVEN a model.tar.gz holding xgboost-model, a test split, and an xgboost stub that predicts 10
    const dir = join(work, 'eval');
    mkdirSync(join(dir, 'model'), { recursive: true });
    mkdirSync(join(dir, 'test'), { recursive: true });
    mkdirSync(join(dir, 'stub'), { recursive: true });
    writeFileSync(join(dir, 'xgboost-model'), 'booster');
    execFileSync('tar', ['-czf', join(dir, 'model', 'model.tar.gz'), '-C', dir, 'xgboost-model']);
    writeFileSync(join(dir, 'test', 'test.csv'), '8,1,0,0,0.5\n12,0,1,0,0.6\n');
    writeFileSync(
      join(dir, 'stub', 'xgboost.py'),
      'class DMatrix:\n    def __init__(self, rows): self.rows = rows\nclass Booster:\n    def load_model(self, path): assert open(path).read() == "booster"\n    def predict(self, m): return [10.0 for _ in m.rows]\n',
    );

    // WHEN
    const stdout = python(
      `import evaluate; evaluate.main(["--model-dir", "${dir}/model", "--test-dir", "${dir}/test", "--output-dir", "${dir}/evaluation"])`,
      { PYTHONPATH: join(dir, 'stub') },
    );

    // THEN
    expect(stdout).toBe('evaluate: mse=4.0000 on 2 rows\n');
    const report = JSON.parse(readFileSync(join(dir, 'evaluation', 'evaluation.json'), 'utf8'));
    expect(report.regression_metrics.mse).toEqual({ value: 4, standard_deviation: 0 });
  });
});
