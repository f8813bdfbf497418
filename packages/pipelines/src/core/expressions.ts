/**
 * The values a pipeline definition computes at run time: parameters, step properties, execution
 * variables, `Std:Join` and `Std:JsonGet`, in the JSON the service reads (the SageMaker Pipelines
 * definition JSON schema, and what the SageMaker Python SDK writes: `{"Get": "Parameters.X"}`,
 * `{"Get": "Steps.X.<path>"}`, `{"Get": "Execution.X"}`, `{"Std:Join": {...}}`, `{"Std:JsonGet": {...}}`).
 */

/** JSON as the definition holds it. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The type of a value, as far as validation can know it before the pipeline runs. */
export type ValueType = 'string' | 'number' | 'boolean' | 'any';

/** Where a rendered expression points, for dependency inference and validation. */
export type Reference =
  | { readonly kind: 'parameter'; readonly name: string; readonly parameter?: ParameterLike }
  | { readonly kind: 'step'; readonly stepName: string; readonly step?: StepLike; readonly path: string }
  | { readonly kind: 'propertyFile'; readonly stepName: string; readonly step?: StepLike; readonly propertyFile: string };

/** What expressions need to know of a step (the class lives in steps.ts). */
export interface StepLike {
  readonly name: string;
}

/** What expressions need to know of a parameter. */
export interface ParameterLike {
  readonly name: string;
  readonly type: ParameterType;
}

export type ParameterType = 'String' | 'Integer' | 'Float' | 'Boolean';

const EXPRESSION = Symbol.for('@sagemaker-mlops/pipelines.Expression');

/** A value computed when the pipeline runs. */
export abstract class Expression {
  /** @internal */
  readonly [EXPRESSION] = true;

  /** The definition JSON of this value. */
  abstract toJson(): Json;

  /** What this value refers to. */
  abstract references(): Reference[];

  /** The type the value has at run time, `any` when it cannot be known before. */
  abstract get valueType(): ValueType;

  /** JSON.stringify support: an expression serializes to its definition JSON. */
  toJSON(): Json {
    return this.toJson();
  }
}

/** True for a run-time value of this package (also across two copies of the package). */
export function isExpression(value: unknown): value is Expression {
  return typeof value === 'object' && value !== null && (value as { [EXPRESSION]?: boolean })[EXPRESSION] === true;
}

/** A literal or a run-time value. */
export type Value<T extends string | number | boolean = string | number | boolean> = T | Expression;

/** A literal string, or any run-time value (parameters, properties, `Join`, placeholders). */
export type StringValue = Value<string>;
export type NumberValue = Value<number>;
export type BooleanValue = Value<boolean>;

/** `{"Get": "Steps.<step>.<path>"}`: a property of a step, i.e. a member of its Describe* response. */
export class StepProperty extends Expression {
  constructor(
    /** The step, or its name when referenced by name. */
    readonly step: StepLike | string,
    /** The path inside the step's properties, e.g. `ModelArtifacts.S3ModelArtifacts`. */
    readonly path: string,
    private readonly type: ValueType = 'any',
  ) {
    super();
  }
  get stepName(): string {
    return typeof this.step === 'string' ? this.step : this.step.name;
  }
  get valueType(): ValueType {
    return this.type;
  }
  toJson(): Json {
    return { Get: `Steps.${this.stepName}.${this.path}` };
  }
  references(): Reference[] {
    return [{ kind: 'step', stepName: this.stepName, step: typeof this.step === 'string' ? undefined : this.step, path: this.path }];
  }
}

/** Step properties referenced by step name: `Steps.get('TrainModel', 'ModelArtifacts.S3ModelArtifacts')`. */
export const Steps = {
  get(stepName: string, path: string): StepProperty {
    return new StepProperty(stepName, path);
  },
};

/** `{"Get": "Parameters.<name>"}` of a parameter known only by name (validated against the declared ones). */
export class ParameterReference extends Expression {
  constructor(readonly name: string) {
    super();
  }
  get valueType(): ValueType {
    return 'any';
  }
  toJson(): Json {
    return { Get: `Parameters.${this.name}` };
  }
  references(): Reference[] {
    return [{ kind: 'parameter', name: this.name }];
  }
}

/** Parameters referenced by name: `Parameters.get('MseThreshold')`. */
export const Parameters = {
  get(name: string): ParameterReference {
    return new ParameterReference(name);
  },
};

/** `{"Get": "Execution.<name>"}`: the variables every execution has. */
export class ExecutionVariable extends Expression {
  static readonly PIPELINE_NAME = new ExecutionVariable('PipelineName');
  static readonly PIPELINE_ARN = new ExecutionVariable('PipelineArn');
  static readonly PIPELINE_EXECUTION_ID = new ExecutionVariable('PipelineExecutionId');
  static readonly PIPELINE_EXECUTION_ARN = new ExecutionVariable('PipelineExecutionArn');
  static readonly START_DATETIME = new ExecutionVariable('StartDateTime');
  static readonly CURRENT_DATETIME = new ExecutionVariable('CurrentDateTime');

  private constructor(readonly name: string) {
    super();
  }
  get valueType(): ValueType {
    return 'string';
  }
  toJson(): Json {
    return { Get: `Execution.${this.name}` };
  }
  references(): Reference[] {
    return [];
  }
}

/** The execution variables, as in the SageMaker Python SDK's `ExecutionVariables`. */
export const ExecutionVariables = {
  PIPELINE_NAME: ExecutionVariable.PIPELINE_NAME,
  PIPELINE_ARN: ExecutionVariable.PIPELINE_ARN,
  PIPELINE_EXECUTION_ID: ExecutionVariable.PIPELINE_EXECUTION_ID,
  PIPELINE_EXECUTION_ARN: ExecutionVariable.PIPELINE_EXECUTION_ARN,
  START_DATETIME: ExecutionVariable.START_DATETIME,
  CURRENT_DATETIME: ExecutionVariable.CURRENT_DATETIME,
} as const;

/** `{"Std:Join": {"On": <separator>, "Values": [...]}}`: a string built when the pipeline runs. */
export class Join extends Expression {
  constructor(
    readonly on: string,
    readonly values: ReadonlyArray<Value>,
  ) {
    super();
  }
  static of(on: string, ...values: Value[]): Join {
    return new Join(on, values);
  }
  get valueType(): ValueType {
    return 'string';
  }
  toJson(): Json {
    return { 'Std:Join': { On: this.on, Values: this.values.map(renderValue) } };
  }
  references(): Reference[] {
    return this.values.flatMap((v) => (isExpression(v) ? v.references() : []));
  }
}

/** A JSON file a processing step writes into one of its outputs, read by `JsonGet`. */
export class PropertyFile {
  constructor(
    /** The name `JsonGet` refers to (PropertyFileName). */
    readonly name: string,
    /** The processing output the file is written to (OutputName). */
    readonly outputName: string,
    /** The file's path relative to the output's local path (FilePath). */
    readonly path: string,
  ) {}

  toJson(): Json {
    return { PropertyFileName: this.name, OutputName: this.outputName, FilePath: this.path };
  }
}

/** `{"Std:JsonGet": {"PropertyFile": {"Get": "Steps.<step>.PropertyFiles.<file>"}, "Path": <json path>}}`. */
export class JsonGet extends Expression {
  constructor(
    readonly step: StepLike | string,
    readonly propertyFile: PropertyFile | string,
    readonly jsonPath: string,
  ) {
    super();
  }
  get stepName(): string {
    return typeof this.step === 'string' ? this.step : this.step.name;
  }
  get fileName(): string {
    return typeof this.propertyFile === 'string' ? this.propertyFile : this.propertyFile.name;
  }
  get valueType(): ValueType {
    return 'any';
  }
  toJson(): Json {
    return { 'Std:JsonGet': { PropertyFile: { Get: `Steps.${this.stepName}.PropertyFiles.${this.fileName}` }, Path: this.jsonPath } };
  }
  references(): Reference[] {
    return [
      { kind: 'propertyFile', stepName: this.stepName, step: typeof this.step === 'string' ? undefined : this.step, propertyFile: this.fileName },
    ];
  }
}

/** The JSON of a literal or expression. */
export function renderValue(value: Value): Json {
  return isExpression(value) ? value.toJson() : value;
}

/** The type of a literal or expression. */
export function valueTypeOf(value: unknown): ValueType {
  if (isExpression(value)) return value.valueType;
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  return 'any';
}

/** Every expression inside a JSON-like tree of literals and expressions, with its JSON path. */
export function collectExpressions(tree: unknown, path = ''): Array<{ path: string; expression: Expression }> {
  if (isExpression(tree)) return [{ path, expression: tree }];
  if (Array.isArray(tree)) return tree.flatMap((item, i) => collectExpressions(item, `${path}[${i}]`));
  if (typeof tree === 'object' && tree !== null && !(tree instanceof PropertyFile)) {
    return Object.entries(tree).flatMap(([k, v]) => collectExpressions(v, path ? `${path}.${k}` : k));
  }
  return [];
}

/** A JSON-like tree of literals and expressions, rendered: expressions become their definition JSON, undefined members are dropped. */
export function renderTree(tree: unknown): Json {
  if (isExpression(tree)) return tree.toJson();
  if (Array.isArray(tree)) return tree.filter((v) => v !== undefined).map(renderTree);
  if (tree instanceof PropertyFile) return tree.toJson();
  if (typeof tree === 'object' && tree !== null) {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(tree)) if (v !== undefined) out[k] = renderTree(v);
    return out;
  }
  return tree as Json;
}
