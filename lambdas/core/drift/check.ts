/**
 * The scheduled drift check of one model and window, over ports: resolves the production
 * version and its baseline, compares the window's captured traffic with it, stores the report,
 * publishes the drift metrics, and sends a DriftDetected event once drift has held for
 * `consecutiveWindows` windows in a row. An empty window publishes no drift value, so the drift
 * alarm never fires on it.
 */
import { DRIFT_METRICS, type DriftDetectedDetail, FEATURE_DRIFT_METRICS, PRODUCTION_VARIANT } from '../../../lib/contract';
import type { Log } from '../log';
import { UnknownModelError, type Registry } from '../registry/model';
import type { CaptureWindow } from './capture';
import { compareCapture, type BaselineSource, type CaptureFile } from './compare';
import type { DriftReport, DriftThresholds, FeatureDrift } from './types';
import { captureHourPrefixes, driftPersists, windowEndingBefore, windowId } from './window';

/** Port: the endpoint's capture files (JSON Lines) under a capture prefix, in key order. */
export interface CaptureSource {
  list(prefix: string): Promise<readonly CaptureFile[]>;
}

/** Port: where each window's report is kept, as JSON text, one per model and window id. */
export interface DriftReportStore {
  /** Where the window's report is (or would be) stored. */
  uriOf(model: string, windowId: string): string;
  put(model: string, windowId: string, json: string): Promise<void>;
  /** The window's report, or undefined when none was stored. */
  get(model: string, windowId: string): Promise<string | undefined>;
}

/** A metric value; units as CloudWatch names them. */
export interface MetricValue {
  readonly name: string;
  readonly unit: 'Count' | 'None';
  readonly value: number;
}

/** Port: publishes one set of metrics under one set of dimensions, timestamped `at`. */
export interface DriftMetricsSink {
  publish(dimensions: Readonly<Record<string, string>>, values: readonly MetricValue[], at: Date): void;
}

/** Port: sends the DriftDetected event. @throws when the bus refuses it, so the check is retried */
export interface DriftEventBus {
  driftDetected(detail: DriftDetectedDetail): Promise<void>;
}

export interface DriftCheckPorts {
  readonly registry: Pick<Registry, 'pointers' | 'getVersion'>;
  readonly baselines: BaselineSource;
  readonly capture: CaptureSource;
  readonly reports: DriftReportStore;
  readonly metrics: DriftMetricsSink;
  readonly events: DriftEventBus;
  readonly log: Log;
}

export interface DriftCheckInput {
  readonly model: string;
  readonly stage: string;
  readonly endpointName: string;
  readonly windowMinutes: number;
  readonly thresholds: DriftThresholds;
  readonly consecutiveWindows: number;
  /** @default the `windowMinutes` long window ending before `checkedAt` (windowEndingBefore) */
  readonly window?: CaptureWindow;
  /** When the check runs: it picks the default window and timestamps the metrics. */
  readonly checkedAt: Date;
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

/** See the module comment. @throws InvalidBaselineError, and whatever a port throws */
export async function checkDrift(input: DriftCheckInput, ports: DriftCheckPorts): Promise<DriftResult> {
  const { model, stage } = input;
  const window = input.window ?? windowEndingBefore(input.checkedAt, input.windowMinutes);
  const id = windowId(window);
  const log = { model, stage, windowId: id };

  const production = await productionOf(ports.registry, model);
  if (production === undefined) {
    ports.log.info('no production version: nothing to compare', log);
    return { status: 'no-production' };
  }
  const { baselineUri } = await ports.registry.getVersion(model, production);
  if (baselineUri === undefined) {
    ports.log.warn('the production version has no baseline: nothing to compare', { ...log, version: production });
    return { status: 'no-baseline', version: production };
  }
  const baseline = await ports.baselines.read(baselineUri);

  let objects = 0;
  // Listed all at once, and only once the baseline is known to be comparable (compareCapture).
  async function* windowFiles(): AsyncGenerator<CaptureFile> {
    const files: CaptureFile[] = [];
    for (const prefix of captureHourPrefixes(input.endpointName, PRODUCTION_VARIANT, window)) files.push(...(await ports.capture.list(prefix)));
    objects = files.length;
    yield* files;
  }
  const compared = await compareCapture(baseline, baselineUri, windowFiles(), { model, thresholds: input.thresholds, window });
  const report: StoredDriftReport = { ...compared, version: production, baselineUri };

  const reportUri = ports.reports.uriOf(model, id);
  await ports.reports.put(model, id, JSON.stringify(report));
  for (const { dimensions, values } of driftMetrics(stage, report)) ports.metrics.publish(dimensions, values, input.checkedAt);

  // n earlier windows: the streak's n − 1, and the one before it, which must not have drifted (one event per streak).
  // Earlier windows only matter when this one drifted: a quiet window reads nothing more.
  const persists = report.drifted && driftPersists(report, await previousReports(ports, model, production, window, input.windowMinutes, input.consecutiveWindows), input.consecutiveWindows);
  if (persists) await ports.events.driftDetected({ model, stage, version: production, window: isoWindow(window), maxPsi: report.maxPsi, maxKs: report.maxKs, features: driftedNames(report), reportUri });

  if (malformedTotal(report) > 0) ports.log.warn('skipped malformed capture lines', { ...log, malformed: report.malformed });
  ports.log.info('checked drift', { ...log, version: production, objects, records: report.records, noData: report.noData, drifted: report.drifted, maxPsi: report.maxPsi, maxKs: report.maxKs, driftDetectedEventSent: persists, reportUri });
  return { status: 'checked', windowId: id, version: production, records: report.records, drifted: report.drifted, driftDetectedEventSent: persists, reportUri };
}

/**
 * The metrics of a window's report, one set per dimension set: the window's under Stage and
 * Model, then each compared feature's under Stage, Model and Feature. An empty window has only
 * its record counts, so the drift alarm sees no value for it.
 */
export function driftMetrics(stage: string, report: DriftReport): { readonly dimensions: Readonly<Record<string, string>>; readonly values: readonly MetricValue[] }[] {
  const window = { Stage: stage, Model: report.model };
  const counts: MetricValue[] = [
    { name: DRIFT_METRICS.records, unit: 'Count', value: report.records },
    { name: DRIFT_METRICS.malformed, unit: 'Count', value: malformedTotal(report) },
  ];
  if (report.noData) return [{ dimensions: window, values: counts }];
  return [
    {
      dimensions: window,
      values: [
        { name: DRIFT_METRICS.maxPsi, unit: 'None', value: report.maxPsi },
        { name: DRIFT_METRICS.maxKs, unit: 'None', value: report.maxKs },
        { name: DRIFT_METRICS.drifted, unit: 'Count', value: report.drifted ? 1 : 0 },
        ...counts,
      ],
    },
    ...comparedFeatures(report).map((feature) => ({
      dimensions: { ...window, Feature: feature.name },
      values: [
        { name: FEATURE_DRIFT_METRICS.psi, unit: 'None', value: feature.psi } as const,
        ...(feature.kind === 'numeric' ? [{ name: FEATURE_DRIFT_METRICS.ks, unit: 'None', value: feature.ks } as const] : []),
      ],
    })),
  ];
}

/** The production version; none for a model the registry does not know. */
async function productionOf(registry: DriftCheckPorts['registry'], model: string): Promise<number | undefined> {
  try {
    return (await registry.pointers(model)).production;
  } catch (error) {
    if (error instanceof UnknownModelError) return undefined;
    throw error;
  }
}

/**
 * The reports of the `count` windows before this one, newest first, each `windowMinutes` earlier
 * than the next. A window without a report (no check ran), with an unreadable one, or compared
 * with another production version counts as not drifted: a new version starts a new streak.
 */
async function previousReports(ports: DriftCheckPorts, model: string, version: number, window: CaptureWindow, windowMinutes: number, count: number): Promise<(DriftReport | undefined)[]> {
  const step = windowMinutes * 60_000;
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const earlier = windowId({ from: new Date(window.from.getTime() - (i + 1) * step) });
      const text = await ports.reports.get(model, earlier);
      if (text === undefined) return undefined;
      try {
        const report = JSON.parse(text) as StoredDriftReport;
        return report.version === version ? report : undefined;
      } catch {
        ports.log.warn('unreadable earlier drift report: counted as not drifted', { model, reportUri: ports.reports.uriOf(model, earlier) });
        return undefined;
      }
    }),
  );
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

function isoWindow(window: CaptureWindow): { from: string; to: string } {
  return { from: window.from.toISOString(), to: window.to.toISOString() };
}
