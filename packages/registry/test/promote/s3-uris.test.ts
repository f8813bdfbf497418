import { describe, expect, it } from 'vitest';
import { collectS3Uris, rewriteS3Uris } from '../../src/promote/s3-uris';
import { fullModelPackageFields } from '../fakes';

const u = (key: string) => `s3://source-artifacts/churn/v3/${key}`;

describe('collectS3Uris', () => {
  it('finds every artifact of a full model package description, once each', () => {
    // GIVEN a description with model data, a prefix data source, metrics, baselines, a sample payload,
    // validation input and an additional inference specification reusing the model data
    const description = { $metadata: { requestId: 's3://not-an-artifact' }, ...fullModelPackageFields() };

    // WHEN
    const uris = collectS3Uris(description);

    // THEN
    expect(uris.sort()).toEqual(
      [
        u('model.tar.gz'),
        u('sourcedir.tar.gz'),
        u('llm/'),
        u('evaluation/statistics.json'),
        u('data-quality/statistics.json'),
        u('data-quality/constraints.json'),
        u('explainability/analysis.json'),
        u('baselines/model-quality-constraints.json'),
        u('baselines/data-quality-statistics.json'),
        u('sample-payload.tar.gz'),
        u('validation-input/'),
      ].sort(),
    );
  });

  it('leaves out output locations, which hold nothing to copy', () => {
    expect(collectS3Uris(fullModelPackageFields())).not.toContain(u('validation-output/'));
  });

  it('ignores strings that merely contain s3://', () => {
    expect(collectS3Uris({ ModelPackageDescription: 'trained on s3://bucket/data', ModelCard: { ModelCardContent: '{"uri":"s3://x/y"}' } })).toEqual([]);
  });
});

describe('rewriteS3Uris', () => {
  it('moves every S3 URI to the target bucket and keeps the keys', () => {
    // GIVEN
    const description = fullModelPackageFields();

    // WHEN
    const rewritten = rewriteS3Uris(description, 'target-artifacts');

    // THEN
    const container = rewritten.InferenceSpecification!.Containers![0];
    expect(container.ModelDataUrl).toBe('s3://target-artifacts/churn/v3/model.tar.gz');
    expect(container.Environment!.SAGEMAKER_SUBMIT_DIRECTORY).toBe('s3://target-artifacts/churn/v3/sourcedir.tar.gz');
    expect(rewritten.InferenceSpecification!.Containers![1].ModelDataSource!.S3DataSource!.S3Uri).toBe('s3://target-artifacts/churn/v3/llm/');
    expect(rewritten.ModelMetrics!.ModelQuality!.Statistics!.S3Uri).toBe('s3://target-artifacts/churn/v3/evaluation/statistics.json');
    expect(rewritten.DriftCheckBaselines!.ModelQuality!.Constraints!.S3Uri).toBe(
      's3://target-artifacts/churn/v3/baselines/model-quality-constraints.json',
    );
    expect(rewritten.SamplePayloadUrl).toBe('s3://target-artifacts/churn/v3/sample-payload.tar.gz');
    expect(rewritten.ValidationSpecification!.ValidationProfiles![0].TransformJobDefinition!.TransformOutput!.S3OutputPath).toBe(
      's3://target-artifacts/churn/v3/validation-output/',
    );
    expect(collectS3Uris(rewritten).every((uri) => uri.startsWith('s3://target-artifacts/'))).toBe(true);
  });

  it('copies deeply and leaves the input and non-S3 values untouched', () => {
    const description = fullModelPackageFields();
    const before = structuredClone(description);

    const rewritten = rewriteS3Uris(description, 'target-artifacts');

    expect(description).toEqual(before);
    expect(rewritten.InferenceSpecification!.Containers![0].Image).toBe(description.InferenceSpecification!.Containers![0].Image);
    expect(rewritten.LastModifiedTime).toEqual(description.LastModifiedTime);
    expect(rewritten.LastModifiedTime).not.toBe(description.LastModifiedTime);
  });
});
