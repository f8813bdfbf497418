import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

// IAM policy names, optionally preceded by a path, as IAM accepts them.
const POLICY_NAME = /^[\w+=,.@-]+(\/[\w+=,.@-]+)*$/;
const POLICY_ARN = /^arn:[^:]+:iam::(\d{12}|aws):policy\/.+$/;
const IMPORT_ID = 'PermissionsBoundaryPolicy';

/**
 * The managed policy to use as permissions boundary: give exactly one of `name` and `arn`.
 */
export interface PermissionsBoundaryRef {
  /**
   * Name (optionally with its path, `path/name`) of a customer managed policy in the account of the stack.
   *
   * @default - use `arn`
   */
  readonly name?: string;
  /**
   * ARN of the managed policy.
   *
   * @default - use `name`
   */
  readonly arn?: string;
}

/**
 * Sets the managed policy as permissions boundary of every IAM role and user under `scope`, including those
 * that CDK creates implicitly (custom resource providers, log retention, ...). The boundary applied closest to a
 * role wins.
 *
 * `scope` must be a stack or a construct inside one: the name form builds the ARN in that stack's account and
 * partition, which differ between the stacks of a multi-account app.
 *
 * @returns the imported boundary policy
 * @throws Error when not exactly one of `name` and `arn` is given, either is malformed, `scope` is not inside a
 * stack, or a boundary was already applied with this function at `scope`.
 */
export function applyPermissionsBoundary(scope: Construct, boundary: PermissionsBoundaryRef): iam.IManagedPolicy {
  const { name, arn } = boundary;
  if ((name === undefined) === (arn === undefined)) {
    throw new Error(
      `applyPermissionsBoundary needs exactly one of 'name' and 'arn', got ${name === undefined ? 'neither' : 'both'}.`,
    );
  }
  if (!scope.node.scopes.some((s) => Stack.isStack(s))) {
    throw new Error(
      `applyPermissionsBoundary needs a stack or a construct inside one, got '${scope.node.path || '<app>'}': ` +
        'apply the boundary to each stack so that its ARN is built in the account of that stack.',
    );
  }
  if (scope.node.tryFindChild(IMPORT_ID)) {
    throw new Error(
      `A permissions boundary was already applied at '${scope.node.path}': apply it once per scope.`,
    );
  }

  let policy: iam.IManagedPolicy;
  if (name !== undefined) {
    if (!Token.isUnresolved(name) && !POLICY_NAME.test(name)) {
      throw new Error(
        `name must be an IAM policy name such as 'mlops-boundary' or 'path/mlops-boundary', got '${name}'.`,
      );
    }
    policy = iam.ManagedPolicy.fromManagedPolicyName(scope, IMPORT_ID, name);
  } else {
    const value = arn as string;
    if (!Token.isUnresolved(value) && !POLICY_ARN.test(value)) {
      throw new Error(
        `arn must be an IAM managed policy ARN (arn:<partition>:iam::<account>:policy/<name>), got '${value}'.`,
      );
    }
    policy = iam.ManagedPolicy.fromManagedPolicyArn(scope, IMPORT_ID, value);
  }
  iam.PermissionsBoundary.of(scope).apply(policy);
  return policy;
}

/**
 * Applies a module's permissions boundary: the policy named by the module's own parameter wins over
 * the one Seedfarmer provides for the deployment (SEEDFARMER_PERMISSIONS_BOUNDARY_ARN); with neither,
 * nothing is applied.
 *
 * @returns the imported boundary policy, if one was applied
 */
export function applyModuleBoundary(
  scope: Construct,
  boundary: { readonly name?: string; readonly seedfarmerArn?: string },
): iam.IManagedPolicy | undefined {
  if (boundary.name) return applyPermissionsBoundary(scope, { name: boundary.name });
  if (boundary.seedfarmerArn) return applyPermissionsBoundary(scope, { arn: boundary.seedfarmerArn });
  return undefined;
}
