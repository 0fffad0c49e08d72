import { describe, expect, it } from 'vitest';
import {
  athenaPointInTimeSql,
  latestLabelTime,
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

  it.each<[string, Label[], OfflineRow[], string]>([
    ['a label time without a zone', [{ entityId: 'a', labelTime: t(1) }, { entityId: 'a', labelTime: '2024-01-02T00:00:00' }], [], 'label 1 labelTime has no time zone (add Z or an offset): "2024-01-02T00:00:00"'],
    ['a label time that is not a string', [{ entityId: 'a', labelTime: 5 as unknown as string }], [], 'label 0 labelTime must be an ISO-8601 string, got 5'],
    ['a label column named like a feature', [{ entityId: 'a', labelTime: t(2), spend: 1 }], [], 'label 0 column "spend" has the name of a feature column'],
    ['a row event time without a zone', [{ entityId: 'a', labelTime: t(2) }], [row('a', '2024-01-01T00:00:00', t(1), {})], 'group "customer-activity" row of "a" eventTime has no time zone (add Z or an offset): "2024-01-01T00:00:00"'],
    ['a row write time without a zone', [{ entityId: 'a', labelTime: t(2) }], [row('a', t(1), '2024-01-01T00:00:00', {})], 'group "customer-activity" row of "a" writeTime has no time zone (add Z or an offset): "2024-01-01T00:00:00"'],
  ])('throws PointInTimeError on %s', (_, labels, rows, message) => {
    expect(() => pointInTimeJoin(labels, [activity(rows)])).toThrow(expect.objectContaining({ name: 'PointInTimeError', message }));
  });

  it('throws when two groups map to the same prefixed column', () => {
    const groups = [
      { group: 'a-b', features: ['x'], rows: [] },
      { group: 'a_b', features: ['x'], rows: [] },
    ];
    expect(() => pointInTimeJoin([{ entityId: 'a', labelTime: t(1) }], groups, { prefixGroups: true })).toThrow(
      expect.objectContaining({ name: 'PointInTimeError', message: 'feature column "a_b__x" comes from both "a-b" and "a_b"' }),
    );
  });
});

describe('latestLabelTime', () => {
  it('is the latest label time as an instant, whatever the offsets and order', () => {
    expect(latestLabelTime([{ entityId: 'a', labelTime: t(2) }, { entityId: 'b', labelTime: '2024-01-03T01:00:00+02:00' }, { entityId: 'c', labelTime: t(1) }])).toEqual(new Date(Date.UTC(2024, 0, 2, 23)));
  });

  it.each<[string, Label[], string]>([
    ['no labels', [], 'no labels'],
    ['a label time without a zone', [{ entityId: 'a', labelTime: t(1) }, { entityId: 'b', labelTime: '2024-01-02T00:00:00' }], 'label 1 labelTime has no time zone (add Z or an offset): "2024-01-02T00:00:00"'],
  ])('throws PointInTimeError for %s', (_, labels, message) => {
    expect(() => latestLabelTime(labels)).toThrow(expect.objectContaining({ name: 'PointInTimeError', message }));
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

  // Reviewed: each CTE inner-joins a group's rows at or before the label time (the event_date
  // bound only prunes partitions) and ranks them newest event, then newest write, first; the
  // final SELECT left-joins rank 1 so a label without features survives with nulls.
  it('generates the reviewed as-of join for ISO-8601 string time columns, the default of the Glue tables', () => {
    expect(athenaPointInTimeSql(input)).toBe(`WITH labels AS (
  SELECT entity_id, label_time, "churned"
  FROM "gantry_dev_features"."churn_labels"
),
g0 AS (
  SELECT l.entity_id,
    l.label_time,
    f."tenure_months",
    f."monthly_spend",
    ROW_NUMBER() OVER (PARTITION BY l.entity_id, l.label_time ORDER BY from_iso8601_timestamp(f.event_time) DESC, from_iso8601_timestamp(f.write_time) DESC) AS rn
  FROM labels l
  JOIN "gantry_dev_features"."customer_activity" f
    ON f.entity_id = l.entity_id AND from_iso8601_timestamp(f.event_time) <= l.label_time
    AND f.event_date <= date_format(l.label_time, '%Y-%m-%d')
),
g1 AS (
  SELECT l.entity_id,
    l.label_time,
    f."tickets_30d",
    ROW_NUMBER() OVER (PARTITION BY l.entity_id, l.label_time ORDER BY from_iso8601_timestamp(f.event_time) DESC, from_iso8601_timestamp(f.write_time) DESC) AS rn
  FROM labels l
  JOIN "gantry_dev_features"."support_v2" f
    ON f.entity_id = l.entity_id AND from_iso8601_timestamp(f.event_time) <= l.label_time
    AND f.event_date <= date_format(l.label_time, '%Y-%m-%d')
)
SELECT l.entity_id,
  l.label_time,
  l."churned",
  g0."tenure_months" AS "tenure_months",
  g0."monthly_spend" AS "monthly_spend",
  g1."tickets_30d" AS "tickets_30d"
FROM labels l
LEFT JOIN g0 ON g0.entity_id = l.entity_id AND g0.label_time = l.label_time AND g0.rn = 1
LEFT JOIN g1 ON g1.entity_id = l.entity_id AND g1.label_time = l.label_time AND g1.rn = 1
`);
  });

  it('compares timestamp time columns directly, and prefixes output columns with the group when asked', () => {
    expect(athenaPointInTimeSql({ database: 'db', labelsTable: 'labels', groups: [{ group: 'customer-activity', features: ['spend'] }], timeColumns: 'timestamp', prefixGroups: true })).toBe(`WITH labels AS (
  SELECT entity_id, label_time
  FROM "db"."labels"
),
g0 AS (
  SELECT l.entity_id,
    l.label_time,
    f."spend",
    ROW_NUMBER() OVER (PARTITION BY l.entity_id, l.label_time ORDER BY f.event_time DESC, f.write_time DESC) AS rn
  FROM labels l
  JOIN "db"."customer_activity" f
    ON f.entity_id = l.entity_id AND f.event_time <= l.label_time
    AND f.event_date <= date_format(l.label_time, '%Y-%m-%d')
)
SELECT l.entity_id,
  l.label_time,
  g0."spend" AS "customer_activity__spend"
FROM labels l
LEFT JOIN g0 ON g0.entity_id = l.entity_id AND g0.label_time = l.label_time AND g0.rn = 1
`);
  });

  it.each([
    ['no feature group', { ...input, groups: [] }, 'at least one feature group is needed'],
    ['entity_id as a label column', { ...input, labelColumns: ['entity_id'] }, 'label column "entity_id" is always included'],
    ['label_time as a label column', { ...input, labelColumns: ['label_time'] }, 'label column "label_time" is always included'],
    ['a label column named like a feature column', { ...input, labelColumns: ['tickets_30d'] }, 'label column "tickets_30d" has the name of a feature column'],
  ])('throws PointInTimeError for %s', (_, bad, message) => {
    expect(() => athenaPointInTimeSql(bad)).toThrow(expect.objectContaining({ name: 'PointInTimeError', message }));
  });

  const notIdentifier = (what: string, name: string) => `${what} ${JSON.stringify(name)} is not an identifier matching /^[a-z_][a-z0-9_]*$/`;
  it.each([
    ['a database with a quote', { ...input, database: 'x"; DROP TABLE y; --' }, notIdentifier('database', 'x"; DROP TABLE y; --')],
    ['an upper-case labels table', { ...input, labelsTable: 'Labels' }, notIdentifier('labels table', 'Labels')],
    ['a feature with a space', { ...input, groups: [{ group: 'support', features: ['tickets 30d'] }] }, notIdentifier('feature of group "support"', 'tickets 30d')],
    ['a label column with a dot', { ...input, labelColumns: ['a.b'] }, notIdentifier('label column', 'a.b')],
    ['a group that is not kebab-case', { ...input, groups: [{ group: "x' OR 1=1", features: ['a'] }] }, `feature group "x' OR 1=1" is not a kebab-case group name`],
    ['an upper-case group, even with a valid table', { ...input, groups: [{ group: 'Support', table: 'support_v2', features: ['a'] }] }, 'feature group "Support" is not a kebab-case group name'],
    ['a group with a trailing quote, even with a valid table', { ...input, groups: [{ group: "support'", table: 'support_v2', features: ['a'] }] }, `feature group "support'" is not a kebab-case group name`],
    ['a group with a leading hyphen, even with a valid table', { ...input, groups: [{ group: '-support', table: 'support_v2', features: ['a'] }] }, 'feature group "-support" is not a kebab-case group name'],
    ['a table with a hyphen', { ...input, groups: [{ group: 'support', table: 'support-v2', features: ['a'] }] }, notIdentifier('table of group "support"', 'support-v2')],
  ])('throws UnsafeIdentifierError for %s', (_, bad, message) => {
    expect(() => athenaPointInTimeSql(bad)).toThrow(expect.objectContaining({ name: 'UnsafeIdentifierError', message }));
    expect(() => athenaPointInTimeSql(bad)).toThrow(UnsafeIdentifierError);
  });

  it('throws when two groups share a feature name without prefixGroups', () => {
    expect(() => athenaPointInTimeSql({ ...input, groups: [input.groups[0]!, { group: 'other', features: ['tenure_months'] }] })).toThrow(PointInTimeError);
  });
});
