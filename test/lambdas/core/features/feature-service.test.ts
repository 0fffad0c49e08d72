import { describe, expect, it } from 'vitest';
import {
  FeatureService,
  FeatureStoreError,
  type OfflineFeatureAppender,
  type OfflineFeatureReader,
  type OnlineFeatureWriter,
  type OnlineWriteResult,
} from '../../../../lambdas/core/features/feature-service';
import type { FeatureGroupSpec, FeatureRow, OfflineRow } from '../../../../lambdas/core/features/types';

const activity: FeatureGroupSpec = { name: 'customer-activity', ttlSeconds: 86_400, features: [{ name: 'spend', type: 'double' }] };
const support: FeatureGroupSpec = { name: 'support', ttlSeconds: 86_400, features: [{ name: 'tickets', type: 'bigint' }] };
const now = new Date('2024-06-10T00:00:00Z');

/** In-memory online store with the same stale rule as DynamoDB's conditional put. */
class FakeOnline implements OnlineFeatureWriter {
  readonly calls: string[];
  readonly items = new Map<string, FeatureRow>();
  constructor(calls: string[]) {
    this.calls = calls;
  }
  async put(rows: readonly FeatureRow[]): Promise<OnlineWriteResult> {
    this.calls.push(`online:${rows.length}`);
    const staleRows: number[] = [];
    rows.forEach((row, i) => {
      const key = `${row.entityId}|${row.group}`;
      const held = this.items.get(key);
      if (held !== undefined && (held.eventTime > row.eventTime || (held.eventTime === row.eventTime && JSON.stringify(held.values) === JSON.stringify(row.values)))) {
        staleRows.push(i + 1);
      } else {
        this.items.set(key, row);
      }
    });
    return { written: rows.length - staleRows.length, skippedStale: staleRows.length, staleRows };
  }
}

class FakeOffline implements OfflineFeatureAppender, OfflineFeatureReader {
  readonly rows = new Map<string, OfflineRow[]>();
  readonly reads: { group: string; upTo: string | undefined }[] = [];
  failWith: Error | undefined;
  constructor(private readonly calls: string[]) {}
  async append(rows: readonly FeatureRow[], writeTime: Date): Promise<string[]> {
    this.calls.push(`offline:${rows.length}`);
    if (this.failWith) throw this.failWith;
    for (const row of rows) {
      const list = this.rows.get(row.group) ?? [];
      list.push({ entityId: row.entityId, eventTime: row.eventTime, writeTime: writeTime.toISOString(), values: row.values });
      this.rows.set(row.group, list);
    }
    return [`s3://fake/${writeTime.getTime()}`];
  }
  async read(group: string, options: { upTo?: Date } = {}): Promise<OfflineRow[]> {
    this.reads.push({ group, upTo: options.upTo?.toISOString() });
    return (this.rows.get(group) ?? []).filter((row) => options.upTo === undefined || Date.parse(row.eventTime) <= options.upTo.getTime());
  }
}

function store(): { store: FeatureService; online: FakeOnline; offline: FakeOffline; calls: string[] } {
  const calls: string[] = [];
  const online = new FakeOnline(calls);
  const offline = new FakeOffline(calls);
  let tick = 0;
  const clock = (): Date => new Date(now.getTime() + tick++ * 1000);
  return { store: new FeatureService({ online, offline, groups: [activity, support], clock }), online, offline, calls };
}

const row = (entityId: string, eventTime: string, spend: number): unknown => ({ entityId, group: 'customer-activity', eventTime, values: { spend } });

describe('FeatureService.put', () => {
  it('appends offline before writing online, and the counts add up to the input', async () => {
    const { store: features, calls } = store();
    await features.put([row('a', '2024-06-05T00:00:00Z', 5)]);
    const result = await features.put([
      row('a', '2024-06-01T00:00:00Z', 1), // 1: older than the held row: stale
      { entityId: '', group: 'customer-activity', eventTime: '2024-06-01T00:00:00Z', values: {} }, // 2: rejected
      row('b', '2024-06-02T00:00:00Z', 2), // 3: written
      row('a', '2024-06-05T00:00:00Z', 5), // 4: re-delivery: stale
      { entityId: 'c', group: 'nope', eventTime: '2024-06-01T00:00:00Z', values: {} }, // 5: rejected
    ]);
    // Rows 1 and 4 share a key: only the newer goes online (row 1 is stale within the batch).
    expect(calls).toEqual(['offline:1', 'online:1', 'offline:3', 'online:2']);
    expect(result.written).toBe(1);
    expect(result.skippedStale).toBe(2);
    expect(result.staleRows).toEqual([1, 4]);
    expect(result.rejected.map((r) => r.row)).toEqual([2, 5]);
    expect(result.written + result.skippedStale + result.rejected.length).toBe(5);
    expect(result.offlineObjects).toHaveLength(1);
  });

  it('keeps late rows in the offline history even when they are stale online', async () => {
    const { store: features, offline } = store();
    await features.put([row('a', '2024-06-05T00:00:00Z', 5)]);
    const late = await features.put([row('a', '2024-06-01T00:00:00Z', 1)]);
    expect(late.skippedStale).toBe(1);
    expect(offline.rows.get('customer-activity')?.map((r) => r.values.spend)).toEqual([5, 1]);
  });

  it('leaves the online store untouched when the offline append fails', async () => {
    const { store: features, offline, online, calls } = store();
    const failure = new Error('S3 is down');
    offline.failWith = failure;
    await expect(features.put([row('a', '2024-06-01T00:00:00Z', 1)])).rejects.toBe(failure);
    expect(calls).toEqual(['offline:1']);
    expect(online.items.size).toBe(0);
  });

  it('touches neither store when every row is rejected', async () => {
    const { store: features, calls } = store();
    const result = await features.put([{ nope: true }, 'x']);
    expect(result).toEqual({
      written: 0,
      skippedStale: 0,
      staleRows: [],
      offlineObjects: [],
      rejected: [
        { row: 1, reason: 'entityId is missing' },
        { row: 2, reason: 'row must be a JSON object, got the string "x"' },
      ],
    });
    expect(calls).toEqual([]);
  });

  it('maps stale positions back to JSON Lines line numbers', async () => {
    const { store: features } = store();
    await features.put([row('a', '2024-06-05T00:00:00Z', 5)]);
    const text = ['not json', '', JSON.stringify(row('a', '2024-06-01T00:00:00Z', 1)), JSON.stringify(row('b', '2024-06-01T00:00:00Z', 1))].join('\n');
    const result = await features.putJsonLines(text);
    expect(result).toMatchObject({ written: 1, skippedStale: 1, staleRows: [3] });
    expect(result.rejected.map((r) => r.row)).toEqual([1]);
  });
});

describe('FeatureService.trainingSet', () => {
  it('reads each group up to the latest label time and joins as of each label', async () => {
    const { store: features, offline } = store();
    await features.put([row('a', '2024-06-01T00:00:00Z', 1), row('a', '2024-06-03T00:00:00Z', 3)]);
    await features.put([{ entityId: 'a', group: 'support', eventTime: '2024-06-02T00:00:00Z', values: { tickets: 4 } }]);
    const result = await features.trainingSet(
      [
        { entityId: 'a', labelTime: '2024-06-02T12:00:00Z', churned: false },
        { entityId: 'z', labelTime: '2024-06-04T00:00:00Z', churned: true },
      ],
      ['customer-activity', 'support'],
    );
    expect(offline.reads).toEqual([
      { group: 'customer-activity', upTo: '2024-06-04T00:00:00.000Z' },
      { group: 'support', upTo: '2024-06-04T00:00:00.000Z' },
    ]);
    expect(result.rows).toEqual([
      { entityId: 'a', labelTime: '2024-06-02T12:00:00Z', churned: false, spend: 1, tickets: 4 },
      { entityId: 'z', labelTime: '2024-06-04T00:00:00Z', churned: true, spend: null, tickets: null },
    ]);
    expect(result.missing).toEqual([
      { labelIndex: 1, group: 'customer-activity' },
      { labelIndex: 1, group: 'support' },
    ]);
  });

  it('throws FeatureStoreError for an unknown group', async () => {
    await expect(store().store.trainingSet([], ['nope'])).rejects.toThrow(FeatureStoreError);
    await expect(store().store.trainingSet([], ['support', 'nope'])).rejects.toThrow(expect.objectContaining({ name: 'FeatureStoreError', message: 'unknown feature group "nope"' }));
  });

  it('answers no labels with no rows, without reading the offline history', async () => {
    const { store: features, offline } = store();
    await features.put([row('a', '2024-06-01T00:00:00Z', 1)]);
    expect(await features.trainingSet([], ['customer-activity'])).toEqual({ rows: [], missing: [] });
    expect(offline.reads).toEqual([]);
  });
});

describe('FeatureService within one batch', () => {
  it.each<[string, unknown[], { spend: number }, number[]]>([
    ['the newest event of an entity goes online, the older ones are stale', [row('a', '2024-06-02T00:00:00Z', 2), row('a', '2024-06-01T00:00:00Z', 1), row('a', '2024-06-03T00:00:00Z', 3)], { spend: 3 }, [1, 2]],
    ['a tie on event time goes to the later row', [row('a', '2024-06-01T00:00:00Z', 1), row('a', '2024-06-01T00:00:00Z', 2)], { spend: 2 }, [1]],
    ['an older event later in the batch does not replace a newer one', [row('a', '2024-06-03T00:00:00Z', 3), row('a', '2024-06-01T00:00:00Z', 1)], { spend: 3 }, [2]],
    ['instants compare across offsets, not as text', [row('a', '2024-06-01T01:00:00+02:00', 1), row('a', '2024-06-01T00:00:00Z', 2)], { spend: 2 }, [1]],
  ])('%s', async (_, rows, online, staleRows) => {
    const { store: features, online: onlineStore } = store();
    const result = await features.put(rows);
    expect(onlineStore.items.get('a|customer-activity')?.values).toEqual(online);
    expect(result).toMatchObject({ written: 1, skippedStale: staleRows.length, staleRows });
  });

  it('hands the online store the newest rows in batch order', async () => {
    const calls: string[] = [];
    const received: string[][] = [];
    const online: OnlineFeatureWriter = {
      put: async (rows) => {
        received.push(rows.map((r) => `${r.entityId}:${r.values.spend}`));
        return { written: rows.length, skippedStale: 0, staleRows: [] };
      },
    };
    const features = new FeatureService({ online, offline: new FakeOffline(calls), groups: [activity], clock: () => now });
    await features.put([row('a', '2024-06-01T00:00:00Z', 1), row('b', '2024-06-01T00:00:00Z', 2), row('c', '2024-06-01T00:00:00Z', 3), row('a', '2024-06-02T00:00:00Z', 4)]);
    expect(received).toEqual([['b:2', 'c:3', 'a:4']]);
  });

  it('lists stale rows in row order, whether stale in the batch or online', async () => {
    const { store: features } = store();
    await features.put([row('b', '2024-06-05T00:00:00Z', 5)]);
    const result = await features.put([row('c', '2024-06-01T00:00:00Z', 1), row('b', '2024-06-04T00:00:00Z', 4), row('c', '2024-06-02T00:00:00Z', 2), row('c', '2024-06-01T12:00:00Z', 3)]);
    expect(result).toMatchObject({ written: 1, skippedStale: 3, staleRows: [1, 2, 4] });
  });
});

describe('FeatureService clock and skew', () => {
  const future = (ms: number): unknown => row('a', new Date(now.getTime() + ms).toISOString(), 1);

  it.each<[string, number | undefined, number, boolean]>([
    ['an event 4 minutes ahead passes the default 5-minute skew', undefined, 4 * 60_000, true],
    ['an event 6 minutes ahead fails the default 5-minute skew', undefined, 6 * 60_000, false],
    ['an event 6 minutes ahead passes a 10-minute skew', 10 * 60_000, 6 * 60_000, true],
    ['an event 1 minute ahead fails a 30-second skew', 30_000, 60_000, false],
  ])('%s', async (_, maxFutureSkewMs, ahead, accepted) => {
    const calls: string[] = [];
    const features = new FeatureService({ online: new FakeOnline(calls), offline: new FakeOffline(calls), groups: [activity], clock: () => now, ...(maxFutureSkewMs === undefined ? {} : { maxFutureSkewMs }) });
    const result = await features.put([future(ahead)]);
    expect(result.written).toBe(accepted ? 1 : 0);
    expect(result.rejected).toHaveLength(accepted ? 0 : 1);
  });

  it('uses the current time without a clock', async () => {
    const calls: string[] = [];
    const features = new FeatureService({ online: new FakeOnline(calls), offline: new FakeOffline(calls), groups: [activity] });
    const result = await features.put([row('a', new Date(Date.now() - 60_000).toISOString(), 1), row('b', new Date(Date.now() + 3_600_000).toISOString(), 1)]);
    expect(result.written).toBe(1);
    expect(result.rejected).toHaveLength(1);
  });
});
