/**
 * The feature service (the run-time side of the FeatureStore construct): validate, append to the offline history, then update the online
 * store; and build point-in-time training sets from the history. Depends on ports only.
 */
import { latestLabelTime, pointInTimeJoin, type Label, type PointInTimeOptions, type PointInTimeResult } from './point-in-time';
import { featureCatalog, validateJsonLines, validateRows, type FeatureCatalog, type ValidatedRows } from './rows';
import type { FeatureGroupSpec, FeatureRow, OfflineRow, PutResult } from './types';

/** What the online store reports for a batch. Row numbers are 1-based positions in the batch it was given. */
export interface OnlineWriteResult {
  readonly written: number;
  readonly skippedStale: number;
  readonly staleRows: readonly number[];
}

/** Port: writes rows to the online store, never replacing a newer event with an older one. */
export interface OnlineFeatureWriter {
  put(rows: readonly FeatureRow[], writtenAt?: Date): Promise<OnlineWriteResult>;
}

/** Port: appends rows to the offline history; returns the URIs of the objects written. */
export interface OfflineFeatureAppender {
  append(rows: readonly FeatureRow[], writeTime: Date): Promise<readonly string[]>;
}

/** Port: reads a group's offline history, optionally only rows with an event time up to `upTo`. */
export interface OfflineFeatureReader {
  read(group: string, options?: { readonly upTo?: Date }): Promise<readonly OfflineRow[]>;
}

/** Thrown for a request the store cannot serve (e.g. an unknown feature group). */
export class FeatureStoreError extends Error {
  override readonly name = 'FeatureStoreError';
}

export interface FeatureServiceDeps {
  readonly online: OnlineFeatureWriter;
  readonly offline: OfflineFeatureAppender & OfflineFeatureReader;
  readonly groups: readonly FeatureGroupSpec[];
  /** @default the current time */
  readonly clock?: () => Date;
  /** How far in the future an event time may be. @default 5 minutes */
  readonly maxFutureSkewMs?: number;
}

export class FeatureService {
  private readonly catalog: FeatureCatalog;
  private readonly clock: () => Date;

  constructor(private readonly deps: FeatureServiceDeps) {
    this.catalog = featureCatalog(deps.groups);
    this.clock = deps.clock ?? (() => new Date());
  }

  /** Validates raw rows (row numbers are positions from 1) and writes the valid ones. */
  async put(rawRows: readonly unknown[]): Promise<PutResult> {
    return this.write(validateRows(rawRows, this.catalog, this.validateOptions()));
  }

  /** As `put`, for JSON Lines text; row numbers are line numbers. */
  async putJsonLines(text: string): Promise<PutResult> {
    return this.write(validateJsonLines(text, this.catalog, this.validateOptions()));
  }

  /** Labels joined as of their label times to the named groups' offline history. */
  async trainingSet(labels: readonly Label[], groups: readonly string[], options: PointInTimeOptions = {}): Promise<PointInTimeResult> {
    const specs = groups.map((name) => {
      const spec = this.catalog.get(name);
      if (spec === undefined) throw new FeatureStoreError(`unknown feature group "${name}"`);
      return spec;
    });
    const features = specs.map((spec) => spec.features.map((feature) => feature.name));
    if (labels.length === 0) return pointInTimeJoin([], specs.map((spec, i) => ({ group: spec.name, features: features[i]!, rows: [] })), options);
    // Rows after the last label can never be picked, so they need not be read.
    const upTo = latestLabelTime(labels);
    const history = await Promise.all(specs.map((spec) => this.deps.offline.read(spec.name, { upTo })));
    return pointInTimeJoin(
      labels,
      specs.map((spec, i) => ({ group: spec.name, features: features[i]!, rows: history[i]! })),
      options,
    );
  }

  private validateOptions(): { now: Date; maxFutureSkewMs?: number } {
    return { now: this.clock(), ...(this.deps.maxFutureSkewMs === undefined ? {} : { maxFutureSkewMs: this.deps.maxFutureSkewMs }) };
  }

  private async write({ valid, rejected }: ValidatedRows): Promise<PutResult> {
    if (valid.length === 0) return { written: 0, skippedStale: 0, staleRows: [], rejected, offlineObjects: [] };
    const rows = valid.map((v) => v.featureRow);
    const writeTime = this.clock();
    // History first: if it fails nothing is online yet, and a retry of the whole batch is safe
    // because the online writes are idempotent. Late rows are kept as history even when the
    // online store already holds newer values.
    const offlineObjects = await this.deps.offline.append(rows, writeTime);
    // Within one batch only the newest row per entity and group goes online (ties: the later
    // row); the others are stale by definition. Writing them all would race: concurrent writes
    // land in any order, so the counts would depend on timing, not on the data.
    const { latest, superseded } = newestPerKey(rows);
    const online = await this.deps.online.put(latest.map((i) => rows[i]!), writeTime);
    const staleRows = [...superseded, ...online.staleRows.map((position) => latest[position - 1]!)].map((i) => valid[i]!.row).sort((a, b) => a - b);
    return { written: online.written, skippedStale: staleRows.length, staleRows, rejected, offlineObjects };
  }
}

/** Indexes of the newest row per (entity, group), and of the rows they supersede. */
function newestPerKey(rows: readonly FeatureRow[]): { latest: number[]; superseded: number[] } {
  const newest = new Map<string, number>();
  rows.forEach((row, i) => {
    const key = `${row.group}\u0000${row.entityId}`;
    const current = newest.get(key);
    if (current === undefined || Date.parse(row.eventTime) >= Date.parse(rows[current]!.eventTime)) newest.set(key, i);
  });
  const latest = [...newest.values()].sort((a, b) => a - b);
  const kept = new Set(latest);
  return { latest, superseded: rows.map((_, i) => i).filter((i) => !kept.has(i)) };
}
