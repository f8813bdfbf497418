import { Expression, type Json, type ParameterType, type Reference, type ValueType } from './expressions';

/** Options of a pipeline parameter. */
export interface ParameterOptions<T> {
  /**
   * The value an execution gets when it does not pass one.
   *
   * @default - none: every execution must pass a value
   */
  readonly defaultValue?: T;
  /**
   * The only values an execution may pass (the definition's `EnumValues`).
   *
   * @default - any value of the type
   */
  readonly enumValues?: readonly T[];
}

/** A pipeline parameter: declared in `Parameters`, referenced as `{"Get": "Parameters.<name>"}`. */
export abstract class Parameter<T extends string | number | boolean = string | number | boolean> extends Expression {
  abstract readonly type: ParameterType;

  constructor(
    readonly name: string,
    readonly options: ParameterOptions<T> = {},
  ) {
    super();
  }

  get defaultValue(): T | undefined {
    return this.options.defaultValue;
  }

  get valueType(): ValueType {
    return this.type === 'String' ? 'string' : this.type === 'Boolean' ? 'boolean' : 'number';
  }

  toJson(): Json {
    return { Get: `Parameters.${this.name}` };
  }

  references(): Reference[] {
    return [{ kind: 'parameter', name: this.name, parameter: this }];
  }

  /** The declaration in the definition's `Parameters` list. */
  declaration(): Json {
    const out: { [key: string]: Json } = { Name: this.name, Type: this.type };
    if (this.options.defaultValue !== undefined) out.DefaultValue = this.options.defaultValue;
    if (this.options.enumValues !== undefined) out.EnumValues = [...this.options.enumValues];
    return out;
  }
}

export class ParameterString extends Parameter<string> {
  readonly type = 'String' as const;
}

export class ParameterInteger extends Parameter<number> {
  readonly type = 'Integer' as const;
}

export class ParameterFloat extends Parameter<number> {
  readonly type = 'Float' as const;
}

export class ParameterBoolean extends Parameter<boolean> {
  readonly type = 'Boolean' as const;
}

/** True for a declared-parameter object. */
export function isParameter(value: unknown): value is Parameter {
  return value instanceof Parameter;
}
