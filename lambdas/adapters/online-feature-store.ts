/**
 * The online feature store over DynamoDB: the latest row per entity and feature group.
 * Writes are conditional on event time, so concurrent writers can never replace a newer event
 * with an older one; reads batch 100 keys per call and retry what DynamoDB leaves unprocessed.
 */
import { BatchGetItemCommand, PutItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FEATURE_TABLE } from '../../lib/contract';
import type { OnlineFeatureWriter, OnlineWriteResult } from '../core/features/feature-service';
import { expiresAt, onlineKey, parseEventTime, rowHash } from '../core/features/rows';
import type { FeatureGroupSpec, FeatureRow, FeatureValue, GetResult, OnlineFeatureReader, OnlineRow } from '../core/features/types';
import { mapLimit } from '../shared/concurrency';

/** BatchGetItem's limit on keys per request. */
export const MAX_BATCH_GET_KEYS = 100;

/** Retry schedule for throttled or failed requests: exponential backoff with full jitter. */
export interface RetryPolicy {
  /** Attempts per request, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Source of jitter in [0, 1). Injectable so tests are deterministic. */
  readonly random: () => number;
  /** Injectable so tests need not wait. */
  readonly sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 10,
  baseDelayMs: 25,
  maxDelayMs: 2_000,
  random: Math.random,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Thrown when rows could not be written; `notWritten` names them (1-based positions in the batch). */
export class OnlineWriteError extends Error {
  override readonly name = 'OnlineWriteError';
  constructor(
    message: string,
    readonly notWritten: readonly number[],
    /** What did get through before the failure. */
    readonly partial: OnlineWriteResult,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Thrown when keys stay unprocessed after every retry, or a read fails for good. */
export class OnlineReadError extends Error {
  override readonly name = 'OnlineReadError';
  constructor(
    message: string,
    readonly unreadEntityIds: readonly string[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface DynamoOnlineFeatureStoreProps {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Groups this store writes (their TTLs). @default none - `put` refuses every group; reading needs no specs */
  readonly groups?: readonly FeatureGroupSpec[];
  /** Requests in flight at once. @default 16 */
  readonly concurrency?: number;
  /** @default DEFAULT_RETRY_POLICY */
  readonly retry?: Partial<RetryPolicy>;
  /** Clock for `writtenAt` and for hiding expired rows. @default the current time */
  readonly clock?: () => Date;
}

export interface PutStats extends OnlineWriteResult {
  /** Requests retried after a retryable error (a sign of throttling). */
  readonly retries: number;
}

export interface GetOptions {
  /** Strongly consistent reads (twice the read cost). @default false */
  readonly consistentRead?: boolean;
}

const RETRYABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'TransactionConflictException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const RETRYABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** Throttling, server-side and network errors are worth another attempt; anything else is not. */
export function isRetryable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { name, code, $retryable, $metadata } = err as { name?: unknown; code?: unknown; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (typeof name === 'string' && RETRYABLE_NAMES.has(name)) return true;
  if (typeof code === 'string' && RETRYABLE_CODES.has(code)) return true;
  if ($retryable) return true;
  const status = $metadata?.httpStatusCode;
  return status !== undefined && (status >= 500 || status === 429);
}

function isConditionFailure(err: unknown): err is { Item?: Record<string, AttributeValue> } {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'ConditionalCheckFailedException';
}

function toAttribute(value: FeatureValue): AttributeValue {
  if (value === null) return { NULL: true };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  return { S: value };
}

function fromAttribute(value: AttributeValue, where: string): FeatureValue {
  if (value.N !== undefined) return Number(value.N);
  if (value.S !== undefined) return value.S;
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  throw new OnlineReadError(`${where} has an attribute type a feature value cannot have: ${Object.keys(value).join(',')}`, []);
}

export class DynamoOnlineFeatureStore implements OnlineFeatureReader, OnlineFeatureWriter {
  private readonly ttlByGroup: ReadonlyMap<string, number>;
  private readonly retry: RetryPolicy;
  private readonly concurrency: number;
  private readonly clock: () => Date;

  constructor(private readonly props: DynamoOnlineFeatureStoreProps) {
    this.ttlByGroup = new Map((props.groups ?? []).map((group) => [group.name, group.ttlSeconds]));
    this.retry = { ...DEFAULT_RETRY_POLICY, ...props.retry };
    this.concurrency = props.concurrency ?? 16;
    this.clock = props.clock ?? (() => new Date());
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${this.concurrency}`);
    if (!Number.isInteger(this.retry.maxAttempts) || this.retry.maxAttempts < 1) {
      throw new RangeError(`retry.maxAttempts must be a positive integer, got ${this.retry.maxAttempts}`);
    }
  }

  /**
   * One conditional PutItem per row (BatchWriteItem cannot carry a condition). A row whose
   * condition fails is stale or a re-delivery and is counted in `skippedStale`.
   */
  async put(rows: readonly FeatureRow[], writtenAt: Date = this.clock()): Promise<PutStats> {
    const unknown = [...new Set(rows.map((row) => row.group).filter((group) => !this.ttlByGroup.has(group)))];
    if (unknown.length > 0) throw new RangeError(`no feature group spec (TTL) for ${unknown.map((g) => `"${g}"`).join(', ')}`);

    const outcomes: Array<'written' | 'stale' | undefined> = new Array(rows.length);
    let retries = 0;
    let failure: unknown;
    await mapLimit(
      rows,
      this.concurrency,
      async (row, index) => {
        try {
          const result = await this.putOne(row, writtenAt);
          retries += result.retries;
          outcomes[index] = result.outcome;
        } catch (err) {
          // Once a row fails for good, more requests would only fail the same way (or add throttling).
          failure ??= err;
        }
      },
      () => failure !== undefined,
    );

    const staleRows = outcomes.flatMap((outcome, index) => (outcome === 'stale' ? [index + 1] : []));
    const written = outcomes.filter((outcome) => outcome === 'written').length;
    const stats: PutStats = { written, skippedStale: staleRows.length, staleRows, retries };
    if (failure !== undefined) {
      const notWritten = Array.from(outcomes, (outcome, index) => (outcome === undefined ? index + 1 : 0)).filter((row) => row > 0);
      const shown = notWritten.length > 20 ? `${notWritten.slice(0, 20).join(', ')}, … (${notWritten.length} in all)` : notWritten.join(', ');
      throw new OnlineWriteError(`${notWritten.length} of ${rows.length} rows were not written to ${this.props.tableName}: rows ${shown}`, notWritten, stats, {
        cause: failure,
      });
    }
    return stats;
  }

  private async putOne(row: FeatureRow, writtenAt: Date): Promise<{ outcome: 'written' | 'stale'; retries: number }> {
    const time = parseEventTime(row.eventTime);
    if ('reason' in time) throw new RangeError(`eventTime ${time.reason}`);
    const hash = rowHash(row.values);
    const writtenAtIso = writtenAt.toISOString();
    const key = onlineKey(row.entityId, row.group);
    const item: Record<string, AttributeValue> = {
      [FEATURE_TABLE.partitionKey]: { S: key.entityId },
      [FEATURE_TABLE.sortKey]: { S: key.featureGroup },
      eventTime: { S: row.eventTime },
      eventTimeMs: { N: String(time.ms) },
      writtenAt: { S: writtenAtIso },
      [FEATURE_TABLE.ttlAttribute]: { N: String(expiresAt(row.eventTime, this.ttlByGroup.get(row.group)!)) },
      rowHash: { S: hash },
      values: { M: Object.fromEntries(Object.entries(row.values).map(([name, value]) => [name, toAttribute(value)])) },
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.props.client.send(
          new PutItemCommand({
            TableName: this.props.tableName,
            Item: item,
            // Same event time with a different hash is a correction (allowed); with the same hash, a re-delivery.
            ConditionExpression: 'attribute_not_exists(#pk) OR #t < :t OR (#t = :t AND #h <> :h)',
            ExpressionAttributeNames: { '#pk': FEATURE_TABLE.partitionKey, '#t': 'eventTimeMs', '#h': 'rowHash' },
            ExpressionAttributeValues: { ':t': { N: String(time.ms) }, ':h': { S: hash } },
            // On a retry the first attempt may have landed with its response lost; the old item tells.
            ...(attempt > 1 ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
          }),
        );
        return { outcome: 'written', retries: attempt - 1 };
      } catch (err) {
        if (isConditionFailure(err)) {
          const ours = err.Item?.rowHash?.S === hash && err.Item?.writtenAt?.S === writtenAtIso;
          return { outcome: ours ? 'written' : 'stale', retries: attempt - 1 };
        }
        if (!isRetryable(err) || attempt >= this.retry.maxAttempts) throw err;
        await this.retry.sleep(this.backoff(attempt));
      }
    }
  }

  /** Rows of `group` for the entity ids (deduplicated); expired rows count as missing. */
  async getMany(group: string, entityIds: readonly string[], options: GetOptions = {}): Promise<GetResult> {
    const unique = [...new Set(entityIds)];
    // DynamoDB rejects an empty key string; such an id can have no row anyway.
    const queryable = unique.filter((id) => id !== '');
    const chunks: string[][] = [];
    for (let i = 0; i < queryable.length; i += MAX_BATCH_GET_KEYS) chunks.push(queryable.slice(i, i + MAX_BATCH_GET_KEYS));

    const found = new Map<string, OnlineRow>();
    const nowSeconds = Math.floor(this.clock().getTime() / 1000);
    let failure: unknown;
    await mapLimit(
      chunks,
      Math.min(this.concurrency, 4),
      async (chunk) => {
        try {
          for (const item of await this.batchGet(group, chunk, options.consistentRead ?? false)) {
            const row = this.toOnlineRow(item, nowSeconds);
            if (row !== undefined) found.set(row.entityId, row);
          }
        } catch (err) {
          failure ??= err;
        }
      },
      () => failure !== undefined,
    );
    if (failure !== undefined) throw failure;

    const rows = new Map<string, OnlineRow>();
    for (const id of unique) {
      const row = found.get(id);
      if (row !== undefined) rows.set(id, row);
    }
    return { rows, missing: unique.filter((id) => !found.has(id)) };
  }

  private async batchGet(group: string, entityIds: readonly string[], consistentRead: boolean): Promise<Record<string, AttributeValue>[]> {
    const table = this.props.tableName;
    let pending: Record<string, AttributeValue>[] = entityIds.map((id) => {
      const key = onlineKey(id, group);
      return { [FEATURE_TABLE.partitionKey]: { S: key.entityId }, [FEATURE_TABLE.sortKey]: { S: key.featureGroup } };
    });
    const items: Record<string, AttributeValue>[] = [];
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.retry.maxAttempts; attempt++) {
      if (attempt > 1) await this.retry.sleep(this.backoff(attempt - 1));
      try {
        const response = await this.props.client.send(
          new BatchGetItemCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: consistentRead } } }),
        );
        items.push(...(response.Responses?.[table] ?? []));
        pending = response.UnprocessedKeys?.[table]?.Keys ?? [];
        lastError = undefined;
        if (pending.length === 0) return items;
      } catch (err) {
        if (!isRetryable(err)) throw new OnlineReadError(`BatchGetItem on ${table} failed`, entityIds, { cause: err });
        lastError = err;
      }
    }
    const unread = pending.map((key) => key[FEATURE_TABLE.partitionKey]?.S ?? '?');
    throw new OnlineReadError(
      `${unread.length} keys of group "${group}" were still unprocessed after ${this.retry.maxAttempts} BatchGetItem attempts`,
      unread,
      lastError === undefined ? undefined : { cause: lastError },
    );
  }

  private toOnlineRow(item: Record<string, AttributeValue>, nowSeconds: number): OnlineRow | undefined {
    const entityId = item[FEATURE_TABLE.partitionKey]?.S;
    const where = `item ${JSON.stringify(entityId)} of ${this.props.tableName}`;
    const expiry = item[FEATURE_TABLE.ttlAttribute]?.N;
    // TTL deletion lags expiry by up to days, and reads still return expired items meanwhile.
    if (expiry !== undefined && Number(expiry) <= nowSeconds) return undefined;
    const group = item[FEATURE_TABLE.sortKey]?.S;
    const eventTime = item.eventTime?.S;
    const writtenAt = item.writtenAt?.S;
    const values = item.values?.M;
    if (entityId === undefined || group === undefined || eventTime === undefined || writtenAt === undefined || values === undefined) {
      throw new OnlineReadError(`${where} lacks entityId, featureGroup, eventTime, writtenAt or values`, entityId === undefined ? [] : [entityId]);
    }
    return {
      entityId,
      group,
      eventTime,
      writtenAt,
      values: Object.fromEntries(Object.entries(values).map(([name, value]) => [name, fromAttribute(value, `${where} feature "${name}"`)])),
    };
  }

  /** Full jitter: a uniform delay in [0, min(max, base * 2^(attempt-1))). */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.retry.random() * ceiling);
  }
}
