/**
 * Feature store types and ports (pure: no SDK imports). The online store holds the latest row
 * per entity and feature group; the offline store holds every row ever written, for
 * point-in-time training sets.
 */
import type { FeatureValue } from '../../../lib/contract';

// What the application client publishes, and the feature groups the stage config declares, are
// defined in the contract, so a refactor here cannot change them.
export type { FeatureGroupSpec, FeatureType, FeatureValue, GetResult, OnlineFeatureReader, OnlineRow } from '../../../lib/contract';

/** One row written to the feature store. */
export interface FeatureRow {
  readonly entityId: string;
  /** Feature group name (kebab-case). */
  readonly group: string;
  /** When the values were true in the world (ISO-8601 with a zone). */
  readonly eventTime: string;
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

/** One row of the offline store: a feature row plus when it was written (for point-in-time joins). */
export interface OfflineRow {
  readonly entityId: string;
  /** ISO-8601 UTC. */
  readonly eventTime: string;
  /** When the row was appended (ISO-8601 UTC); breaks ties between rows with the same event time. */
  readonly writeTime: string;
  readonly values: Readonly<Record<string, FeatureValue>>;
}
