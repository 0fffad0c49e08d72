import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod/mini';
import { ENV, type GateResult } from '../../lib/contract';
import { DynamoRegistry } from '../adapters/dynamo-registry';
import { evaluateGate, type ProductionMetrics } from '../core/gate/gate';
import { UnknownModelError, type Registry } from '../core/registry/model';
import { modelNameSchema } from '../core/input/model-name';
import { parseEvent } from '../shared/invalid-event';
import { logger, requireEnv, tracer } from '../shared/observability';
import { lazyHandler } from '../shared/lazy-handler';

/**
 * The training pipeline's quality gate: the candidate's metrics against the model's
 * thresholds and against the production version's metrics. A failing candidate is a normal
 * result (`passed: false` with the reason), which the pipeline's Choice turns into its
 * GateFailed path; only a bad event (`InvalidEventError`) or a registry failure throws.
 */
export interface GateDeps {
  readonly registry: Pick<Registry, 'pointers' | 'getVersion'>;
}

const finite = () => z.number().check(z.refine(Number.isFinite, 'must be a finite number'));

const eventSchema = z.strictObject({
  model: modelNameSchema,
  metrics: z.record(z.string().check(z.minLength(1)), finite()),
  gate: z.strictObject({
    primaryMetric: z.string().check(z.minLength(1, 'must not be empty')),
    direction: z.enum(['maximize', 'minimize']),
    tolerance: finite().check(z.gte(0, 'must be zero or more')),
    thresholds: z.record(
      z.string().check(z.minLength(1)),
      z.strictObject({ min: z.optional(finite()), max: z.optional(finite()) }).check(
        z.refine((t) => t.min !== undefined || t.max !== undefined, 'must set min, max or both'),
        z.refine((t) => t.min === undefined || t.max === undefined || t.min <= t.max, 'min must not exceed max'),
      ),
    ),
  }),
});

export function makeHandler(deps: GateDeps): (event: unknown) => Promise<GateResult> {
  return async (event) => {
    const { model, metrics, gate } = parseEvent(eventSchema, event);
    const production = await productionMetrics(deps.registry, model);
    const result = evaluateGate(metrics, gate, production);
    logger.info('quality gate', { model, passed: result.passed, reason: result.reason, productionVersion: result.productionVersion });
    return result;
  };
}

/** The production version and its metrics; none for a model without one (or never registered). */
async function productionMetrics(registry: GateDeps['registry'], model: string): Promise<ProductionMetrics | undefined> {
  let version: number | undefined;
  try {
    ({ production: version } = await registry.pointers(model));
  } catch (error) {
    // A model's first training run gates before its first registration.
    if (error instanceof UnknownModelError) return undefined;
    throw error;
  }
  if (version === undefined) return undefined;
  const { metrics } = await registry.getVersion(model, version);
  return { version, metrics };
}

function defaultDeps(): GateDeps {
  const client = tracer.captureAWSv3Client(new DynamoDBClient({}));
  return { registry: new DynamoRegistry({ client, tableName: requireEnv(ENV.registryTable) }) };
}

/** The Lambda entry point; its clients are created once per execution environment. */
export const handler = lazyHandler(makeHandler, defaultDeps);
