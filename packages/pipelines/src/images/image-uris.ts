import { FRAMEWORK_IMAGE_REGISTRY_ACCOUNTS } from './registry-accounts';

/** The partition of a region, and the DNS suffix of its ECR registries. */
export function partitionOf(region: string): { partition: 'aws' | 'aws-cn' | 'aws-us-gov'; dnsSuffix: string } {
  if (region.startsWith('cn-')) return { partition: 'aws-cn', dnsSuffix: 'amazonaws.com.cn' };
  if (region.startsWith('us-gov-')) return { partition: 'aws-us-gov', dnsSuffix: 'amazonaws.com' };
  return { partition: 'aws', dnsSuffix: 'amazonaws.com' };
}

/** The XGBoost framework versions of the SageMaker XGBoost container that the registry table covers. */
export const XGBOOST_VERSIONS = ['1.0-1', '1.2-1', '1.2-2', '1.3-1', '1.5-1', '1.7-1'] as const;
export type XGBoostVersion = (typeof XGBOOST_VERSIONS)[number];

/** The scikit-learn container versions the registry table covers. */
export const SKLEARN_VERSIONS = ['0.23-1', '1.0-1', '1.2-1'] as const;
export type SklearnVersion = (typeof SKLEARN_VERSIONS)[number];

function registry(region: string): string {
  const account = FRAMEWORK_IMAGE_REGISTRY_ACCOUNTS[region];
  if (account === undefined) {
    throw new Error(
      `No SageMaker framework image registry is documented for region ${region} (known: ${Object.keys(FRAMEWORK_IMAGE_REGISTRY_ACCOUNTS).join(', ')})`,
    );
  }
  return `${account}.dkr.ecr.${region}.${partitionOf(region).dnsSuffix}`;
}

/** The SageMaker XGBoost framework image (training and inference), e.g. `<registry>/sagemaker-xgboost:1.7-1`. */
export function xgboostImageUri(region: string, version: XGBoostVersion = '1.7-1'): string {
  return `${registry(region)}/sagemaker-xgboost:${version}`;
}

/** The SageMaker scikit-learn image (processing, training, inference), CPU, Python 3. */
export function sklearnImageUri(region: string, version: SklearnVersion = '1.2-1'): string {
  return `${registry(region)}/sagemaker-scikit-learn:${version}-cpu-py3`;
}
