import { Arn, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { actionPattern, asArray, asStrings } from './private/policy-json';
import { assertAccountId, assertNonEmpty, assertNotEmptyList, unique } from './private/validate';

// SageMaker's own constraint on ModelPackageGroupName.
const GROUP_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
// Matches concrete actions only; wildcard actions are expanded against MODEL_REGISTRY_WRITE_ACTIONS instead.
const WRITE_ACTION = /^sagemaker:(Create|Update|Delete|Put)[A-Za-z]*ModelPackage[A-Za-z]*$/i;

/**
 * Inputs of `modelPackageGroupPolicy`; every ARN is built from them, so the policy is right in any partition.
 */
export interface ModelPackageGroupPolicyProps {
  /**
   * The model package group the policy is attached to.
   */
  readonly groupName: string;
  /**
   * The account that owns the group.
   */
  readonly groupAccount: string;
  /**
   * The region of the group.
   */
  readonly region: string;
  /**
   * The partition of the group, e.g. `aws` or `aws-cn`.
   */
  readonly partition: string;
  /**
   * Accounts whose root principal gets read access; each account still decides which of its roles may use it.
   */
  readonly consumerAccounts: readonly string[];
  /**
   * Whether consumers may call `sagemaker:CreateModel` from a model package of the group, which is what
   * deploying a registered model in another account needs.
   *
   * @default true
   */
  readonly allowCreateModel?: boolean;
}

/**
 * Actions that change a model registry. A consumer account must never hold any of them: promotion into a
 * stage is decided in the registry's own account.
 */
export const MODEL_REGISTRY_WRITE_ACTIONS: readonly string[] = [
  'sagemaker:CreateModelPackage',
  'sagemaker:CreateModelPackageGroup',
  'sagemaker:UpdateModelPackage',
  'sagemaker:DeleteModelPackage',
  'sagemaker:DeleteModelPackageGroup',
  'sagemaker:PutModelPackageGroupPolicy',
  'sagemaker:DeleteModelPackageGroupPolicy',
];

/**
 * The resource policy of a model package group that lets consumer accounts read the group and its versions and,
 * unless disabled, create a model from a version. It grants no write action (see `MODEL_REGISTRY_WRITE_ACTIONS`).
 *
 * @throws Error when the group name is not a valid SageMaker name, an account is not 12 digits, or there is no
 * consumer account.
 */
export function modelPackageGroupPolicy(props: ModelPackageGroupPolicyProps): iam.PolicyDocument {
  if (!Token.isUnresolved(props.groupName) && !GROUP_NAME.test(props.groupName)) {
    throw new Error(
      'groupName must be 1 to 63 letters, digits or single hyphens, starting and ending with a letter or digit, ' +
        `got '${props.groupName}'.`,
    );
  }
  assertAccountId('groupAccount', props.groupAccount);
  assertNonEmpty('region', props.region);
  assertNonEmpty('partition', props.partition);
  assertNotEmptyList('consumerAccounts', props.consumerAccounts, 'list the accounts that read this registry');
  props.consumerAccounts.forEach((account, i) => assertAccountId(`consumerAccounts[${i}]`, account));

  const arn = (resource: string, resourceName: string): string =>
    Arn.format({
      partition: props.partition,
      service: 'sagemaker',
      region: props.region,
      account: props.groupAccount,
      resource,
      resourceName,
    });
  const principals = unique(props.consumerAccounts).map(
    (account) =>
      new iam.ArnPrincipal(
        Arn.format({ partition: props.partition, service: 'iam', region: '', account, resource: 'root' }),
      ),
  );

  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'ConsumersDescribeModelPackageGroup',
        principals,
        actions: ['sagemaker:DescribeModelPackageGroup'],
        resources: [arn('model-package-group', props.groupName)],
      }),
      new iam.PolicyStatement({
        sid: 'ConsumersReadModelPackages',
        principals,
        actions: [
          'sagemaker:DescribeModelPackage',
          'sagemaker:ListModelPackages',
          ...((props.allowCreateModel ?? true) ? ['sagemaker:CreateModel'] : []),
        ],
        resources: [arn('model-package', `${props.groupName}/*`)],
      }),
    ],
  });
}

/**
 * Throws if any `Allow` statement of a policy grants a model registry write action (`Create*`, `Update*`,
 * `Delete*` or `Put*` on a model package or group), including through a wildcard such as `sagemaker:*` or
 * through `NotAction`. `sagemaker:CreateModel` is not a registry write. Use it as a guard before attaching a
 * policy that consumer accounts receive.
 *
 * @param document an `iam.PolicyDocument` or its JSON form (e.g. `CfnModelPackageGroup.modelPackageGroupPolicy`)
 * @throws Error listing each offending statement and action.
 */
export function assertNoRegistryWrites(document: iam.PolicyDocument | { readonly Statement?: unknown }): void {
  const json: unknown = document instanceof iam.PolicyDocument ? document.toJSON() : document;
  const statements = asArray((json as { Statement?: unknown } | undefined)?.Statement);
  const problems: string[] = [];
  statements.forEach((raw, index) => {
    const statement = raw as { Sid?: string; Effect?: string; Action?: unknown; NotAction?: unknown };
    // A Deny statement can only take permissions away.
    if (statement.Effect === 'Deny') {
      return;
    }
    const label = statement.Sid ? `statement '${statement.Sid}'` : `statement #${index}`;
    for (const action of asStrings(statement.Action)) {
      if (isRegistryWrite(action)) {
        problems.push(`${label} grants ${action}`);
      }
    }
    if (statement.NotAction !== undefined) {
      const excluded = asStrings(statement.NotAction).map(actionPattern);
      const granted = MODEL_REGISTRY_WRITE_ACTIONS.filter((write) => !excluded.some((p) => p.test(write)));
      if (granted.length > 0) {
        problems.push(`${label} grants ${granted.join(', ')} through NotAction`);
      }
    }
  });
  if (problems.length > 0) {
    throw new Error(
      'The policy grants model registry write actions, which consumer accounts must never hold: ' +
        `${problems.join('; ')}.`,
    );
  }
}

function isRegistryWrite(action: string): boolean {
  if (action.includes('*') || action.includes('?')) {
    const pattern = actionPattern(action);
    return MODEL_REGISTRY_WRITE_ACTIONS.some((write) => pattern.test(write));
  }
  return WRITE_ACTION.test(action);
}
