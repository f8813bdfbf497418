import { Aws, Token } from 'aws-cdk-lib';
import type { KeyUsage, KeyUseOptions } from '../cross-account-kms';
import { assertNotEmptyList, unique } from './validate';

const SERVICE_PREFIX = /^[a-z0-9-]+$/;

/**
 * The KMS actions a usage level needs.
 */
export function keyUseActions(usage: KeyUsage): string[] {
  switch (usage) {
    case 'decrypt':
      return ['kms:Decrypt', 'kms:DescribeKey'];
    case 'encrypt-decrypt':
      return ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'];
    default:
      throw new Error(`usage must be 'decrypt' or 'encrypt-decrypt', got '${String(usage)}'.`);
  }
}

/**
 * The `kms:ViaService` values for the given services in `region`.
 */
export function viaServiceValues(options: KeyUseOptions, region: string): string[] {
  assertNotEmptyList(
    'viaServices',
    options.viaServices,
    "name the services the key is used through, e.g. ['s3', 'sagemaker']",
  );
  for (const service of options.viaServices) {
    if (!Token.isUnresolved(service) && !SERVICE_PREFIX.test(service)) {
      throw new Error(`viaServices entries must be service prefixes such as 's3', got '${service}'.`);
    }
  }
  const suffix = options.urlSuffix ?? Aws.URL_SUFFIX;
  return unique(options.viaServices).map((service) => `${service}.${region}.${suffix}`);
}
