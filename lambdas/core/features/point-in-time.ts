/**
 * Point-in-time (as-of) joins: for each label, the feature values as they were known at the
 * label's time, so a training set never sees the future. In process for small data, and as
 * generated Athena SQL for the same join when the data outgrows one machine.
 */
import { parseEventTime } from './rows';
import type { FeatureValue, OfflineRow } from './types';

/** Thrown for inputs the join cannot honour: bad timestamps, clashing column names. */
export class PointInTimeError extends Error {
  override readonly name = 'PointInTimeError';
}

/** A label: the entity, the instant its outcome was observed, and any other label columns. */
export interface Label {
  readonly entityId: string;
  /** ISO-8601 with a zone. */
  readonly labelTime: string;
  readonly [column: string]: unknown;
}

/** The offline rows of one feature group, and the features to output for it. */
export interface GroupRows {
  readonly group: string;
  readonly features: readonly string[];
  readonly rows: readonly OfflineRow[];
}

export interface PointInTimeOptions {
  /**
   * Name feature columns `<group>__<feature>` (the group with `-` as `_`, as in the SQL) so
   * groups may share feature names.
   * @default false - columns are named `<feature>`, and a name shared by two groups throws
   */
  readonly prefixGroups?: boolean;
}

/** A label with no row at or before its time in a group. `labelIndex` is 0-based. */
export interface MissingFeatures {
  readonly labelIndex: number;
  readonly group: string;
}

export type TrainingRow = Readonly<Record<string, unknown>>;

export interface PointInTimeResult {
  /** One per label, in label order: the label's columns plus one column per feature. */
  readonly rows: readonly TrainingRow[];
  readonly missing: readonly MissingFeatures[];
}

/** The SQL-safe form of a group name: its offline table name and column prefix. */
export function groupTableName(group: string): string {
  return group.replace(/-/g, '_');
}

function featureColumns(groups: readonly { group: string; features: readonly string[] }[], prefixGroups: boolean): string[][] {
  const owner = new Map<string, string>();
  return groups.map(({ group, features }) =>
    features.map((feature) => {
      const column = prefixGroups ? `${groupTableName(group)}__${feature}` : feature;
      const other = owner.get(column);
      if (other !== undefined) {
        throw new PointInTimeError(
          prefixGroups
            ? `feature column "${column}" comes from both "${other}" and "${group}"`
            : `feature "${feature}" is in both "${other}" and "${group}"; pass prefixGroups: true to name columns <group>__<feature>`,
        );
      }
      owner.set(column, group);
      return column;
    }),
  );
}

// Strict parse: Date.parse would read a zoneless time as local time and shift the as-of instant.
function epochMs(text: unknown, what: string): number {
  if (typeof text !== 'string') throw new PointInTimeError(`${what} must be an ISO-8601 string, got ${JSON.stringify(text)}`);
  const time = parseEventTime(text);
  if ('reason' in time) throw new PointInTimeError(`${what} ${time.reason}`);
  return time.ms;
}

/** The latest label time (throws `PointInTimeError` on a label time that is not ISO-8601 with a zone). */
export function latestLabelTime(labels: readonly Label[]): Date {
  if (labels.length === 0) throw new PointInTimeError('no labels');
  // A reduce, not Math.max(...): spreading a million labels overflows the call stack.
  return new Date(labels.reduce((latest, label, i) => Math.max(latest, epochMs(label.labelTime, `label ${i} labelTime`)), -Infinity));
}

/** One entity's rows sorted by (eventTime, writeTime) ascending, so the last match is the answer. */
interface Timeline {
  readonly eventMs: number[];
  readonly rows: OfflineRow[];
}

function timelines(group: GroupRows): Map<string, Timeline> {
  const keyed = group.rows.map((row) => ({
    row,
    eventMs: epochMs(row.eventTime, `group "${group.group}" row of "${row.entityId}" eventTime`),
    writeMs: epochMs(row.writeTime, `group "${group.group}" row of "${row.entityId}" writeTime`),
  }));
  keyed.sort((a, b) => a.eventMs - b.eventMs || a.writeMs - b.writeMs);
  const byEntity = new Map<string, Timeline>();
  for (const { row, eventMs } of keyed) {
    let timeline = byEntity.get(row.entityId);
    if (timeline === undefined) {
      timeline = { eventMs: [], rows: [] };
      byEntity.set(row.entityId, timeline);
    }
    timeline.eventMs.push(eventMs);
    timeline.rows.push(row);
  }
  return byEntity;
}

/** The row with the greatest eventTime <= atMs (the latest write among ties), by binary search. */
function asOf(timeline: Timeline | undefined, atMs: number): OfflineRow | undefined {
  if (timeline === undefined) return undefined;
  let low = 0;
  let high = timeline.eventMs.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (timeline.eventMs[mid]! <= atMs) low = mid + 1;
    else high = mid;
  }
  return low === 0 ? undefined : timeline.rows[low - 1];
}

/**
 * Joins each label to each group's latest row at or before the label time. Sorting the rows
 * per entity once and binary-searching per label keeps it O((L + R) log R).
 */
export function pointInTimeJoin(labels: readonly Label[], groups: readonly GroupRows[], options: PointInTimeOptions = {}): PointInTimeResult {
  const columns = featureColumns(groups, options.prefixGroups ?? false);
  const allColumns = new Set(columns.flat());
  const indexed = groups.map(timelines);
  const missing: MissingFeatures[] = [];
  const rows = labels.map((label, labelIndex) => {
    const atMs = epochMs(label.labelTime, `label ${labelIndex} labelTime`);
    const clash = Object.keys(label).find((key) => allColumns.has(key));
    if (clash !== undefined) throw new PointInTimeError(`label ${labelIndex} column "${clash}" has the name of a feature column`);
    const out: Record<string, unknown> = { ...label };
    groups.forEach((group, g) => {
      const found = asOf(indexed[g]!.get(label.entityId), atMs);
      if (found === undefined) missing.push({ labelIndex, group: group.group });
      group.features.forEach((feature, f) => {
        const value: FeatureValue = found?.values[feature] ?? null;
        out[columns[g]![f]!] = value;
      });
    });
    return out;
  });
  return { rows, missing };
}

// --- Athena SQL

/** Thrown when a name would not be a plain SQL identifier (the only defence against injection here). */
export class UnsafeIdentifierError extends Error {
  override readonly name = 'UnsafeIdentifierError';
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const GROUP_NAME = /^[a-z][a-z0-9-]*$/;

function identifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) throw new UnsafeIdentifierError(`${what} ${JSON.stringify(name)} is not an identifier matching ${IDENTIFIER}`);
  // Quoted as well, so a valid name that is a reserved word (e.g. "date") still works.
  return `"${name}"`;
}

export interface SqlGroup {
  /** Feature group name (kebab-case). */
  readonly group: string;
  /** Offline table of the group. @default the group name with `-` as `_` */
  readonly table?: string;
  readonly features: readonly string[];
}

export interface PointInTimeSqlInput {
  readonly database: string;
  /** Table with `entity_id` (string) and `label_time` (timestamp, UTC) columns. */
  readonly labelsTable: string;
  readonly groups: readonly SqlGroup[];
  /** Further label columns carried into the output. @default none */
  readonly labelColumns?: readonly string[];
  /** As in `pointInTimeJoin`. @default false */
  readonly prefixGroups?: boolean;
  /**
   * How the offline tables type `event_time` and `write_time`. The Glue tables of the
   * FeatureStore construct declare them as ISO-8601 strings, which the SQL then parses.
   * @default 'iso8601-string'
   */
  readonly timeColumns?: 'iso8601-string' | 'timestamp';
}

/**
 * Athena (Trino) SQL for the same as-of join as `pointInTimeJoin`: one ranked CTE per group,
 * left-joined back onto the labels so a label without features is kept with nulls.
 */
export function athenaPointInTimeSql(input: PointInTimeSqlInput): string {
  if (input.groups.length === 0) throw new PointInTimeError('at least one feature group is needed');
  const db = identifier(input.database, 'database');
  const labelsTable = `${db}.${identifier(input.labelsTable, 'labels table')}`;
  const labelColumns = (input.labelColumns ?? []).map((column) => {
    if (column === 'entity_id' || column === 'label_time') throw new PointInTimeError(`label column "${column}" is always included`);
    return identifier(column, 'label column');
  });
  input.groups.forEach(({ group }) => {
    if (!GROUP_NAME.test(group)) throw new UnsafeIdentifierError(`feature group ${JSON.stringify(group)} is not a kebab-case group name`);
  });
  const columns = featureColumns(input.groups, input.prefixGroups ?? false);
  columns.flat().forEach((column) => {
    if (input.labelColumns?.includes(column)) throw new PointInTimeError(`label column "${column}" has the name of a feature column`);
  });

  const time = (column: string): string => (input.timeColumns === 'timestamp' ? `f.${column}` : `from_iso8601_timestamp(f.${column})`);
  const ctes = input.groups.map((group, g) => {
    const table = `${db}.${identifier(group.table ?? groupTableName(group.group), `table of group "${group.group}"`)}`;
    const selected = [
      'l.entity_id',
      'l.label_time',
      ...group.features.map((feature) => `f.${identifier(feature, `feature of group "${group.group}"`)}`),
      `ROW_NUMBER() OVER (PARTITION BY l.entity_id, l.label_time ORDER BY ${time('event_time')} DESC, ${time('write_time')} DESC) AS rn`,
    ];
    return [
      `g${g} AS (`,
      `  SELECT ${selected.join(',\n    ')}`,
      `  FROM labels l`,
      `  JOIN ${table} f`,
      `    ON f.entity_id = l.entity_id AND ${time('event_time')} <= l.label_time`,
      `    AND f.event_date <= date_format(l.label_time, '%Y-%m-%d')`,
      `)`,
    ].join('\n');
  });
  const labelsCte = [`labels AS (`, `  SELECT ${['entity_id', 'label_time', ...labelColumns].join(', ')}`, `  FROM ${labelsTable}`, `)`].join('\n');
  const selected = [
    'l.entity_id',
    'l.label_time',
    ...labelColumns.map((column) => `l.${column}`),
    ...input.groups.flatMap((group, g) =>
      group.features.map((feature, f) => `g${g}.${identifier(feature, 'feature')} AS ${identifier(columns[g]![f]!, 'column')}`),
    ),
  ];
  const joins = input.groups.map(
    (_, g) => `LEFT JOIN g${g} ON g${g}.entity_id = l.entity_id AND g${g}.label_time = l.label_time AND g${g}.rn = 1`,
  );
  return [`WITH ${[labelsCte, ...ctes].join(',\n')}`, `SELECT ${selected.join(',\n  ')}`, 'FROM labels l', ...joins].join('\n') + '\n';
}
