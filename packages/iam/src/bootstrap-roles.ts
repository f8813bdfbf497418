import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { assertAccountId, assertNonEmpty } from './private/validate';

/**
 * The qualifier `cdk bootstrap` uses unless `--qualifier` is given.
 *
 * @see https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-customizing.html
 */
export const DEFAULT_BOOTSTRAP_QUALIFIER = 'hnb659fds';

/**
 * The roles created by the modern CDK bootstrap template.
 *
 * - `deploy`: assumed by the CLI or a pipeline to run a CloudFormation deployment.
 * - `cfn-exec`: passed to CloudFormation, which creates the resources with it.
 * - `file-publishing` / `image-publishing`: upload assets to the staging bucket / ECR repository.
 * - `lookup`: read-only, used for context lookups during synthesis.
 */
export type CdkBootstrapRoleKind = 'deploy' | 'cfn-exec' | 'file-publishing' | 'image-publishing' | 'lookup';

const ROLE_KINDS: readonly CdkBootstrapRoleKind[] = [
  'deploy',
  'cfn-exec',
  'file-publishing',
  'image-publishing',
  'lookup',
];

// The bootstrap template embeds the qualifier in bucket and repository names, which must be lowercase.
const QUALIFIER = /^[a-z0-9]{1,10}$/;

/**
 * Identifies one CDK bootstrap role in a bootstrapped account and region.
 */
export interface CdkBootstrapRoleOptions {
  /**
   * The bootstrapped account that owns the role.
   */
  readonly account: string;
  /**
   * The bootstrapped region; it is part of the role name, not of the (global) IAM ARN.
   */
  readonly region: string;
  /**
   * Which bootstrap role.
   */
  readonly kind: CdkBootstrapRoleKind;
  /**
   * The bootstrap qualifier, configurable so that accounts bootstrapped with `--qualifier` work.
   *
   * @default 'hnb659fds' (DEFAULT_BOOTSTRAP_QUALIFIER)
   */
  readonly qualifier?: string;
}

/**
 * The ARN of a CDK bootstrap role, `cdk-<qualifier>-<kind>-role-<account>-<region>`, in the partition of the
 * stack that contains `scope`.
 *
 * @throws Error when the qualifier is not 1 to 10 lowercase letters or digits, or the account is not 12 digits.
 */
export function cdkBootstrapRoleArn(scope: Construct, options: CdkBootstrapRoleOptions): string {
  const qualifier = options.qualifier ?? DEFAULT_BOOTSTRAP_QUALIFIER;
  if (!Token.isUnresolved(qualifier) && !QUALIFIER.test(qualifier)) {
    throw new Error(
      'qualifier must be 1 to 10 lowercase letters or digits (the value given to ' +
        `'cdk bootstrap --qualifier'), got '${qualifier}'.`,
    );
  }
  if (!ROLE_KINDS.includes(options.kind)) {
    throw new Error(`kind must be one of ${ROLE_KINDS.join(', ')}, got '${String(options.kind)}'.`);
  }
  assertAccountId('account', options.account);
  assertNonEmpty('region', options.region);

  return Stack.of(scope).formatArn({
    service: 'iam',
    // IAM is global: its ARNs never carry a region.
    region: '',
    account: options.account,
    resource: 'role',
    resourceName: `cdk-${qualifier}-${options.kind}-role-${options.account}-${options.region}`,
  });
}

/**
 * Imports a CDK bootstrap role as an immutable `IRole`: grants made to it never try to edit a role that another
 * account's bootstrap stack owns.
 *
 * @throws Error as `cdkBootstrapRoleArn` does.
 */
export function cdkBootstrapRole(scope: Construct, id: string, options: CdkBootstrapRoleOptions): iam.IRole {
  return iam.Role.fromRoleArn(scope, id, cdkBootstrapRoleArn(scope, options), { mutable: false });
}
