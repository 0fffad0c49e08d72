/**
 * Feature store types and ports (pure: no SDK imports). The online store holds the latest row
 * per entity and feature group; the offline store holds every row ever written, for
 * point-in-time training sets.
 */

/** A feature value as stored and served. */
export type FeatureValue = number | string | boolean | null;

/** One row written to the feature store. */
export interface FeatureRow {
  readonly entityId: string;
  /** Feature group name (kebab-case). */
  readonly group: string;
  /** When the values were true in the world (ISO-8601 with a zone). */
  readonly eventTime: string;
  readonly values: Readonly<Record<string, FeatureValue>>;
}

/** A stored online row, as read back. */
export interface OnlineRow {
  readonly entityId: string;
  readonly group: string;
  readonly eventTime: string;
  /** When the row was written (ISO-8601). */
  readonly writtenAt: string;
  readonly values: Readonly<Record<string, FeatureValue>>;
}

/** Why a row was not written. */
export interface RejectedRow {
  /** 1-based position of the row in the input. */
  readonly row: number;
  readonly reason: string;
}

/** The outcome of an online put. Every input row is in exactly one of the three counts. */
export interface PutResult {
  /** Rows written to the online store (new, or newer than what it held). */
  readonly written: number;
  /** Rows not written online because the store already held a row at least as new (re-deliveries included). */
  readonly skippedStale: number;
  /** 1-based row numbers of the stale rows. */
  readonly staleRows: readonly number[];
  /** Rows refused as invalid, with their row numbers and reasons. */
  readonly rejected: readonly RejectedRow[];
  /** Offline objects appended (s3://bucket/key), one per group and event date. */
  readonly offlineObjects: readonly string[];
}

/** The outcome of an online get for many entities. */
export interface GetResult {
  /** Rows found, by entity id. */
  readonly rows: ReadonlyMap<string, OnlineRow>;
  /** Entity ids the store has no row for (in input order). */
  readonly missing: readonly string[];
}

/** Port: reads online feature rows (the client depends on this, not on DynamoDB). */
export interface OnlineFeatureReader {
  getMany(group: string, entityIds: readonly string[]): Promise<GetResult>;
}

/** Column type of a feature, as Athena sees it. */
export type FeatureType = 'double' | 'bigint' | 'string' | 'boolean';

/** A feature group's definition (from the stage config): its features and how long online rows live. */
export interface FeatureGroupSpec {
  readonly name: string;
  /** Online rows expire this long after their event time. */
  readonly ttlSeconds: number;
  readonly features: readonly { readonly name: string; readonly type: FeatureType }[];
}

/** One row of the offline store: a feature row plus when it was written (for point-in-time joins). */
export interface OfflineRow {
  readonly entityId: string;
  /** ISO-8601 UTC. */
  readonly eventTime: string;
  /** When the row was appended (ISO-8601 UTC); breaks ties between rows with the same event time. */
  readonly writeTime: string;
  readonly values: Readonly<Record<string, FeatureValue>>;
}
