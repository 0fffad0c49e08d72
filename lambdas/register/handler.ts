import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ENV } from '../../lib/contract';
import { DynamoRegistry } from '../adapters/dynamo-registry';
import type { ModelVersion, Registry } from '../core/registry/model';
import { parseRegisterInput } from '../core/registry/validation';
import { logger, requireEnv, tracer } from '../shared/observability';
import { lazyHandler } from '../shared/lazy-handler';

/**
 * Registers a trained model version with its lineage. Invoked by the training pipeline; the
 * event is the registration request. Invalid input throws `InvalidRegistrationError`, which
 * the pipeline catches by name into its failure path; nothing is written.
 */
export interface RegisterDeps {
  readonly registry: Registry;
}

export interface RegisterResult {
  readonly model: string;
  readonly version: number;
  readonly status: ModelVersion['status'];
  readonly artifactUri: string;
}

export function makeHandler(deps: RegisterDeps): (event: unknown) => Promise<RegisterResult> {
  return async (event) => {
    const input = parseRegisterInput(event);
    const registered = await deps.registry.register(input);
    logger.info('registered model version', { model: registered.model, version: registered.version });
    return { model: registered.model, version: registered.version, status: registered.status, artifactUri: registered.artifactUri };
  };
}

function defaultDeps(): RegisterDeps {
  const client = tracer.captureAWSv3Client(new DynamoDBClient({}));
  return { registry: new DynamoRegistry({ client, tableName: requireEnv(ENV.registryTable) }) };
}

/** The Lambda entry point; its clients are created once per execution environment. */
export const handler = lazyHandler(makeHandler, defaultDeps);
