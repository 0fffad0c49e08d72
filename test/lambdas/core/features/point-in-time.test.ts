import { describe, expect, it } from 'vitest';
import {
  athenaPointInTimeSql,
  pointInTimeJoin,
  PointInTimeError,
  UnsafeIdentifierError,
  type GroupRows,
  type Label,
} from '../../../../lambdas/core/features/point-in-time';
import type { OfflineRow } from '../../../../lambdas/core/features/types';

const t = (day: number, hour = 0): string => new Date(Date.UTC(2024, 0, day, hour)).toISOString();
const row = (entityId: string, eventTime: string, writeTime: string, values: OfflineRow['values']): OfflineRow => ({ entityId, eventTime, writeTime, values });
const activity = (rows: OfflineRow[]): GroupRows => ({ group: 'customer-activity', features: ['spend', 'tier'], rows });

interface Case {
  readonly name: string;
  readonly labels: Label[];
  readonly groups: GroupRows[];
  readonly expected: Record<string, unknown>[];
  readonly missing?: { labelIndex: number; group: string }[];
}

const cases: Case[] = [
  {
    name: 'an exact tie on event time is decided by the latest write time',
    labels: [{ entityId: 'a', labelTime: t(5) }],
    groups: [
      activity([
        row('a', t(3), t(3, 1), { spend: 1, tier: 'x' }),
        row('a', t(3), t(4, 0), { spend: 3, tier: 'corrected' }),
        row('a', t(3), t(3, 2), { spend: 2, tier: 'y' }),
      ]),
    ],
    expected: [{ entityId: 'a', labelTime: t(5), spend: 3, tier: 'corrected' }],
  },
  {
    name: 'a row whose event time equals the label time is included',
    labels: [{ entityId: 'a', labelTime: t(3) }],
    groups: [activity([row('a', t(2), t(2), { spend: 1 }), row('a', t(3), t(3), { spend: 2 })])],
    expected: [{ entityId: 'a', labelTime: t(3), spend: 2, tier: null }],
  },
  {
    name: 'rows after the label time are never used, even if written before it',
    labels: [{ entityId: 'a', labelTime: t(3, 12) }],
    groups: [activity([row('a', t(2), t(2), { spend: 1, tier: 'old' }), row('a', t(4), t(1), { spend: 99, tier: 'future' })])],
    expected: [{ entityId: 'a', labelTime: t(3, 12), spend: 1, tier: 'old' }],
  },
  {
    name: 'an entity without rows, or only future rows, gets nulls and is reported',
    labels: [
      { entityId: 'ghost', labelTime: t(5) },
      { entityId: 'a', labelTime: t(1) },
    ],
    groups: [activity([row('a', t(2), t(2), { spend: 1, tier: 'x' })])],
    expected: [
      { entityId: 'ghost', labelTime: t(5), spend: null, tier: null },
      { entityId: 'a', labelTime: t(1), spend: null, tier: null },
    ],
    missing: [
      { labelIndex: 0, group: 'customer-activity' },
      { labelIndex: 1, group: 'customer-activity' },
    ],
  },
  {
    name: 'multiple groups are joined independently, label columns are kept',
    labels: [{ entityId: 'a', labelTime: t(10), churned: true }],
    groups: [
      activity([row('a', t(9), t(9), { spend: 5, tier: 'pro' })]),
      { group: 'support', features: ['tickets'], rows: [row('b', t(1), t(1), { tickets: 7 })] },
    ],
    expected: [{ entityId: 'a', labelTime: t(10), churned: true, spend: 5, tier: 'pro', tickets: null }],
    missing: [{ labelIndex: 0, group: 'support' }],
  },
  {
    name: 'unsorted rows and labels of several entities give each label its own as-of row',
    labels: [
      { entityId: 'b', labelTime: t(6) },
      { entityId: 'a', labelTime: t(2, 12) },
      { entityId: 'a', labelTime: t(8) },
      { entityId: 'b', labelTime: t(2) },
    ],
    groups: [
      activity([
        row('a', t(7), t(7), { spend: 7 }),
        row('b', t(5), t(5), { spend: 50 }),
        row('a', t(1), t(1), { spend: 1 }),
        row('b', t(1), t(1), { spend: 10 }),
        row('a', t(2), t(2), { spend: 2 }),
        row('b', t(9), t(9), { spend: 90 }),
      ]),
    ],
    expected: [
      { entityId: 'b', labelTime: t(6), spend: 50, tier: null },
      { entityId: 'a', labelTime: t(2, 12), spend: 2, tier: null },
      { entityId: 'a', labelTime: t(8), spend: 7, tier: null },
      { entityId: 'b', labelTime: t(2), spend: 10, tier: null },
    ],
  },
  {
    name: 'label times with offsets compare as instants',
    labels: [{ entityId: 'a', labelTime: '2024-01-03T01:00:00+02:00' }],
    groups: [activity([row('a', t(2, 23), t(2, 23), { spend: 1 }), row('a', t(3), t(3), { spend: 2 })])],
    expected: [{ entityId: 'a', labelTime: '2024-01-03T01:00:00+02:00', spend: 1, tier: null }],
  },
];

describe('pointInTimeJoin', () => {
  it.each(cases)('$name', ({ labels, groups, expected, missing = [] }) => {
    const result = pointInTimeJoin(labels, groups);
    expect(result.rows).toEqual(expected);
    expect(result.missing).toEqual(missing);
  });

  it('throws when two groups share a feature name, and prefixes columns when asked', () => {
    const groups = [
      activity([row('a', t(1), t(1), { spend: 1 })]),
      { group: 'billing', features: ['spend'], rows: [row('a', t(1), t(1), { spend: 2 })] },
    ];
    const labels = [{ entityId: 'a', labelTime: t(2) }];
    expect(() => pointInTimeJoin(labels, groups)).toThrow(PointInTimeError);
    expect(() => pointInTimeJoin(labels, groups)).toThrow(/"spend" is in both "customer-activity" and "billing"; pass prefixGroups/);
    expect(pointInTimeJoin(labels, groups, { prefixGroups: true }).rows).toEqual([
      { entityId: 'a', labelTime: t(2), customer_activity__spend: 1, customer_activity__tier: null, billing__spend: 2 },
    ]);
  });

  it.each([
    ['a label time without a zone', [{ entityId: 'a', labelTime: '2024-01-02T00:00:00' }], /label 0 labelTime has no time zone/],
    ['a label column named like a feature', [{ entityId: 'a', labelTime: t(2), spend: 1 }], /label 0 column "spend"/],
  ])('throws on %s', (_, labels, message) => {
    expect(() => pointInTimeJoin(labels, [activity([])])).toThrow(message);
  });

  it('scales as (L + R) log R: 100k labels against 100k rows of one entity in seconds, not the hours of L x R', () => {
    // One entity is the worst case for a scan per label: 1e10 comparisons.
    const base = Date.UTC(2024, 0, 1);
    const rows = Array.from({ length: 100_000 }, (_, i) => row('e', new Date(base + i * 1000).toISOString(), t(1), { spend: i }));
    const labels: Label[] = Array.from({ length: 100_000 }, (_, i) => ({ entityId: 'e', labelTime: new Date(base + i * 1000 + 500).toISOString() }));
    const started = performance.now();
    const result = pointInTimeJoin(labels, [activity(rows.reverse())]);
    const elapsed = performance.now() - started;
    expect(result.rows[54_321]).toMatchObject({ spend: 54_321 });
    expect(result.missing).toEqual([]);
    expect(elapsed).toBeLessThan(10_000);
  });
});

describe('athenaPointInTimeSql', () => {
  const input = {
    database: 'gantry_dev_features',
    labelsTable: 'churn_labels',
    labelColumns: ['churned'],
    groups: [
      { group: 'customer-activity', features: ['tenure_months', 'monthly_spend'] },
      { group: 'support', table: 'support_v2', features: ['tickets_30d'] },
    ],
  };

  it('ranks each group per label by event time, then write time, and left-joins the best row', () => {
    const sql = athenaPointInTimeSql({ ...input, timeColumns: 'timestamp' });
    expect(sql).toContain('FROM "gantry_dev_features"."churn_labels"');
    expect(sql).toContain('JOIN "gantry_dev_features"."customer_activity" f');
    expect(sql).toContain('JOIN "gantry_dev_features"."support_v2" f');
    expect(sql.match(/ROW_NUMBER\(\) OVER \(PARTITION BY l\.entity_id, l\.label_time ORDER BY f\.event_time DESC, f\.write_time DESC\) AS rn/g)).toHaveLength(2);
    expect(sql.match(/ON f\.entity_id = l\.entity_id AND f\.event_time <= l\.label_time/g)).toHaveLength(2);
    expect(sql.match(/AND f\.event_date <= date_format\(l\.label_time, '%Y-%m-%d'\)/g)).toHaveLength(2);
    expect(sql).toContain('LEFT JOIN g0 ON g0.entity_id = l.entity_id AND g0.label_time = l.label_time AND g0.rn = 1');
    expect(sql).toContain('LEFT JOIN g1 ON g1.entity_id = l.entity_id AND g1.label_time = l.label_time AND g1.rn = 1');
    expect(sql).toContain('l."churned"');
    expect(sql).toContain('g0."monthly_spend" AS "monthly_spend"');
    expect(sql).toContain('g1."tickets_30d" AS "tickets_30d"');
    // Inner joins inside the CTEs (rows must match), left joins outside (labels must survive).
    expect(sql.match(/LEFT JOIN/g)).toHaveLength(2);
    expect(sql.match(/^  JOIN /gm)).toHaveLength(2);
  });

  it('parses ISO-8601 string time columns by default, as the Glue tables declare them', () => {
    const sql = athenaPointInTimeSql(input);
    expect(sql).toContain('ORDER BY from_iso8601_timestamp(f.event_time) DESC, from_iso8601_timestamp(f.write_time) DESC) AS rn');
    expect(sql).toContain('ON f.entity_id = l.entity_id AND from_iso8601_timestamp(f.event_time) <= l.label_time');
    expect(sql).toContain("AND f.event_date <= date_format(l.label_time, '%Y-%m-%d')");
    expect(sql).not.toMatch(/[^(]f\.event_time <=/);
  });

  it('prefixes columns with the group when asked', () => {
    const sql = athenaPointInTimeSql({ ...input, prefixGroups: true });
    expect(sql).toContain('g0."tenure_months" AS "customer_activity__tenure_months"');
  });

  it.each([
    ['a database with a quote', { ...input, database: 'x"; DROP TABLE y; --' }],
    ['an upper-case labels table', { ...input, labelsTable: 'Labels' }],
    ['a feature with a space', { ...input, groups: [{ group: 'support', features: ['tickets 30d'] }] }],
    ['a label column with a dot', { ...input, labelColumns: ['a.b'] }],
    ['a group that is not kebab-case', { ...input, groups: [{ group: "x' OR 1=1", features: ['a'] }] }],
    ['a table with a hyphen', { ...input, groups: [{ group: 'support', table: 'support-v2', features: ['a'] }] }],
  ])('throws UnsafeIdentifierError for %s', (_, bad) => {
    expect(() => athenaPointInTimeSql(bad)).toThrow(UnsafeIdentifierError);
  });

  it('throws when two groups share a feature name without prefixGroups', () => {
    expect(() => athenaPointInTimeSql({ ...input, groups: [input.groups[0]!, { group: 'other', features: ['tenure_months'] }] })).toThrow(PointInTimeError);
  });
});
