import { SAGEMAKER_MODEL } from '../data/sagemaker-model';
import type { ShapeTree } from '../data/model-types';
import { ExecutionVariables, isExpression, type Json, type Reference, StepProperty, type StringValue, type ValueType, valueTypeOf } from './expressions';
import { isParameter, type Parameter } from './parameters';
import { placeholdersIn } from './placeholders';
import { ConditionStep, FailStep, ProcessingStep, type Step } from './steps';

/** The definition schema version the service reads. */
export const DEFINITION_VERSION = '2020-12-01';

/** Experiment tracking of the executions (`PipelineExperimentConfig`). */
export interface ExperimentConfig {
  readonly experimentName: StringValue;
  readonly trialName: StringValue;
}

export interface PipelineProps {
  /** The pipeline name (PipelineName: 1-256 of `[a-zA-Z0-9-]`, starting and ending alphanumeric). */
  readonly name: string;
  /** @default - none */
  readonly parameters?: readonly Parameter[];
  /** The top-level steps; the steps of Condition branches are given in their Condition step. */
  readonly steps: readonly Step[];
  /**
   * Experiment tracking; `null` leaves it out.
   *
   * @default - experiment = the pipeline name, trial = the execution id (as the SageMaker Python SDK does)
   */
  readonly experimentConfig?: ExperimentConfig | null;
}

/** One problem found while building a definition. */
export interface ValidationProblem {
  /** The step the problem is in; undefined for the pipeline itself. */
  readonly step?: string;
  /** The field, e.g. `Arguments.ResourceConfig.InstanceType` or `Parameters.MseThreshold`. */
  readonly field: string;
  readonly message: string;
}

/** Every problem of a definition, in one error. */
export class PipelineValidationError extends Error {
  constructor(
    readonly pipelineName: string,
    readonly problems: readonly ValidationProblem[],
  ) {
    super(
      `Pipeline ${pipelineName} is not valid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.step !== undefined ? `step ${p.step}, ` : ''}${p.field}: ${p.message}`).join('\n'),
    );
    this.name = 'PipelineValidationError';
  }
}

/** The JSON pipeline definition, as CreatePipeline, UpdatePipeline and AWS::SageMaker::Pipeline take it. */
export interface PipelineDefinition {
  readonly Version: string;
  readonly Metadata: Record<string, never>;
  readonly Parameters: Json[];
  readonly PipelineExperimentConfig: Json | null;
  readonly Steps: Json[];
}

const PROPERTY_MODELS: Partial<Record<string, ShapeTree>> = SAGEMAKER_MODEL.properties;

function fullMatch(pattern: string, value: string): boolean {
  return new RegExp(`^(?:${pattern})$`).test(value);
}

/** Parses `A.B['x'].C[0]` into `['A', 'B', {key: 'x'}, 'C', {index: 0}]`; undefined when malformed. */
function parsePath(path: string): Array<string | { key: string } | { index: number }> | undefined {
  const tokens: Array<string | { key: string } | { index: number }> = [];
  const re = /([A-Za-z0-9_]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]|(\.)/gy;
  let m: RegExpExecArray | null;
  let expectName = true;
  while (re.lastIndex < path.length) {
    m = re.exec(path);
    if (m === null) return undefined;
    if (m[1] !== undefined) {
      if (!expectName) return undefined;
      tokens.push(m[1]);
      expectName = false;
    } else if (m[2] !== undefined) tokens.push({ index: Number(m[2]) });
    else if (m[3] !== undefined || m[4] !== undefined) tokens.push({ key: (m[3] ?? m[4])! });
    else expectName = true;
  }
  return tokens.length > 0 && !expectName ? tokens : undefined;
}

/** The type at `path` in a Describe* response shape, or an error message. */
function resolveProperty(tree: ShapeTree, path: string): { type: ValueType } | { error: string } {
  const tokens = parsePath(path);
  if (!tokens) return { error: `malformed property path '${path}'` };
  let node: ShapeTree = tree;
  for (const token of tokens) {
    if (node === 'any') return { type: 'any' };
    if (typeof token === 'string') {
      if (typeof node !== 'object' || !('s' in node)) return { error: `'${token}' is not a member of a structure in '${path}'` };
      const next: ShapeTree | undefined = node.s[token];
      if (next === undefined) return { error: `'${token}' is not a property (known here: ${Object.keys(node.s).slice(0, 12).join(', ')}...) in '${path}'` };
      node = next;
    } else if ('index' in token) {
      if (typeof node !== 'object' || !('l' in node)) return { error: `[${token.index}] indexes something that is not a list in '${path}'` };
      node = node.l;
    } else {
      // Lists are indexed by the item's name too (Outputs['evaluation']), maps by key.
      if (typeof node === 'object' && 'l' in node) node = node.l;
      else if (typeof node === 'object' && 'm' in node) node = node.m;
      else return { error: `['${token.key}'] indexes something that is neither a list nor a map in '${path}'` };
    }
  }
  if (typeof node === 'object') return { error: `'${path}' is a ${'s' in node ? 'structure' : 'list or map'}, not a value` };
  return { type: node === 'number' ? 'number' : node === 'boolean' ? 'boolean' : node === 'string' || node === 'timestamp' ? 'string' : 'any' };
}

/** A SageMaker pipeline: parameters and steps, rendered to the definition JSON after validation. */
export class Pipeline {
  readonly name: string;
  readonly parameters: readonly Parameter[];
  readonly steps: readonly Step[];

  constructor(readonly props: PipelineProps) {
    this.name = props.name;
    this.parameters = props.parameters ?? [];
    this.steps = props.steps;
  }

  /** Every step, the Condition branches' included, depth first. */
  allSteps(): Step[] {
    const out: Step[] = [];
    const visit = (s: Step) => {
      out.push(s);
      s.children().forEach(visit);
    };
    this.steps.forEach(visit);
    return out;
  }

  /**
   * The steps each step runs after: those whose properties or property files it references,
   * those it names in `dependsOn`, and the Condition step a branch step belongs to.
   */
  dependencies(): Record<string, string[]> {
    const deps: Record<string, Set<string>> = {};
    const add = (from: string, to: string) => (deps[from] ??= new Set()).add(to);
    const visit = (s: Step, parent?: Step) => {
      deps[s.name] ??= new Set();
      if (parent) add(s.name, parent.name);
      for (const d of s.explicitDependencies) add(s.name, d);
      for (const { expression } of s.expressions()) {
        for (const r of expression.references()) if (r.kind !== 'parameter') add(s.name, r.stepName);
      }
      s.children().forEach((c) => visit(c, s));
    };
    this.steps.forEach((s) => visit(s));
    return Object.fromEntries(Object.entries(deps).map(([k, v]) => [k, [...v].sort()]));
  }

  /** Every problem of the pipeline; empty when it is valid. */
  validate(): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const problem = (step: string | undefined, field: string, message: string) => problems.push({ step, field, message });
    const names = SAGEMAKER_MODEL.names;

    if (this.name.length < names.PipelineName.min || this.name.length > names.PipelineName.max || !fullMatch(names.PipelineName.pattern, this.name)) {
      problem(
        undefined,
        'PipelineName',
        `'${this.name}' must be ${names.PipelineName.min}-${names.PipelineName.max} letters, digits and hyphens, starting and ending with a letter or digit (pattern ${names.PipelineName.pattern})`,
      );
    }

    const declared = new Map<string, Parameter>();
    for (const p of this.parameters) {
      const field = `Parameters.${p.name}`;
      if (declared.has(p.name)) problem(undefined, field, `parameter ${p.name} is declared twice`);
      declared.set(p.name, p);
      const c = names.PipelineParameterName;
      if (p.name.length < c.min || p.name.length > c.max || !fullMatch(c.pattern, p.name)) {
        problem(undefined, field, `parameter name must be ${c.min}-${c.max} of [A-Za-z0-9_-]`);
      }
      const values = [...(p.defaultValue !== undefined ? [p.defaultValue] : []), ...(p.options.enumValues ?? [])];
      for (const v of values) {
        const t = valueTypeOf(v);
        if (t !== p.valueType || (p.type === 'Integer' && !Number.isInteger(v))) {
          problem(undefined, field, `${JSON.stringify(v)} is not a value of a ${p.type} parameter`);
        }
      }
      if (p.defaultValue !== undefined && p.options.enumValues !== undefined && !p.options.enumValues.includes(p.defaultValue)) {
        problem(undefined, `${field}.DefaultValue`, `${JSON.stringify(p.defaultValue)} is not one of the EnumValues ${JSON.stringify(p.options.enumValues)}`);
      }
    }

    const all = this.allSteps();
    const byName = new Map<string, Step>();
    for (const s of all) {
      const c = names.StepName;
      if (s.name.length === 0 || s.name.length > c.max || !fullMatch(c.pattern, s.name)) {
        problem(s.name, 'Name', `step name must be 1-${c.max} of [A-Za-z0-9_-] (StepName pattern ${c.pattern})`);
      }
      if (byName.has(s.name)) {
        if (byName.get(s.name) !== s) problem(s.name, 'Name', `two steps are named ${s.name}`);
        else problem(s.name, 'Name', `step ${s.name} appears twice in the pipeline`);
      }
      byName.set(s.name, s);
    }

    const typeOf = (value: unknown): ValueType => {
      if (value instanceof StepProperty) {
        const target = byName.get(value.stepName);
        const model = target && PROPERTY_MODELS[target.type];
        if (!model) return 'any';
        const resolved = resolveProperty(model, value.path);
        return 'type' in resolved ? resolved.type : 'any';
      }
      return valueTypeOf(value);
    };

    const checkReference = (s: Step, field: string, r: Reference) => {
      if (r.kind === 'parameter') {
        const d = declared.get(r.name);
        if (!d) {
          problem(s.name, field, r.parameter ? `parameter ${r.name} is used but not declared in the pipeline's parameters` : `unknown parameter ${r.name}`);
        } else if (r.parameter && r.parameter.type !== d.type) {
          problem(s.name, field, `parameter ${r.name} is used as ${r.parameter.type} but declared as ${d.type}`);
        }
        return;
      }
      const target = byName.get(r.stepName);
      if (!target) {
        problem(s.name, field, `unknown step ${r.stepName}${r.step ? ' (the step is not part of the pipeline)' : ''}`);
        return;
      }
      if (r.step && r.step !== target) problem(s.name, field, `step ${r.stepName} is not the step of that name in the pipeline`);
      if (target === s) {
        problem(s.name, field, 'a step cannot reference itself');
        return;
      }
      if (r.kind === 'propertyFile') {
        if (!(target instanceof ProcessingStep)) {
          problem(s.name, field, `step ${r.stepName} is a ${target.type} step; only Processing steps have property files`);
        } else if (!target.propertyFiles.some((f) => f.name === r.propertyFile)) {
          problem(s.name, field, `step ${r.stepName} has no property file ${r.propertyFile} (it has: ${target.propertyFiles.map((f) => f.name).join(', ') || 'none'})`);
        }
        return;
      }
      if (target instanceof ConditionStep) {
        if (r.path !== 'Outcome') problem(s.name, field, `unknown property ${r.path} of Condition step ${r.stepName} (it has: Outcome)`);
        return;
      }
      const model = PROPERTY_MODELS[target.type];
      if (!model) {
        problem(s.name, field, `step ${r.stepName} is a ${target.type} step, which has no properties`);
        return;
      }
      const resolved = resolveProperty(model, r.path);
      if ('error' in resolved) problem(s.name, field, `unknown property of ${target.type} step ${r.stepName}: ${resolved.error}`);
    };

    for (const s of all) {
      for (const { path, expression } of s.expressions()) {
        for (const r of expression.references()) checkReference(s, path, r);
      }
      for (const d of s.explicitDependencies) {
        if (!byName.has(d)) problem(s.name, 'DependsOn', `unknown step ${d}`);
        else if (d === s.name) problem(s.name, 'DependsOn', 'a step cannot depend on itself');
      }
      if (s instanceof FailStep) {
        const m = s.props.errorMessage;
        if (m === undefined || (typeof m === 'string' && m.trim() === '')) problem(s.name, 'Arguments.ErrorMessage', 'a Fail step needs an error message');
      }
      if (s instanceof ConditionStep) {
        if (s.props.conditions.length === 0) problem(s.name, 'Arguments.Conditions', 'a Condition step needs at least one condition');
        s.props.conditions.forEach((c, i) => {
          for (const o of c.operands()) {
            if (!o.numeric) continue;
            const t = typeOf(o.value);
            if (t !== 'number' && t !== 'any') {
              problem(
                s.name,
                `Arguments.Conditions[${i}].${o.field}`,
                `${c.type} compares numbers, but ${isExpression(o.value) ? JSON.stringify(o.value.toJson()) : JSON.stringify(o.value)} is a ${t}`,
              );
            }
          }
        });
      }
      for (const { field, value, kind } of s.instanceTypeFields()) {
        const allowed = SAGEMAKER_MODEL.instanceTypes[kind];
        const candidates: Array<{ v: unknown; where: string }> = isParameter(value)
          ? [
              ...(value.defaultValue !== undefined ? [{ v: value.defaultValue, where: `the default of parameter ${value.name}` }] : []),
              ...(value.options.enumValues ?? []).map((v) => ({ v, where: `an EnumValue of parameter ${value.name}` })),
            ]
          : isExpression(value)
            ? []
            : [{ v: value, where: 'the value' }];
        for (const { v, where } of candidates) {
          if (typeof v !== 'string' || !v.startsWith('ml.')) {
            problem(s.name, field, `${where}, ${JSON.stringify(v)}, is not an ml. instance type`);
          } else if (!allowed.includes(v)) {
            problem(s.name, field, `${where}, ${v}, is not ${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind} instance type (botocore ${kind === 'Inference' ? 'ProductionVariant' : kind}InstanceType)`);
          }
        }
      }
      // CacheConfig.ExpireAfter is an ISO 8601 duration (SageMaker Pipelines developer guide, "Caching pipeline steps").
      if (s.cache && !/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/.test(s.cache.expireAfter)) {
        problem(s.name, 'CacheConfig.ExpireAfter', `'${s.cache.expireAfter}' is not an ISO 8601 duration (e.g. PT12H, P30D)`);
      }
      s.retryPolicies.forEach((policy, i) => {
        const field = `RetryPolicies[${i}]`;
        if (policy.maxAttempts !== undefined && policy.expireAfterMinutes !== undefined) {
          problem(s.name, field, 'maxAttempts and expireAfterMinutes are exclusive');
        }
        if (policy.exceptionTypes.length === 0) problem(s.name, field, 'a retry policy needs at least one exception type');
      });
    }

    // Cycles: the service runs the steps as a DAG.
    const deps = this.dependencies();
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles = new Set<string>();
    const walk = (n: string, trail: string[]) => {
      if (state.get(n) === 'done') return;
      if (state.get(n) === 'visiting') {
        cycles.add([...trail.slice(trail.indexOf(n)), n].join(' -> '));
        return;
      }
      state.set(n, 'visiting');
      for (const d of deps[n] ?? []) if (byName.has(d)) walk(d, [...trail, n]);
      state.set(n, 'done');
    };
    Object.keys(deps).forEach((n) => walk(n, []));
    for (const c of cycles) problem(c.split(' -> ')[0], 'DependsOn', `dependency cycle ${c}`);

    return problems;
  }

  /** The definition object; throws a {@link PipelineValidationError} listing every problem. */
  definition(): PipelineDefinition {
    const problems = this.validate();
    if (problems.length > 0) throw new PipelineValidationError(this.name, problems);
    const experiment =
      this.props.experimentConfig === null
        ? null
        : (this.props.experimentConfig ?? { experimentName: ExecutionVariables.PIPELINE_NAME, trialName: ExecutionVariables.PIPELINE_EXECUTION_ID });
    return {
      Version: DEFINITION_VERSION,
      Metadata: {},
      Parameters: this.parameters.map((p) => p.declaration()),
      PipelineExperimentConfig:
        experiment === null
          ? null
          : {
              ExperimentName: isExpression(experiment.experimentName) ? experiment.experimentName.toJson() : experiment.experimentName,
              TrialName: isExpression(experiment.trialName) ? experiment.trialName.toJson() : experiment.trialName,
            },
      Steps: this.steps.map((s) => s.toJson()),
    };
  }

  /** The definition as the JSON string the API takes; fails while it holds placeholders (see renderDefinition). */
  render(indent?: number): string {
    const body = JSON.stringify(this.definition(), undefined, indent);
    const placeholders = placeholdersIn(body);
    if (placeholders.length > 0) {
      throw new Error(`Pipeline ${this.name}: no value for the placeholder(s) ${placeholders.join(', ')}; use renderDefinition with substitutions, or renderForCloudFormation`);
    }
    return body;
  }
}
