import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
// zod/mini: the same checks as classic zod at a twentieth of the bundle size (cold starts).
import * as z from 'zod/mini';
import { DRIFT_EVENT, DRIFT_METRICS, type DriftCheckEvent, type DriftDetectedDetail, driftReportKey, ENV, FEATURE_DRIFT_METRICS, METRICS_NAMESPACE, PRODUCTION_VARIANT } from '../../lib/contract';
import { DynamoRegistry } from '../adapters/dynamo-registry';
import { isS3Error, objectLines, s3Uri, scanDataObjects, type S3ObjectRef } from '../adapters/s3-objects';
import { captureHourPrefixes, driftPersists, windowEndingBefore, windowId, type DriftReport, type FeatureDrift } from '../core/drift';
import { UnknownModelError, type Registry } from '../core/registry/model';
import { modelNameSchema } from '../core/input/model-name';
import { parseEvent } from '../shared/invalid-event';
import { lazyHandler } from '../shared/lazy-handler';
import { logger, requireEnv, tracer } from '../shared/observability';
import { accumulatorFor, readBaseline } from './baseline';
import { isoTimestamp } from './timestamp';

/**
 * The drift check, one function for the stage, invoked per model by the model's schedule:
 * streams a window of the endpoint's captured traffic (never a whole file in memory) against
 * the production version's baseline, then publishes the drift metrics (EMF), writes the
 * window's report to the artifacts bucket, and sends a DriftDetected event once drift has held
 * for `consecutiveWindows` windows in a row. Malformed capture lines are counted, never fatal;
 * an empty window publishes no drift value, so the drift alarm never fires on it.
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

/** The window's report as stored: the drift report, and what it was compared with. */
export interface StoredDriftReport extends DriftReport {
  readonly version: number;
  readonly baselineUri: string;
}

export type DriftResult =
  | { readonly status: 'no-production' }
  | { readonly status: 'no-baseline'; readonly version: number }
  | {
      readonly status: 'checked';
      readonly windowId: string;
      readonly version: number;
      readonly records: number;
      readonly drifted: boolean;
      readonly driftDetectedEventSent: boolean;
      readonly reportUri: string;
    };

/** EventBridge refused the DriftDetected event; the invocation fails so that Lambda retries it. */
export class DriftEventError extends Error {
  constructor(readonly model: string, code: string | undefined, message: string | undefined) {
    super(`model "${model}": PutEvents refused the DriftDetected event: ${code ?? 'unknown error'}${message ? `: ${message}` : ''}`);
    this.name = 'DriftEventError';
  }
}

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

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

interface Window {
  readonly from: Date;
  readonly to: Date;
}

export function makeHandler(deps: DriftDeps): (event: unknown) => Promise<DriftResult> {
  const now = deps.now ?? (() => new Date());
  const metrics = deps.metrics ?? defaultMetrics();
  // The alarm reads the metrics with exactly the dimensions Stage and Model: Powertools' default
  // `service` dimension would make them other metrics.
  metrics.clearDefaultDimensions();

  return async (raw) => {
    const event: DriftCheckEvent = parseEvent(eventSchema, raw);
    const { model } = event;
    const checkedAt = now();
    const window: Window = event.window === undefined ? windowEndingBefore(checkedAt, event.windowMinutes) : { from: new Date(event.window.from), to: new Date(event.window.to) };
    const id = windowId(window);
    const log = { model, stage: deps.stage, windowId: id };

    const production = await productionOf(deps.registry, model);
    if (production === undefined) {
      logger.info('no production version: nothing to compare', log);
      return { status: 'no-production' };
    }
    const { baselineUri } = await deps.registry.getVersion(model, production);
    if (baselineUri === undefined) {
      logger.warn('the production version has no baseline: nothing to compare', { ...log, version: production });
      return { status: 'no-baseline', version: production };
    }
    const baseline = await readBaseline(deps.s3, baselineUri);

    const accumulator = accumulatorFor(baseline, baselineUri, { thresholds: event.thresholds, window });
    const objects = await captureObjects(deps, event.endpointName, window);
    for (const ref of objects) for await (const line of objectLines(deps.s3, ref)) accumulator.addLine(line);
    const report: StoredDriftReport = { ...accumulator.report(model), version: production, baselineUri };

    const reportKey = driftReportKey(model, id);
    const reportUri = s3Uri({ bucket: deps.artifactsBucket, key: reportKey });
    await deps.s3.send(new PutObjectCommand({ Bucket: deps.artifactsBucket, Key: reportKey, Body: JSON.stringify(report), ContentType: 'application/json' }));
    publishMetrics(metrics, deps.stage, report, checkedAt);

    // n earlier windows: the streak's n − 1, and the one before it, which must not have drifted (one event per streak).
    // Earlier windows only matter when this one drifted: a quiet window reads nothing more.
    const persists = report.drifted && driftPersists(report, await previousReports(deps, model, production, window, event.windowMinutes, event.consecutiveWindows), event.consecutiveWindows);
    if (persists) await sendDriftDetected(deps.eventBridge, { model, stage: deps.stage, version: production, window: isoWindow(window), maxPsi: report.maxPsi, maxKs: report.maxKs, features: driftedNames(report), reportUri });

    const malformed = malformedTotal(report);
    if (malformed > 0) logger.warn('skipped malformed capture lines', { ...log, malformed: report.malformed });
    logger.info('checked drift', { ...log, version: production, objects: objects.length, records: report.records, noData: report.noData, drifted: report.drifted, maxPsi: report.maxPsi, maxKs: report.maxKs, driftDetectedEventSent: persists, reportUri });
    return { status: 'checked', windowId: id, version: production, records: report.records, drifted: report.drifted, driftDetectedEventSent: persists, reportUri };
  };
}

/** The production version; none for a model the registry does not know. */
async function productionOf(registry: DriftDeps['registry'], model: string): Promise<number | undefined> {
  try {
    return (await registry.pointers(model)).production;
  } catch (error) {
    if (error instanceof UnknownModelError) return undefined;
    throw error;
  }
}

/** The capture files (JSON Lines) of the hours the window spans, in key order. */
async function captureObjects(deps: DriftDeps, endpointName: string, window: Window): Promise<S3ObjectRef[]> {
  const objects: S3ObjectRef[] = [];
  for (const prefix of captureHourPrefixes(endpointName, PRODUCTION_VARIANT, window)) {
    const scan = await scanDataObjects(deps.s3, `s3://${deps.captureBucket}/${prefix}`, { pageSize: deps.listPageSize });
    objects.push(...scan.objects.filter((ref) => ref.key.endsWith('.jsonl')));
  }
  return objects;
}

/**
 * The reports of the `count` windows before this one, newest first, each `windowMinutes` earlier
 * than the next. A window without a report
 * (no check ran), with an unreadable one, or compared with another production version counts
 * as not drifted: a new version starts a new streak.
 */
async function previousReports(deps: DriftDeps, model: string, version: number, window: Window, windowMinutes: number, count: number): Promise<(DriftReport | undefined)[]> {
  const step = windowMinutes * 60_000;
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const earlier = { from: new Date(window.from.getTime() - (i + 1) * step), to: new Date(window.to.getTime() - (i + 1) * step) };
      const key = driftReportKey(model, windowId(earlier));
      let text: string;
      try {
        const object = await deps.s3.send(new GetObjectCommand({ Bucket: deps.artifactsBucket, Key: key }));
        text = (await object.Body?.transformToString('utf8')) ?? '';
      } catch (error) {
        if (isS3Error(error, 'NoSuchKey')) return undefined;
        throw error;
      }
      try {
        const report = JSON.parse(text) as StoredDriftReport;
        return report.version === version ? report : undefined;
      } catch {
        logger.warn('unreadable earlier drift report: counted as not drifted', { model, key });
        return undefined;
      }
    }),
  );
}

/**
 * One EMF document per dimension set: the window's metrics under Stage and Model, then each
 * feature's under Stage, Model and Feature. An empty window publishes only its record counts.
 */
function publishMetrics(metrics: Metrics, stage: string, report: DriftReport, at: Date): void {
  const emit = (dimensions: Record<string, string>, values: readonly (readonly [string, Unit, number])[]): void => {
    for (const [name, value] of Object.entries(dimensions)) metrics.addDimension(name, value);
    for (const [name, unit, value] of values) metrics.addMetric(name, unit, value);
    metrics.setTimestamp(at);
    metrics.publishStoredMetrics();
  };
  const window = { Stage: stage, Model: report.model };
  const counts = [
    [DRIFT_METRICS.records, MetricUnit.Count, report.records],
    [DRIFT_METRICS.malformed, MetricUnit.Count, malformedTotal(report)],
  ] as const;
  if (report.noData) {
    emit(window, counts);
    return;
  }
  emit(window, [[DRIFT_METRICS.maxPsi, MetricUnit.NoUnit, report.maxPsi], [DRIFT_METRICS.maxKs, MetricUnit.NoUnit, report.maxKs], [DRIFT_METRICS.drifted, MetricUnit.Count, report.drifted ? 1 : 0], ...counts]);
  for (const feature of comparedFeatures(report)) {
    emit({ ...window, Feature: feature.name }, [
      [FEATURE_DRIFT_METRICS.psi, MetricUnit.NoUnit, feature.psi],
      ...(feature.kind === 'numeric' ? [[FEATURE_DRIFT_METRICS.ks, MetricUnit.NoUnit, feature.ks] as const] : []),
    ]);
  }
}

async function sendDriftDetected(eventBridge: EventBridgeClient, detail: DriftDetectedDetail): Promise<void> {
  const output = await eventBridge.send(new PutEventsCommand({ Entries: [{ Source: DRIFT_EVENT.source, DetailType: DRIFT_EVENT.detailType, Detail: JSON.stringify(detail) }] }));
  if ((output.FailedEntryCount ?? 0) > 0) {
    const [entry] = output.Entries ?? [];
    throw new DriftEventError(detail.model, entry?.ErrorCode, entry?.ErrorMessage);
  }
}

function comparedFeatures(report: DriftReport): FeatureDrift[] {
  return report.prediction === undefined ? [...report.features] : [...report.features, report.prediction];
}

function driftedNames(report: DriftReport): string[] {
  return comparedFeatures(report)
    .filter((f) => f.drifted)
    .map((f) => f.name);
}

function malformedTotal(report: DriftReport): number {
  return Object.values(report.malformed).reduce((sum: number, n) => sum + (n ?? 0), 0);
}

function isoWindow(window: Window): { from: string; to: string } {
  return { from: window.from.toISOString(), to: window.to.toISOString() };
}

function defaultMetrics(): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE });
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
