import { describe, expect, it } from 'vitest';
import { InvalidRegistrationError, parseRegisterInput } from '../../../../lambdas/core/registry/registration';

const SHA = 'a'.repeat(32) + '0123456789abcdef'.repeat(2);

const good = {
  model: 'churn',
  artifactUri: 's3://artifacts-bucket/churn/1/model.tar.gz',
  imageUri: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.5.1-cpu-py311',
  metrics: { auc: 0.91 },
  hyperparameters: { epochs: '20' },
  dataInputs: [{ uri: 's3://curated-bucket/churn/2026-11-01.csv', versionId: 'abc123' }],
  trainingJobArn: 'arn:aws:sagemaker:us-east-1:111111111111:training-job/churn-1',
  createdBy: 'alice',
};

const issuesOf = (raw: unknown): readonly string[] => {
  try {
    parseRegisterInput(raw);
  } catch (error) {
    if (error instanceof InvalidRegistrationError) return error.issues;
    throw error;
  }
  return [];
};

describe('parseRegisterInput', () => {
  it('accepts a full lineage unchanged', () => {
    expect(parseRegisterInput(good)).toEqual(good);
  });

  it('defaults the optional maps and lists to empty ones', () => {
    const minimal = { model: 'churn', artifactUri: good.artifactUri, imageUri: good.imageUri, createdBy: 'ci' };
    expect(parseRegisterInput(minimal)).toEqual({ ...minimal, metrics: {}, hyperparameters: {}, dataInputs: [] });
  });

  it.each<[string, Record<string, unknown>]>([
    ['a bucket with dots and hyphens', { artifactUri: 's3://my.bucket-1/k' }],
    ['a three-letter bucket', { artifactUri: 's3://abc/k' }],
    ['an image pinned by digest', { imageUri: `763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch@sha256:${SHA}` }],
    ['an image on a registry with a port', { imageUri: `registry.local:5000/team/model:1.0` }],
    ['a data input pinned by sha256', { dataInputs: [{ uri: 's3://curated-bucket/a.csv', sha256: SHA }] }],
    ['a data input with an etag', { dataInputs: [{ uri: 's3://curated-bucket/a.csv', etag: '"9b2cf535f27731c974343645a3985328"' }] }],
    ['a GovCloud training job', { trainingJobArn: 'arn:aws-us-gov:sagemaker:us-gov-west-1:111111111111:training-job/churn-1' }],
    ['a baseline and a compiled artifact', { baselineUri: 's3://artifacts-bucket/churn/1/baseline.json', compiledArtifactUri: 's3://artifacts-bucket/churn/1/neuron.tar.gz' }],
    ['a creator of 2048 characters', { createdBy: 'x'.repeat(2048) }],
    ['negative and zero metrics', { metrics: { loss: -0.5, errors: 0 } }],
  ])('accepts %s', (_, change) => {
    expect(parseRegisterInput({ ...good, ...change })).toEqual({ ...good, ...change });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an https artifact', { artifactUri: 'https://example.com/model.tar.gz' }, 'artifactUri: must be an s3://bucket/key URI'],
    ['an artifact URI with a prefix', { artifactUri: 'copy s3://artifacts-bucket/k' }, 'artifactUri: must be an s3://bucket/key URI'],
    ['an artifact key with a second line', { artifactUri: 's3://artifacts-bucket/k\nrm -rf' }, 'artifactUri: must be an s3://bucket/key URI'],
    ['an artifact URI with a newline in the bucket', { artifactUri: 's3://artifacts-bucket\n/k' }, 'artifactUri: must be an s3://bucket/key URI'],
    ['an artifact without a key', { artifactUri: 's3://artifacts-bucket/' }, 'artifactUri: must be an s3://bucket/key URI'],
    ['an upper-case bucket', { artifactUri: 's3://Artifacts/k' }, 'artifactUri: must be an s3://bucket/key URI'],
    ['a bucket ending in a hyphen', { artifactUri: 's3://artifacts-/k' }, 'artifactUri: must be an s3://bucket/key URI'],
    ['a bucket name over 63 characters', { artifactUri: `s3://${'b'.repeat(64)}/k` }, 'artifactUri: must be an s3://bucket/key URI'],
    ['a model name that is not kebab-case', { model: 'Churn Model' }, 'model: must be a kebab-case model name'],
    ['a metric that is a string', { metrics: { auc: 'high' } }, 'metrics.auc: expected number, got string'],
    ['a metric that is NaN', { metrics: { auc: Number.NaN } }, 'metrics.auc: expected number, got number'],
    ['a metric that is infinite', { metrics: { auc: Number.POSITIVE_INFINITY } }, 'metrics.auc: expected number, got number'],
    ['a hyperparameter that is a number', { hyperparameters: { epochs: 20 } }, 'hyperparameters.epochs: expected string, got number'],
    ['a sha256 that is not hex', { dataInputs: [{ uri: 's3://curated-bucket/a.csv', sha256: 'z'.repeat(64) }] }, 'dataInputs.0.sha256: must be a hex sha256'],
    ['a sha256 that is too short', { dataInputs: [{ uri: 's3://curated-bucket/a.csv', sha256: SHA.slice(1) }] }, 'dataInputs.0.sha256: must be a hex sha256'],
    ['a sha256 that is too long', { dataInputs: [{ uri: 's3://curated-bucket/a.csv', sha256: `${SHA}0` }] }, 'dataInputs.0.sha256: must be a hex sha256'],
    ['a sha256 with a prefix', { dataInputs: [{ uri: 's3://curated-bucket/a.csv', sha256: `sha256:${SHA}` }] }, 'dataInputs.0.sha256: must be a hex sha256'],
    ['an empty version id', { dataInputs: [{ uri: 's3://curated-bucket/a.csv', versionId: '' }] }, 'dataInputs.0.versionId: is too small (limit 1)'],
    ['an etag over 128 characters', { dataInputs: [{ uri: 's3://curated-bucket/a.csv', etag: 'e'.repeat(129) }] }, 'dataInputs.0.etag: is too big (limit 128)'],
    ['an unknown key in a data input', { dataInputs: [{ uri: 's3://curated-bucket/a.csv', md5: 'x' }] }, 'dataInputs.0: unknown key(s) md5'],
    ['a training job name, not an ARN', { trainingJobArn: 'job-1' }, 'trainingJobArn: must be a SageMaker training job ARN'],
    ['a training job ARN with a prefix', { trainingJobArn: `x${good.trainingJobArn}` }, 'trainingJobArn: must be a SageMaker training job ARN'],
    ['a training job ARN with a newline in it', { trainingJobArn: 'arn:aws:sagemaker:us-east-1:111111111111:training-job/churn\n1' }, 'trainingJobArn: must be a SageMaker training job ARN'],
    ['a training job ARN of another partition spelling', { trainingJobArn: 'arn:aws.cn:sagemaker:cn-north-1:111111111111:training-job/churn-1' }, 'trainingJobArn: must be a SageMaker training job ARN'],
    ['an endpoint ARN', { trainingJobArn: 'arn:aws:sagemaker:us-east-1:111111111111:endpoint/churn' }, 'trainingJobArn: must be a SageMaker training job ARN'],
    ['an image without a repository', { imageUri: 'not an image' }, 'imageUri: must be a container image URI (registry/repository:tag)'],
    ['an image without a tag', { imageUri: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch' }, 'imageUri: must be a container image URI (registry/repository:tag)'],
    ['an image with a prefix', { imageUri: `docker pull ${good.imageUri}` }, 'imageUri: must be a container image URI (registry/repository:tag)'],
    ['an image with text after the tag', { imageUri: `${good.imageUri} latest` }, 'imageUri: must be a container image URI (registry/repository:tag)'],
    ['a registry port that is not a number', { imageUri: 'registry.local:http/team/model:1.0' }, 'imageUri: must be a container image URI (registry/repository:tag)'],
    ['a digest that is too short', { imageUri: `registry.local/team/model@sha256:${SHA.slice(1)}` }, 'imageUri: must be a container image URI (registry/repository:tag)'],
    ['a digest that is not hex', { imageUri: `registry.local/team/model@sha256:${'z'.repeat(64)}` }, 'imageUri: must be a container image URI (registry/repository:tag)'],
    ['an unknown top-level key', { extra: 1 }, '(root): unknown key(s) extra'],
    ['an empty creator', { createdBy: '' }, 'createdBy: must not be empty'],
    ['a creator over 2048 characters', { createdBy: 'x'.repeat(2049) }, 'createdBy: is too big (limit 2048)'],
  ])('refuses %s', (_, change, issue) => {
    expect(issuesOf({ ...good, ...change })).toEqual([issue]);
  });

  it('names every bad field in one error, with the request as its cause', () => {
    const bad = { ...good, model: 'Churn', createdBy: '' };
    expect(() => parseRegisterInput(bad)).toThrow(InvalidRegistrationError);
    try {
      parseRegisterInput(bad);
    } catch (error) {
      expect(error).toMatchObject({
        name: 'InvalidRegistrationError',
        message: 'invalid registration: model: must be a kebab-case model name; createdBy: must not be empty',
        issues: ['model: must be a kebab-case model name', 'createdBy: must not be empty'],
      });
      expect((error as Error).cause).toBeDefined();
    }
  });

  it('refuses a request that is not an object', () => {
    expect(issuesOf('churn')).toEqual(['(root): expected object, got string']);
  });
});
