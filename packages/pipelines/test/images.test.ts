import { describe, expect, it } from 'vitest';
import { FRAMEWORK_IMAGE_REGISTRY_ACCOUNTS, partitionOf, sklearnImageUri, xgboostImageUri } from '../src';

// Expected values: the SageMaker Python SDK's image table (image_uri_config/xgboost.json, sklearn.json) and the
// AWS documentation's "Docker Registry Paths and Example Code" pages for each region.
describe('built-in framework image URIs', () => {
  it.each([
    ['us-east-1', '683313688378.dkr.ecr.us-east-1.amazonaws.com'],
    ['eu-west-1', '141502667606.dkr.ecr.eu-west-1.amazonaws.com'],
    ['ap-southeast-2', '783357654285.dkr.ecr.ap-southeast-2.amazonaws.com'],
    ['cn-north-1', '450853457545.dkr.ecr.cn-north-1.amazonaws.com.cn'],
    ['us-gov-west-1', '414596584902.dkr.ecr.us-gov-west-1.amazonaws.com'],
  ])('in %s, XGBoost and scikit-learn come from %s', (region, registry) => {
    expect(xgboostImageUri(region)).toBe(`${registry}/sagemaker-xgboost:1.7-1`);
    expect(sklearnImageUri(region)).toBe(`${registry}/sagemaker-scikit-learn:1.2-1-cpu-py3`);
    expect(xgboostImageUri(region, '1.5-1')).toBe(`${registry}/sagemaker-xgboost:1.5-1`);
  });

  it('fails when the region has no documented registry, listing the known ones', () => {
    expect(() => xgboostImageUri('xx-nowhere-1')).toThrowError(/No SageMaker framework image registry is documented for region xx-nowhere-1 \(known: af-south-1, /);
  });

  it('knows the partitions: China regions use the amazonaws.com.cn suffix', () => {
    expect(partitionOf('cn-northwest-1')).toEqual({ partition: 'aws-cn', dnsSuffix: 'amazonaws.com.cn' });
    expect(partitionOf('us-gov-east-1')).toEqual({ partition: 'aws-us-gov', dnsSuffix: 'amazonaws.com' });
    expect(Object.keys(FRAMEWORK_IMAGE_REGISTRY_ACCOUNTS).length).toBeGreaterThanOrEqual(30);
    expect(Object.values(FRAMEWORK_IMAGE_REGISTRY_ACCOUNTS).every((a) => /^\d{12}$/.test(a))).toBe(true);
  });
});
