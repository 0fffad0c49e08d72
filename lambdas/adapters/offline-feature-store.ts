/**
 * The offline feature store over S3: append-only JSON Lines objects, partitioned by group and
 * event date (Hive style, so Athena prunes on `event_date`), read back for in-process joins.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { OFFLINE_FEATURES_PREFIX } from '../../lib/contract';
import type { OfflineFeatureAppender, OfflineFeatureReader } from '../core/features/feature-service';
import { groupTableName } from '../core/features/point-in-time';
import { parseEventTime, RESERVED_OFFLINE_COLUMNS } from '../core/features/rows';
import type { FeatureRow, FeatureValue, OfflineRow } from '../core/features/types';
import { mapLimit } from '../shared/concurrency';

/** Thrown when an offline object holds a line that is not a row this store wrote. */
export class OfflineReadError extends Error {
  override readonly name = 'OfflineReadError';
}

export interface S3OfflineFeatureStoreProps {
  readonly client: S3Client;
  readonly bucket: string;
  /** Keys per ListObjectsV2 page. @default 1000 (the S3 maximum) */
  readonly pageSize?: number;
  /** Objects uploaded at once by `append`. @default 8 */
  readonly concurrency?: number;
}

const PARTITION = /\/event_date=(\d{4}-\d{2}-\d{2})\//;

/** Key prefix of a group's offline rows, e.g. `offline/customer_activity/`. */
export function offlineGroupPrefix(group: string): string {
  return `${OFFLINE_FEATURES_PREFIX}/${groupTableName(group)}/`;
}

export class S3OfflineFeatureStore implements OfflineFeatureAppender, OfflineFeatureReader {
  constructor(private readonly props: S3OfflineFeatureStoreProps) {}

  /** Writes one object per (group, event date) and returns their `s3://` URIs. */
  async append(rows: readonly FeatureRow[], writeTime: Date): Promise<string[]> {
    const writeTimeIso = writeTime.toISOString();
    const objects = new Map<string, string[]>();
    for (const row of rows) {
      const prefix = `${offlineGroupPrefix(row.group)}event_date=${eventDate(row.eventTime)}/`;
      const lines = objects.get(prefix) ?? [];
      lines.push(JSON.stringify(toLine(row, writeTimeIso)));
      objects.set(prefix, lines);
    }
    // The random part keeps two writers with the same write time from overwriting each other.
    const batch = `${writeTime.getTime()}-${randomBytes(6).toString('hex')}`;
    const entries = [...objects.entries()];
    return mapLimit(entries, this.props.concurrency ?? 8, async ([prefix, lines]) => {
      const key = `${prefix}${batch}.jsonl`;
      await this.props.client.send(new PutObjectCommand({ Bucket: this.props.bucket, Key: key, Body: `${lines.join('\n')}\n`, ContentType: 'application/x-ndjson' }));
      return `s3://${this.props.bucket}/${key}`;
    });
  }

  /** A group's rows with an event time at or before `upTo` (all rows without it). */
  async read(group: string, options: { readonly upTo?: Date } = {}): Promise<OfflineRow[]> {
    const rows: OfflineRow[] = [];
    for await (const row of this.stream(group, options)) rows.push(row);
    return rows;
  }

  /** As `read`, one row at a time; objects are streamed line by line, never held whole. */
  async *stream(group: string, options: { readonly upTo?: Date } = {}): AsyncGenerator<OfflineRow> {
    const upToMs = options.upTo?.getTime();
    const lastDate = options.upTo === undefined ? undefined : options.upTo.toISOString().slice(0, 10);
    for await (const key of this.keys(offlineGroupPrefix(group))) {
      const date = PARTITION.exec(key)?.[1];
      // Partition pruning: a whole day after upTo cannot hold a row at or before it.
      if (lastDate !== undefined && date !== undefined && date > lastDate) continue;
      for await (const row of this.objectRows(key)) {
        if (upToMs === undefined || Date.parse(row.eventTime) <= upToMs) yield row;
      }
    }
  }

  private async *keys(prefix: string): AsyncGenerator<string> {
    let token: string | undefined;
    do {
      const page = await this.props.client.send(
        new ListObjectsV2Command({ Bucket: this.props.bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: this.props.pageSize ?? 1000 }),
      );
      for (const object of page.Contents ?? []) if (object.Key !== undefined && object.Key.endsWith('.jsonl')) yield object.Key;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  private async *objectRows(key: string): AsyncGenerator<OfflineRow> {
    const object = await this.props.client.send(new GetObjectCommand({ Bucket: this.props.bucket, Key: key }));
    if (!(object.Body instanceof Readable)) throw new OfflineReadError(`s3://${this.props.bucket}/${key} has no readable body`);
    const lines = createInterface({ input: object.Body, crlfDelay: Infinity });
    let lineNumber = 0;
    try {
      for await (const line of lines) {
        lineNumber += 1;
        if (line.trim() === '') continue;
        yield fromLine(line, `s3://${this.props.bucket}/${key} line ${lineNumber}`);
      }
    } finally {
      lines.close();
      object.Body.destroy();
    }
  }
}

function eventDate(eventTime: string): string {
  const time = parseEventTime(eventTime);
  if ('reason' in time) throw new RangeError(`eventTime ${time.reason}`);
  return new Date(time.ms).toISOString().slice(0, 10);
}

function toLine(row: FeatureRow, writeTime: string): Record<string, FeatureValue> {
  for (const name of Object.keys(row.values)) {
    if (RESERVED_OFFLINE_COLUMNS.includes(name)) throw new RangeError(`feature "${name}" of group "${row.group}" shadows an offline column`);
  }
  return { entity_id: row.entityId, event_time: row.eventTime, write_time: writeTime, ...row.values };
}

function fromLine(line: string, where: string): OfflineRow {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    throw new OfflineReadError(`${where} is not JSON`, { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new OfflineReadError(`${where} is not a JSON object`);
  const { entity_id: entityId, event_time: eventTime, write_time: writeTime, event_date: _partition, ...values } = parsed as Record<string, unknown>;
  if (typeof entityId !== 'string' || typeof eventTime !== 'string' || typeof writeTime !== 'string') {
    throw new OfflineReadError(`${where} lacks a string entity_id, event_time or write_time`);
  }
  for (const [name, value] of Object.entries(values)) {
    if (value !== null && !['number', 'string', 'boolean'].includes(typeof value)) throw new OfflineReadError(`${where} feature "${name}" is not a scalar`);
  }
  return { entityId, eventTime, writeTime, values: values as Record<string, FeatureValue> };
}
