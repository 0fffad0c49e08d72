import { DescribeEndpointCommand, SageMakerClient, SageMakerServiceException, type DescribeEndpointOutput } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { describeEndpointIfExists, SageMakerEndpointReader } from '../../../lambdas/adapters/sagemaker-endpoint';

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
