import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { nagNotation } from '../../nag';

/** A statement whose wildcard resources are acceptable, and why. */
export interface JustifiedStatement {
  readonly statement: iam.PolicyStatement;
  /** Why the statement cannot name its resources more narrowly (the AWS limitation). */
  readonly reason: string;
}

/**
 * Acknowledges the AwsSolutions-IAM5 finding of each wildcard resource of the given statements on the one
 * role whose inline policy holds them. Findings of statements not listed here still fail the nag check.
 */
export function acknowledgeWildcardResources(role: iam.Role, justified: JustifiedStatement[]): void {
  const resource = role.node.defaultChild as CfnResource;
  const stack = Stack.of(role);
  const reasons = new Map<string, string[]>();
  for (const { statement, reason } of justified) {
    for (const arn of statement.resources) {
      const notation = nagNotation(stack.resolve(arn));
      if (!notation.includes('*')) continue;
      const id = `AwsSolutions-IAM5[Resource::${notation}]`;
      reasons.set(id, [...(reasons.get(id) ?? []), reason]);
    }
  }
  for (const [id, why] of reasons) Validations.of(resource).acknowledge({ id, reason: why.join(' ') });
}
