import { type Json, renderValue, type Value } from './expressions';

/** The comparison types that order their operands (the service compares numbers). */
export const NUMERIC_COMPARISONS = new Set(['GreaterThan', 'GreaterThanOrEqualTo', 'LessThan', 'LessThanOrEqualTo']);

/** A condition of a Condition step, rendered as the definition's `Conditions` items. */
export abstract class Condition {
  abstract readonly type: string;
  abstract toJson(): Json;
  /** The operands, with their field names, for validation and dependency inference. */
  abstract operands(): Array<{ field: string; value: Value; numeric: boolean }>;
}

class Comparison extends Condition {
  constructor(
    readonly type: string,
    readonly left: Value,
    readonly right: Value,
  ) {
    super();
  }
  toJson(): Json {
    return { Type: this.type, LeftValue: renderValue(this.left), RightValue: renderValue(this.right) };
  }
  operands() {
    const numeric = NUMERIC_COMPARISONS.has(this.type);
    return [
      { field: 'LeftValue', value: this.left, numeric },
      { field: 'RightValue', value: this.right, numeric },
    ];
  }
}

/** `{"Type": "In", "QueryValue": ..., "Values": [...]}`. */
class InCondition extends Condition {
  readonly type = 'In';
  constructor(
    readonly query: Value,
    readonly values: readonly Value[],
  ) {
    super();
  }
  toJson(): Json {
    return { Type: 'In', QueryValue: renderValue(this.query), Values: this.values.map(renderValue) };
  }
  operands() {
    return [
      { field: 'QueryValue', value: this.query, numeric: false },
      ...this.values.map((value, i) => ({ field: `Values[${i}]`, value, numeric: false })),
    ];
  }
}

/** `{"Type": "Not", "Expression": <condition>}`. */
class NotCondition extends Condition {
  readonly type = 'Not';
  constructor(readonly expression: Condition) {
    super();
  }
  toJson(): Json {
    return { Type: 'Not', Expression: this.expression.toJson() };
  }
  operands() {
    return this.expression.operands().map((o) => ({ ...o, field: `Expression.${o.field}` }));
  }
}

/** `{"Type": "Or", "Conditions": [...]}`. */
class OrCondition extends Condition {
  readonly type = 'Or';
  constructor(readonly conditions: readonly Condition[]) {
    super();
  }
  toJson(): Json {
    return { Type: 'Or', Conditions: this.conditions.map((c) => c.toJson()) };
  }
  operands() {
    return this.conditions.flatMap((c, i) => c.operands().map((o) => ({ ...o, field: `Conditions[${i}].${o.field}` })));
  }
}

/** The condition factories, named as in the SageMaker Python SDK (`ConditionEquals`, ...). */
export const Conditions = {
  equals: (left: Value, right: Value): Condition => new Comparison('Equals', left, right),
  greaterThan: (left: Value, right: Value): Condition => new Comparison('GreaterThan', left, right),
  greaterThanOrEqualTo: (left: Value, right: Value): Condition => new Comparison('GreaterThanOrEqualTo', left, right),
  lessThan: (left: Value, right: Value): Condition => new Comparison('LessThan', left, right),
  lessThanOrEqualTo: (left: Value, right: Value): Condition => new Comparison('LessThanOrEqualTo', left, right),
  in: (query: Value, values: readonly Value[]): Condition => new InCondition(query, values),
  not: (condition: Condition): Condition => new NotCondition(condition),
  or: (...conditions: Condition[]): Condition => new OrCondition(conditions),
};
