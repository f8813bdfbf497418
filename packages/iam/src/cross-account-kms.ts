import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { keyUseActions, viaServiceValues } from './private/kms';
import { assertAccountId, assertNonEmpty, assertNotEmptyList, unique } from './private/validate';

/**
 * What another account may do with a key.
 *
 * - `decrypt`: `kms:Decrypt` and `kms:DescribeKey`, enough to read data encrypted with the key.
 * - `encrypt-decrypt`: also `kms:Encrypt`, `kms:ReEncrypt*` and `kms:GenerateDataKey*`, to write such data.
 */
export type KeyUsage = 'decrypt' | 'encrypt-decrypt';

/**
 * How a key may be used: which actions, and only through which AWS services.
 */
export interface KeyUseOptions {
  /**
   * What the grantee may do with the key.
   */
  readonly usage: KeyUsage;
  /**
   * Service prefixes the key may be used through, e.g. `['s3', 'sagemaker']`. Direct calls to KMS are refused,
   * so the grant cannot be used to decrypt data outside those services.
   */
  readonly viaServices: readonly string[];
  /**
   * The DNS suffix of the service endpoints in `kms:ViaService`.
   *
   * @default Aws.URL_SUFFIX (amazonaws.com, or amazonaws.com.cn in the China regions, resolved at deploy time)
   */
  readonly urlSuffix?: string;
}

/**
 * Inputs of `crossAccountKmsStatements`.
 */
export interface CrossAccountKmsProps extends KeyUseOptions {
  /**
   * Accounts whose root principal may use the key; each account still decides which of its roles may.
   */
  readonly accounts: readonly string[];
  /**
   * The region of the key; `kms:ViaService` names the service endpoints of that region.
   */
  readonly region: string;
}

/**
 * Key policy statements that let other accounts use a key through the given services only.
 *
 * Add them with `key.addToResourcePolicy(statement)`. The grantee accounts also need an identity policy on their
 * roles, e.g. from `grantKeyUseTo`.
 *
 * @throws Error when there is no account or no service, or an account is not 12 digits.
 */
export function crossAccountKmsStatements(props: CrossAccountKmsProps): iam.PolicyStatement[] {
  assertNotEmptyList('accounts', props.accounts, 'list the accounts that use the key');
  props.accounts.forEach((account, i) => assertAccountId(`accounts[${i}]`, account));
  assertNonEmpty('region', props.region);
  const accounts = unique(props.accounts);

  return [
    new iam.PolicyStatement({
      sid: 'CrossAccountKeyUseViaServices',
      principals: accounts.map((account) => new iam.AccountPrincipal(account)),
      actions: keyUseActions(props.usage),
      // In a key policy "*" means the key the policy is attached to; a key policy cannot name any other resource.
      resources: ['*'],
      conditions: {
        StringEquals: {
          'kms:ViaService': viaServiceValues(props, props.region),
          'kms:CallerAccount': accounts,
        },
      },
    }),
  ];
}

/**
 * Options of `grantKeyUseTo`.
 */
export interface GrantKeyUseOptions extends KeyUseOptions {
  /**
   * The region of the key; `kms:ViaService` names the service endpoints of that region.
   *
   * @default - the region of the key
   */
  readonly region?: string;
}

/**
 * Grants `grantee` (typically a role in the account that uses someone else's key) an identity policy to use
 * `key` through the given services only: the counterpart of `crossAccountKmsStatements` in the key's policy.
 *
 * @throws Error when there is no service.
 */
export function grantKeyUseTo(
  key: kms.IKey,
  grantee: iam.IGrantable,
  options: GrantKeyUseOptions,
): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions: keyUseActions(options.usage),
    resourceArns: [key.keyArn],
    conditions: {
      StringEquals: { 'kms:ViaService': viaServiceValues(options, options.region ?? key.env.region) },
    },
  });
}
