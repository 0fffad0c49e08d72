import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
// zod/mini: the same checks as classic zod at a twentieth of the bundle size (cold starts).
import * as z from 'zod/mini';
import { type DriftCheckEvent, ENV, METRICS_NAMESPACE } from '../../lib/contract';
import { DynamoRegistry } from '../adapters/dynamo-registry';
import { EmfMetricsSink } from '../adapters/emf-metrics';
import { EventBridgeDriftEventBus } from '../adapters/eventbridge-drift-events';
import { S3BaselineSource } from '../adapters/s3-baselines';
import { S3CaptureSource } from '../adapters/s3-capture';
import { S3DriftReportStore } from '../adapters/s3-drift-reports';
import { checkDrift, type DriftCheckPorts, type DriftResult } from '../core/drift/check';
import { isoTimestamp } from '../core/input/timestamp';
import type { Registry } from '../core/registry/model';
import { modelNameSchema } from '../core/input/model-name';
import { parseEvent } from '../shared/invalid-event';
import { lazyHandler } from '../shared/lazy-handler';
import { logger, requireEnv, tracer } from '../shared/observability';

/**
 * The drift check, one function for the stage, invoked per model by the model's schedule: the
 * core's `checkDrift` over S3 (capture, baseline, reports), EMF metrics and EventBridge. It
 * streams the window's captured traffic (never a whole file in memory); malformed capture lines
 * are counted, never fatal.
 */
export interface DriftDeps {
  readonly s3: S3Client;
  readonly registry: Pick<Registry, 'pointers' | 'getVersion'>;
  readonly eventBridge: EventBridgeClient;
  /** Where the metrics go, as EMF on stdout. @default one Metrics of namespace `METRICS_NAMESPACE` */
  readonly metrics?: Metrics;
  /** @default () => new Date() */
  readonly now?: () => Date;
  readonly stage: string;
  readonly captureBucket: string;
  readonly artifactsBucket: string;
  /** Keys per ListObjectsV2 page. @default 1000 */
  readonly listPageSize?: number;
}

export type { DriftResult, StoredDriftReport } from '../core/drift/check';
export { DriftEventError } from '../adapters/eventbridge-drift-events';

const MAX_WINDOW_MINUTES = 1440;
const timestamp = z.string().check(z.refine((s) => isoTimestamp(s) !== undefined, 'must be an ISO 8601 timestamp with a time zone'));

const eventSchema = z
  .strictObject({
    model: modelNameSchema,
    endpointName: z.string().check(z.regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'must be a SageMaker endpoint name')),
    windowMinutes: z.number().check(z.refine(Number.isInteger, 'must be a whole number of minutes'), z.gte(1, 'must be at least 1'), z.lte(MAX_WINDOW_MINUTES, `must be at most ${MAX_WINDOW_MINUTES}`)),
    thresholds: z.strictObject({
      psi: z.number().check(z.positive('must be positive')),
      ks: z.number().check(z.positive('must be positive'), z.lte(1, 'must be at most 1')),
    }),
    consecutiveWindows: z.number().check(z.refine(Number.isInteger, 'must be a whole number'), z.gte(1, 'must be at least 1'), z.lte(96, 'must be at most 96')),
    window: z.optional(z.strictObject({ from: timestamp, to: timestamp })),
  })
  .check(
    z.refine((e) => e.window === undefined || Date.parse(e.window.from) < Date.parse(e.window.to), { message: 'must be after window.from', path: ['window', 'to'] }),
    z.refine((e) => e.window === undefined || Date.parse(e.window.to) - Date.parse(e.window.from) <= MAX_WINDOW_MINUTES * 60_000, {
      message: `must be at most ${MAX_WINDOW_MINUTES} minutes after window.from`,
      path: ['window', 'to'],
    }),
  );

export function makeHandler(deps: DriftDeps): (event: unknown) => Promise<DriftResult> {
  const now = deps.now ?? (() => new Date());
  const ports: DriftCheckPorts = {
    registry: deps.registry,
    baselines: new S3BaselineSource(deps.s3),
    capture: new S3CaptureSource({ s3: deps.s3, bucket: deps.captureBucket, pageSize: deps.listPageSize }),
    reports: new S3DriftReportStore({ s3: deps.s3, bucket: deps.artifactsBucket }),
    metrics: new EmfMetricsSink(deps.metrics ?? new Metrics({ namespace: METRICS_NAMESPACE })),
    events: new EventBridgeDriftEventBus(deps.eventBridge),
    log: logger,
  };

  return async (raw) => {
    const event: DriftCheckEvent = parseEvent(eventSchema, raw);
    const window = event.window === undefined ? undefined : { from: new Date(event.window.from), to: new Date(event.window.to) };
    return checkDrift({ ...event, stage: deps.stage, window, checkedAt: now() }, ports);
  };
}

function defaultDeps(): DriftDeps {
  const dynamo = tracer.captureAWSv3Client(new DynamoDBClient({}));
  return {
    s3: tracer.captureAWSv3Client(new S3Client({})),
    registry: new DynamoRegistry({ client: dynamo, tableName: requireEnv(ENV.registryTable) }),
    eventBridge: tracer.captureAWSv3Client(new EventBridgeClient({})),
    stage: requireEnv(ENV.stage),
    captureBucket: requireEnv(ENV.captureBucket),
    artifactsBucket: requireEnv(ENV.artifactsBucket),
  };
}

/** The Lambda entry point; its clients are created once per execution environment. */
export const handler = lazyHandler(makeHandler, defaultDeps);
