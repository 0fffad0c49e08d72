import { DescribeEndpointCommand, ListTagsCommand, SageMakerClient, SageMakerServiceException, type DescribeEndpointOutput } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { describeEndpointIfExists, listTags, SageMakerEndpointReader } from '../../../lambdas/adapters/sagemaker-endpoint';

// SageMaker has no local engine: the client is mocked and the request asserted in full.
const client = new SageMakerClient({ region: 'us-east-1' });
const sagemaker = mockClient(client);
const notFound = new SageMakerServiceException({ name: 'ValidationException', $fault: 'client', message: 'Could not find endpoint "gantry-test-churn".', $metadata: {} });
const modified = new Date('2026-03-01T10:00:00.000Z');

afterEach(() => sagemaker.reset());

describe('describeEndpointIfExists', () => {
  it('is undefined for an endpoint SageMaker cannot find, and throws other validation errors', async () => {
    sagemaker.on(DescribeEndpointCommand).rejectsOnce(notFound).rejectsOnce(new SageMakerServiceException({ name: 'ValidationException', $fault: 'client', message: 'bad name', $metadata: {} }));
    expect(await describeEndpointIfExists(client, 'gantry-test-churn')).toBeUndefined();
    await expect(describeEndpointIfExists(client, 'gantry-test-churn')).rejects.toThrow('bad name');
    expect(sagemaker.commandCalls(DescribeEndpointCommand).map((c) => c.args[0].input)).toEqual([{ EndpointName: 'gantry-test-churn' }, { EndpointName: 'gantry-test-churn' }]);
  });
});

describe('SageMakerEndpointReader', () => {
  it.each<[Partial<DescribeEndpointOutput> & { EndpointStatus: string }, boolean]>([
    [{ EndpointStatus: 'InService', EndpointConfigName: 'cfg-v3', LastModifiedTime: modified }, false],
    [{ EndpointStatus: 'Updating', EndpointConfigName: 'cfg-v3', LastModifiedTime: modified, PendingDeploymentSummary: { EndpointConfigName: 'cfg-v4' } }, true],
  ])('reads the facts the rollback decides on (%#)', async (output, pendingDeployment) => {
    sagemaker.on(DescribeEndpointCommand, { EndpointName: 'gantry-test-churn' }).resolves({ EndpointName: 'gantry-test-churn', EndpointArn: 'arn:e', CreationTime: modified, ...output });
    expect(await new SageMakerEndpointReader(client).describe('gantry-test-churn')).toEqual({
      endpointName: 'gantry-test-churn',
      status: output.EndpointStatus,
      endpointConfigName: 'cfg-v3',
      lastModifiedTime: modified,
      pendingDeployment,
    });
  });

  it('is undefined for an endpoint that does not exist', async () => {
    sagemaker.on(DescribeEndpointCommand).rejects(notFound);
    expect(await new SageMakerEndpointReader(client).describe('gantry-test-churn')).toBeUndefined();
  });

  it('throws when SageMaker leaves out the status, config or last-modified time', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointName: 'gantry-test-churn', EndpointStatus: 'InService' });
    await expect(new SageMakerEndpointReader(client).describe('gantry-test-churn')).rejects.toThrow('DescribeEndpoint gantry-test-churn returned no status, endpoint config or last-modified time');
  });
});

describe('listTags', () => {
  const arn = 'arn:aws:sagemaker:us-east-1:111111111111:endpoint/gantry-test-churn';

  it('reads every page of tags by key, an absent value as empty', async () => {
    sagemaker
      .on(ListTagsCommand)
      .resolvesOnce({ Tags: [{ Key: 'Model', Value: 'churn' }, { Key: 'Empty', Value: undefined }], NextToken: 'page-2' })
      .resolvesOnce({ Tags: [{ Key: 'ExecutionId', Value: 'arn:aws:states:us-east-1:111111111111:execution:gantry-test-churn-deploy:d-1' }] });
    expect(await listTags(client, arn)).toEqual({ Model: 'churn', Empty: '', ExecutionId: 'arn:aws:states:us-east-1:111111111111:execution:gantry-test-churn-deploy:d-1' });
    expect(sagemaker.commandCalls(ListTagsCommand).map((c) => c.args[0].input)).toEqual([{ ResourceArn: arn }, { ResourceArn: arn, NextToken: 'page-2' }]);
  });

  it('is empty for a resource without tags, and passes on errors', async () => {
    sagemaker.on(ListTagsCommand).resolvesOnce({}).rejectsOnce(new SageMakerServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'not authorized to perform sagemaker:ListTags', $metadata: {} }));
    expect(await listTags(client, arn)).toEqual({});
    await expect(listTags(client, arn)).rejects.toThrow('not authorized to perform sagemaker:ListTags');
  });
});
