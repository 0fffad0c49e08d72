import { describe, expect, it } from 'vitest';
import { documentedFields, optimizedSageMakerApi, SAGEMAKER_OPTIMIZED_PARAMETERS, SOURCE, undocumentedFields, type OptimizedSageMakerApi } from '../../../../lib/constructs/workflow/sagemaker-optimized-parameters';

describe('SAGEMAKER_OPTIMIZED_PARAMETERS', () => {
  it.each(Object.entries(SAGEMAKER_OPTIMIZED_PARAMETERS))('%s lists as many fields as the last published list counted, each once', (_api, entry) => {
    expect(entry.fields).toHaveLength(entry.listedCount);
    expect(new Set(entry.fields).size).toBe(entry.fields.length);
    for (const later of Object.keys(entry.later ?? {})) expect(entry.fields).not.toContain(later);
  });

  it('cites the page it was read from, with a date', () => {
    expect(SOURCE.url).toBe('https://docs.aws.amazon.com/step-functions/latest/dg/connect-sagemaker.html');
    expect(SOURCE.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('documentedFields', () => {
  it('adds the fields documented after the list', () => {
    const fields = documentedFields('createTrainingJob');
    expect(fields).toEqual(expect.arrayContaining(['TrainingJobName', 'EnableManagedSpotTraining', 'CheckpointConfig', 'EnableNetworkIsolation']));
    expect(fields).toHaveLength(SAGEMAKER_OPTIMIZED_PARAMETERS.createTrainingJob.listedCount + 3);
  });

  it('is the list itself where nothing was added later', () => {
    expect(documentedFields('updateEndpoint')).toEqual(['EndpointConfigName', 'EndpointName']);
  });
});

describe('optimizedSageMakerApi', () => {
  it.each([
    ['arn:aws:states:::sagemaker:createTrainingJob.sync', 'createTrainingJob'],
    ['arn:aws-cn:states:::sagemaker:createProcessingJob.sync', 'createProcessingJob'],
    ['arn:aws:states:::sagemaker:createEndpoint', 'createEndpoint'],
    ['arn:aws:states:::sagemaker:createTransformJob.waitForTaskToken', 'createTransformJob'],
  ])('%s calls %s', (resource, api) => {
    expect(optimizedSageMakerApi(resource)).toBe(api);
  });

  it.each(['arn:aws:states:::aws-sdk:sagemaker:createModel', 'arn:aws:states:::lambda:invoke', 'arn:aws:lambda:eu-west-1:111111111111:function:x'])('%s is not an optimized SageMaker integration', (resource) => {
    expect(optimizedSageMakerApi(resource)).toBeUndefined();
  });
});

describe('undocumentedFields', () => {
  it('strips the JSONPath suffix and reports only fields outside the list', () => {
    expect(undocumentedFields('updateEndpoint', { EndpointName: 'e', 'EndpointConfigName.$': '$.plan.resourceName', DeploymentConfig: {}, RetainAllVariantProperties: true })).toEqual(['DeploymentConfig', 'RetainAllVariantProperties']);
  });

  it('accepts a later documented field', () => {
    expect(undocumentedFields('createTrainingJob', { EnableManagedSpotTraining: true, 'TrainingJobName.$': '$.x' })).toEqual([]);
  });

  it('reports every field of an API it has no record of', () => {
    expect(undocumentedFields('createCompilationJob' as OptimizedSageMakerApi, { CompilationJobName: 'x', RoleArn: 'y' })).toEqual(['CompilationJobName', 'RoleArn']);
  });
});
