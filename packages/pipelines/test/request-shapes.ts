import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Tree = string | { s: Record<string, Tree>; r: string[] } | { l: Tree } | { m: Tree };

/** Request shapes of CreateProcessingJob, CreateTrainingJob, ... from the botocore model (scripts/sagemaker-model.py). */
export const REQUEST_SHAPES: Record<string, Tree> = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'request-shapes.json'), 'utf8'));

/** The field the service names itself: a step's Arguments carry no job name. */
const NAMED_BY_SERVICE: Record<string, string[]> = {
  Processing: ['ProcessingJobName'],
  Training: ['TrainingJobName'],
  Model: ['ModelName'],
  RegisterModel: [],
  Transform: ['TransformJobName'],
};

function isRunTimeValue(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && ['Get', 'Std:Join', 'Std:JsonGet'].some((k) => k in value);
}

/** Problems of `args` as a request of the step type's API call: unknown members, missing required ones, wrong scalar types. */
export function requestProblems(stepType: string, args: unknown): string[] {
  const problems: string[] = [];
  const walk = (tree: Tree, value: unknown, path: string, top: boolean) => {
    if (isRunTimeValue(value) || tree === 'any') return;
    if (typeof tree === 'string') {
      const t = tree === 'number' ? 'number' : tree === 'boolean' ? 'boolean' : 'string';
      if (typeof value !== t) problems.push(`${path}: ${JSON.stringify(value)} is not a ${tree}`);
      return;
    }
    if ('s' in tree) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problems.push(`${path}: not a structure`);
        return;
      }
      for (const [k, v] of Object.entries(value)) {
        if (!(k in tree.s)) problems.push(`${path}.${k}: not a member`);
        else walk(tree.s[k], v, `${path}.${k}`, false);
      }
      for (const r of tree.r) {
        if (top && NAMED_BY_SERVICE[stepType].includes(r)) continue;
        if (!(r in value)) problems.push(`${path}.${r}: required`);
      }
      return;
    }
    if ('l' in tree) {
      if (!Array.isArray(value)) problems.push(`${path}: not a list`);
      else value.forEach((v, i) => walk(tree.l, v, `${path}[${i}]`, false));
      return;
    }
    if (typeof value !== 'object' || value === null) problems.push(`${path}: not a map`);
    else for (const [k, v] of Object.entries(value)) walk(tree.m, v, `${path}.${k}`, false);
  };
  walk(REQUEST_SHAPES[stepType], args, 'Arguments', true);
  return problems;
}
