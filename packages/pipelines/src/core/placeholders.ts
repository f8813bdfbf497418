import { Expression, type Json, type Reference, type ValueType } from './expressions';
import type { Pipeline } from './pipeline';

const MARKER = /@@sagemaker-mlops-placeholder:([A-Za-z0-9]+)@@/g;

/**
 * An account-specific value (role, bucket, KMS key, subnet, security group) left out of the definition
 * and filled in where it is deployed: by {@link renderForCloudFormation} as an `Fn::Sub` variable, or by
 * {@link renderDefinition} from `substitutions`. Placeholders also work inside template strings:
 * `` `s3://${bucket}/data` ``.
 */
export class Placeholder extends Expression {
  private constructor(readonly name: string) {
    super();
  }

  /** A placeholder named like an `Fn::Sub` variable (letters and digits). */
  static of(name: string): Placeholder {
    if (!/^[A-Za-z0-9]+$/.test(name)) throw new Error(`Placeholder name must be letters and digits (an Fn::Sub variable), got '${name}'`);
    return new Placeholder(name);
  }

  get valueType(): ValueType {
    return 'string';
  }
  toJson(): Json {
    return this.toString();
  }
  references(): Reference[] {
    return [];
  }
  toString(): string {
    return `@@sagemaker-mlops-placeholder:${this.name}@@`;
  }
}

/** The placeholders a rendered definition holds. */
export function placeholdersIn(body: string): string[] {
  return [...new Set([...body.matchAll(MARKER)].map((m) => m[1]))].sort();
}

export interface RenderOptions {
  /** Values of the placeholders. @default - none: the definition must hold no placeholder */
  readonly substitutions?: Readonly<Record<string, string>>;
  /** JSON indentation. @default - none */
  readonly indent?: number;
}

/** The definition JSON string for CreatePipeline/UpdatePipeline, placeholders filled in. */
export function renderDefinition(pipeline: Pipeline, options: RenderOptions = {}): string {
  const body = JSON.stringify(pipeline.definition(), undefined, options.indent);
  const substitutions = options.substitutions ?? {};
  const missing = placeholdersIn(body).filter((n) => substitutions[n] === undefined);
  if (missing.length > 0) {
    throw new Error(`Pipeline ${pipeline.name}: no value for the placeholder(s) ${missing.join(', ')}; pass substitutions, or render for CloudFormation`);
  }
  // Inside a JSON string: the value is escaped as JSON string content.
  return body.replace(MARKER, (_, name: string) => JSON.stringify(substitutions[name]).slice(1, -1));
}

/**
 * The definition as a CloudFormation value, `{"Fn::Sub": [body, variables]}`, for
 * `AWS::SageMaker::Pipeline` `PipelineDefinition.PipelineDefinitionBody`. Placeholders become
 * `${Name}`; every literal `${` of the definition is written `${!`, which Fn::Sub turns back into `${`
 * (AWS CloudFormation Template Reference, "Fn::Sub": "To write a dollar sign and curly braces (${})
 * literally, add an exclamation point (!) after the open curly brace, such as ${!Literal}").
 *
 * @param variables the value of each placeholder: a string or any CloudFormation intrinsic (`{Ref: ...}`).
 */
export function renderForCloudFormation(pipeline: Pipeline, variables: Readonly<Record<string, unknown>>): { 'Fn::Sub': [string, Record<string, unknown>] } {
  const body = JSON.stringify(pipeline.definition());
  const used = placeholdersIn(body);
  const missing = used.filter((n) => variables[n] === undefined);
  if (missing.length > 0) throw new Error(`Pipeline ${pipeline.name}: no CloudFormation value for the placeholder(s) ${missing.join(', ')}`);
  const unused = Object.keys(variables).filter((n) => !used.includes(n));
  if (unused.length > 0) throw new Error(`Pipeline ${pipeline.name}: the definition has no placeholder ${unused.join(', ')}`);
  const escaped = body.split('${').join('${!').replace(MARKER, (_, name: string) => `\${${name}}`);
  return { 'Fn::Sub': [escaped, Object.fromEntries(used.map((n) => [n, variables[n]]))] };
}
