/**
 * The online feature types the application client publishes (`gantry-mlops/client`), and the
 * feature groups a stage's config declares: defined here, not in the run-time core, so an
 * internal refactor cannot change the public API.
 */

/** A feature value as stored and served. */
export type FeatureValue = number | string | boolean | null;

/** A stored online row, as read back. */
export interface OnlineRow {
  readonly entityId: string;
  readonly group: string;
  readonly eventTime: string;
  /** When the row was written (ISO-8601). */
  readonly writtenAt: string;
  readonly values: Readonly<Record<string, FeatureValue>>;
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
