import { CfnCondition, Fn, ICfnConditionExpression } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * SageMaker hosting instance families whose volumes are local NVMe instance storage, encrypted by the
 * instance's hardware module. CreateEndpointConfig fails when a KMS key is requested for them.
 */
export const INSTANCE_STORAGE_FAMILIES: readonly string[] = [
  'c5d', 'c6gd', 'c6id', 'g4dn', 'g5', 'g6', 'g6e', 'gr6', 'm5d', 'm6gd', 'm6id', 'p3dn', 'p4d', 'p4de',
  'p5', 'p5e', 'p5en', 'p6-b200', 'r5d', 'r6gd', 'r6id', 'trn1', 'trn1n', 'trn2',
];

// Fn::Or takes at most 10 conditions.
const MAX_OR_OPERANDS = 10;

function anyOf(conditions: ICfnConditionExpression[]): ICfnConditionExpression {
  if (conditions.length === 1) return conditions[0];
  if (conditions.length <= MAX_OR_OPERANDS) return Fn.conditionOr(...conditions);
  const groups: ICfnConditionExpression[] = [];
  for (let i = 0; i < conditions.length; i += MAX_OR_OPERANDS) {
    groups.push(anyOf(conditions.slice(i, i + MAX_OR_OPERANDS)));
  }
  return anyOf(groups);
}

/**
 * A condition that holds when the instance type (`ml.<family>.<size>`, known only at deploy time) belongs
 * to one of `families`.
 */
export function instanceFamilyCondition(
  scope: Construct,
  id: string,
  instanceType: string,
  families: readonly string[],
): CfnCondition {
  const family = Fn.select(1, Fn.split('.', instanceType));
  const expression =
    families.length === 0
      ? Fn.conditionEquals('true', 'false')
      : anyOf([...new Set(families)].map((f) => Fn.conditionEquals(family, f)));
  return new CfnCondition(scope, id, { expression });
}
