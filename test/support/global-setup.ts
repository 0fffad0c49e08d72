import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDynamo, startS3rver, stopEngine } from '../../tools/local/engines';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    s3Endpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  process.env.AWS_REGION ??= 'us-east-1';

  const started = Date.now();
  const s3Dir = await mkdtemp(join(tmpdir(), 'gantry-s3rver-'));
  const results = await Promise.allSettled([startDynamo(), startS3rver(s3Dir)]);
  const engines = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value.engine] : []));

  const teardown = async (): Promise<void> => {
    await Promise.all(engines.map(stopEngine));
    await rm(s3Dir, { recursive: true, force: true });
  };

  const [dynamo, s3] = results;
  if (dynamo.status === 'rejected' || s3.status === 'rejected') {
    await teardown();
    const reasons = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    throw reasons.length === 1 ? reasons[0] : new AggregateError(reasons, 'Local engines failed to start');
  }

  project.provide('dynamoEndpoint', dynamo.value.endpoint);
  project.provide('s3Endpoint', s3.value.endpoint);
  if (process.env.GANTRY_HARNESS_DEBUG) {
    console.log(`[harness] DynamoDB Local ${dynamo.value.endpoint}, s3rver ${s3.value.endpoint}, ready in ${Date.now() - started} ms`);
  }
  return teardown;
}
