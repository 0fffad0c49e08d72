import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ENV } from '../../lib/contract';
import { DynamoRegistry } from '../adapters/dynamo-registry';
import type { ModelVersion, Registry } from '../core/registry/model';
import { InvalidRegistrationError, parseRegisterInput } from '../core/registry/registration';
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

/**
 * `approval` (sent by pipelines with `training.approval: 'auto'`): the version passed the
 * quality gate, which is its approval; it is approved right after registration, by the same
 * actor, with the gate's verdict as the reason.
 */
export function makeHandler(deps: RegisterDeps): (event: unknown) => Promise<RegisterResult> {
  return async (event) => {
    const { approval, ...registration } = (typeof event === 'object' && event !== null ? event : {}) as { approval?: unknown };
    const approvalReason = parseApproval(approval);
    const input = parseRegisterInput(typeof event === 'object' && event !== null ? registration : event);
    const registered = await deps.registry.register(input);
    logger.info('registered model version', { model: registered.model, version: registered.version });
    if (approvalReason === undefined) {
      return { model: registered.model, version: registered.version, status: registered.status, artifactUri: registered.artifactUri };
    }
    const approved = await deps.registry.approve(registered.model, registered.version, input.createdBy, approvalReason);
    logger.info('approved model version', { model: approved.model, version: approved.version });
    return { model: approved.model, version: approved.version, status: approved.status, artifactUri: approved.artifactUri };
  };
}

function parseApproval(approval: unknown): string | undefined {
  if (approval === undefined) return undefined;
  const reason = (approval as { reason?: unknown } | null)?.reason;
  if (typeof approval !== 'object' || approval === null || Object.keys(approval).some((k) => k !== 'reason') || typeof reason !== 'string' || reason === '') {
    throw new InvalidRegistrationError([`approval: must be {"reason": "<non-empty text>"} (got ${JSON.stringify(approval)})`]);
  }
  return reason;
}

function defaultDeps(): RegisterDeps {
  const client = tracer.captureAWSv3Client(new DynamoDBClient({}));
  return { registry: new DynamoRegistry({ client, tableName: requireEnv(ENV.registryTable) }) };
}

/** The Lambda entry point; its clients are created once per execution environment. */
export const handler = lazyHandler(makeHandler, defaultDeps);
