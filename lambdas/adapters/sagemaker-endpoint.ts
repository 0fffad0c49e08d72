import { DescribeEndpointCommand, type DescribeEndpointCommandOutput, type SageMakerClient } from '@aws-sdk/client-sagemaker';

/**
 * DescribeEndpoint, or undefined when the endpoint does not exist. SageMaker has no NotFound
 * error for endpoints: it answers a ValidationException "Could not find endpoint …". Any other
 * error is thrown.
 */
export async function describeEndpointIfExists(sagemaker: SageMakerClient, endpointName: string): Promise<DescribeEndpointCommandOutput | undefined> {
  try {
    return await sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
  } catch (error) {
    const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
    if (name === 'ValidationException' && typeof message === 'string' && /could not find endpoint/i.test(message)) return undefined;
    throw error;
  }
}
