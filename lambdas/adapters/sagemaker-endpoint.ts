import { DescribeEndpointCommand, ListTagsCommand, type DescribeEndpointCommandOutput, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { EndpointReader } from '../core/rollback/on-alarm';
import type { EndpointFacts } from '../core/rollback/rollback';

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

/**
 * Every tag of a SageMaker resource, by key, following NextToken while SageMaker truncates
 * the answer (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ListTags.html).
 */
export async function listTags(sagemaker: SageMakerClient, resourceArn: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  let nextToken: string | undefined;
  do {
    const page = await sagemaker.send(new ListTagsCommand({ ResourceArn: resourceArn, ...(nextToken === undefined ? {} : { NextToken: nextToken }) }));
    for (const { Key, Value } of page.Tags ?? []) if (Key !== undefined) tags[Key] = Value ?? '';
    nextToken = page.NextToken || undefined;
  } while (nextToken !== undefined);
  return tags;
}

/** The endpoint facts the rollback reads, from DescribeEndpoint. */
export class SageMakerEndpointReader implements EndpointReader {
  constructor(private readonly sagemaker: SageMakerClient) {}

  /** @throws Error when SageMaker leaves out a field every existing endpoint has */
  async describe(endpointName: string): Promise<EndpointFacts | undefined> {
    const output = await describeEndpointIfExists(this.sagemaker, endpointName);
    if (output === undefined) return undefined;
    if (!output.EndpointStatus || !output.EndpointConfigName || !output.LastModifiedTime) {
      throw new Error(`DescribeEndpoint ${endpointName} returned no status, endpoint config or last-modified time`);
    }
    return {
      endpointName,
      status: output.EndpointStatus,
      endpointConfigName: output.EndpointConfigName,
      lastModifiedTime: output.LastModifiedTime,
      pendingDeployment: output.PendingDeploymentSummary !== undefined,
    };
  }
}
