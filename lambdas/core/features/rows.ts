/**
 * Parsing and validation of raw feature rows, plus the online item keys, TTL and content hash.
 * Pure: no SDK, no I/O. Raw input is untrusted JSON, so nothing here throws on bad rows; each
 * bad row becomes a `RejectedRow` with its 1-based position and the reason.
 */
import { createHash } from 'node:crypto';
import { FEATURE_TABLE } from '../../../lib/contract';
import type { FeatureGroupSpec, FeatureRow, FeatureType, FeatureValue, RejectedRow } from './types';

/** Rows stamped further ahead than this are refused: a producer clock that far off is a bug. */
export const DEFAULT_MAX_FUTURE_SKEW_MS = 5 * 60_000;

/** Column names of the offline store that a feature may not shadow. */
export const RESERVED_OFFLINE_COLUMNS: readonly string[] = ['entity_id', 'event_time', 'write_time', 'event_date'];

// DynamoDB's limit on a partition key value.
const MAX_ENTITY_ID_BYTES = 2048;

/** Feature group specs by name. Build it with `featureCatalog`, which checks the specs. */
export type FeatureCatalog = ReadonlyMap<string, FeatureGroupSpec>;

/** Thrown when the feature group specs themselves are inconsistent (a config error, not a data error). */
export class FeatureCatalogError extends Error {
  override readonly name = 'FeatureCatalogError';
}

/** A raw input with its 1-based row (or line) number. */
export interface NumberedInput {
  readonly row: number;
  readonly raw: unknown;
}

/** A valid row with the 1-based number it had in the input. */
export interface ValidRow {
  readonly row: number;
  readonly featureRow: FeatureRow;
}

export interface ValidatedRows {
  readonly valid: readonly ValidRow[];
  /** Sorted by row number. */
  readonly rejected: readonly RejectedRow[];
}

export interface ValidateOptions {
  /** The clock the future-skew check reads. @default the current time */
  readonly now?: Date;
  /** How far past `now` an event time may be. @default DEFAULT_MAX_FUTURE_SKEW_MS (5 minutes) */
  readonly maxFutureSkewMs?: number;
}

/** Indexes the specs by name; throws on duplicate groups or features, or a feature named like an offline column. */
export function featureCatalog(specs: readonly FeatureGroupSpec[]): FeatureCatalog {
  const catalog = new Map<string, FeatureGroupSpec>();
  for (const spec of specs) {
    if (catalog.has(spec.name)) throw new FeatureCatalogError(`feature group "${spec.name}" is defined twice`);
    if (!Number.isSafeInteger(spec.ttlSeconds) || spec.ttlSeconds <= 0) {
      throw new FeatureCatalogError(`feature group "${spec.name}" ttlSeconds must be a positive integer, got ${spec.ttlSeconds}`);
    }
    const names = new Set<string>();
    for (const feature of spec.features) {
      if (names.has(feature.name)) throw new FeatureCatalogError(`feature group "${spec.name}" lists feature "${feature.name}" twice`);
      if (RESERVED_OFFLINE_COLUMNS.includes(feature.name)) {
        throw new FeatureCatalogError(`feature group "${spec.name}" feature "${feature.name}" is a reserved offline column name`);
      }
      names.add(feature.name);
    }
    catalog.set(spec.name, spec);
  }
  return catalog;
}

// --- time

const ISO_WITH_ZONE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)$/;
const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ISO_WITHOUT_ZONE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?$/;

/** Epoch ms of an ISO-8601 timestamp with a zone, or a reason it is not one. */
export function parseEventTime(text: string): { ms: number } | { reason: string } {
  // Fast path for the canonical form this store writes; the round trip rejects rolled-over dates.
  if (text.length === 24 && CANONICAL_UTC.test(text)) {
    const ms = Date.parse(text);
    if (!Number.isNaN(ms) && new Date(ms).toISOString() === text) return { ms };
  }
  const match = ISO_WITH_ZONE.exec(text);
  if (match === null) {
    return ISO_WITHOUT_ZONE.test(text)
      ? { reason: `has no time zone (add Z or an offset): "${text}"` }
      : { reason: `is not an ISO-8601 timestamp: "${text}"` };
  }
  const [, y, mo, d, h, mi, s = '0', fraction = '', zone = 'Z'] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  // Date.UTC would roll Feb 30 over into March, so the calendar is checked by hand.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (month < 1 || month > 12 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return { reason: `is not a real calendar date: "${text}"` };
  }
  if (hour > 23 || minute > 59 || second > 59) return { reason: `has an out-of-range time of day: "${text}"` };
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const offsetHours = Number(digits.slice(0, 2));
    const offsetMins = Number(digits.slice(2) || '0');
    if (offsetHours > 23 || offsetMins > 59) return { reason: `has an out-of-range zone offset: "${text}"` };
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  date.setUTCHours(hour, minute, second, millis);
  return { ms: date.getTime() - offsetMinutes * 60_000 };
}

// --- validation

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'number') return Number.isInteger(value) ? `the integer ${value}` : `the number ${value}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function typeProblem(type: FeatureType, value: unknown): string | undefined {
  switch (type) {
    case 'bigint':
      // Beyond 2^53 a JSON number has already lost digits, so it cannot be stored faithfully.
      return typeof value === 'number' && Number.isSafeInteger(value) ? undefined : `must be a (safe) integer, got ${describe(value)}`;
    case 'double':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `must be a finite number, got ${describe(value)}`;
    case 'string':
      return typeof value === 'string' ? undefined : `must be a string, got ${describe(value)}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be a boolean, got ${describe(value)}`;
  }
}

function validateValues(spec: FeatureGroupSpec, values: Record<string, unknown>): { values: Record<string, FeatureValue> } | { reason: string } {
  const types = new Map(spec.features.map((feature) => [feature.name, feature.type]));
  const problems: string[] = [];
  const clean: Record<string, FeatureValue> = {};
  for (const [name, value] of Object.entries(values)) {
    const type = types.get(name);
    if (type === undefined) {
      problems.push(`unknown feature "${name}" in group "${spec.name}"`);
      continue;
    }
    // null means "missing"; dropping it keeps the content hash and the stored item canonical.
    if (value === null) continue;
    const problem = typeProblem(type, value);
    if (problem !== undefined) problems.push(`feature "${name}" (${type}) ${problem}`);
    else clean[name] = value as FeatureValue;
  }
  return problems.length > 0 ? { reason: problems.join('; ') } : { values: clean };
}

function validateOne(raw: unknown, catalog: FeatureCatalog, nowMs: number, skewMs: number): FeatureRow | { reason: string } {
  if (!isPlainObject(raw)) return { reason: `row must be a JSON object, got ${describe(raw)}` };
  const { entityId, group, eventTime, values } = raw;
  if (entityId === undefined || entityId === null) return { reason: 'entityId is missing' };
  if (typeof entityId !== 'string') return { reason: `entityId must be a string, got ${describe(entityId)}` };
  if (entityId.trim() === '') return { reason: 'entityId is empty' };
  if (Buffer.byteLength(entityId, 'utf8') > MAX_ENTITY_ID_BYTES) return { reason: `entityId is longer than ${MAX_ENTITY_ID_BYTES} bytes` };
  if (typeof group !== 'string' || group === '') return { reason: `group must be a non-empty string, got ${describe(group)}` };
  const spec = catalog.get(group);
  if (spec === undefined) return { reason: `unknown feature group "${group}"` };
  if (typeof eventTime !== 'string') return { reason: `eventTime must be an ISO-8601 string, got ${describe(eventTime)}` };
  const time = parseEventTime(eventTime);
  if ('reason' in time) return { reason: `eventTime ${time.reason}` };
  if (time.ms > nowMs + skewMs) {
    return { reason: `eventTime ${eventTime} is more than ${Math.round(skewMs / 1000)} s in the future` };
  }
  if (!isPlainObject(values)) return { reason: `values must be an object, got ${describe(values)}` };
  const checked = validateValues(spec, values);
  if ('reason' in checked) return checked;
  // Normalised to UTC milliseconds so that equal instants compare, hash and partition equally.
  return { entityId, group, eventTime: new Date(time.ms).toISOString(), values: checked.values };
}

/** Validates numbered raw inputs against the catalog. */
export function validateNumberedRows(inputs: readonly NumberedInput[], catalog: FeatureCatalog, options: ValidateOptions = {}): ValidatedRows {
  const nowMs = (options.now ?? new Date()).getTime();
  const skewMs = options.maxFutureSkewMs ?? DEFAULT_MAX_FUTURE_SKEW_MS;
  const valid: ValidRow[] = [];
  const rejected: RejectedRow[] = [];
  for (const { row, raw } of inputs) {
    const result = validateOne(raw, catalog, nowMs, skewMs);
    if ('reason' in result) rejected.push({ row, reason: result.reason });
    else valid.push({ row, featureRow: result });
  }
  return { valid, rejected };
}

/** Validates raw rows (row numbers are positions, from 1). */
export function validateRows(rawRows: readonly unknown[], catalog: FeatureCatalog, options: ValidateOptions = {}): ValidatedRows {
  return validateNumberedRows(
    rawRows.map((raw, index) => ({ row: index + 1, raw })),
    catalog,
    options,
  );
}

/** Splits JSON Lines text into numbered inputs; a line that is not JSON is rejected, blank lines are skipped. */
export function parseJsonLines(text: string): { inputs: NumberedInput[]; rejected: RejectedRow[] } {
  const inputs: NumberedInput[] = [];
  const rejected: RejectedRow[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '') return;
    try {
      inputs.push({ row: index + 1, raw: JSON.parse(trimmed) as unknown });
    } catch (err) {
      rejected.push({ row: index + 1, reason: `line is not valid JSON (${err instanceof Error ? err.message : String(err)})` });
    }
  });
  return { inputs, rejected };
}

/** Parses and validates JSON Lines text; row numbers are line numbers in the text. */
export function validateJsonLines(text: string, catalog: FeatureCatalog, options: ValidateOptions = {}): ValidatedRows {
  const { inputs, rejected } = parseJsonLines(text);
  const validated = validateNumberedRows(inputs, catalog, options);
  return { valid: validated.valid, rejected: [...rejected, ...validated.rejected].sort((a, b) => a.row - b.row) };
}

// --- online keys, TTL, content hash

export type OnlineKey = { readonly [K in typeof FEATURE_TABLE.partitionKey | typeof FEATURE_TABLE.sortKey]: string };

/** The online table's key of an entity's row in a group. */
export function onlineKey(entityId: string, group: string): OnlineKey {
  return { [FEATURE_TABLE.partitionKey]: entityId, [FEATURE_TABLE.sortKey]: group };
}

/** Epoch seconds at which an online row expires: its event time plus the group's TTL. */
export function expiresAt(eventTime: string, ttlSeconds: number): number {
  const time = parseEventTime(eventTime);
  if ('reason' in time) throw new RangeError(`eventTime ${time.reason}`);
  return Math.floor(time.ms / 1000) + ttlSeconds;
}

/**
 * Hash of a row's values, independent of key order (sha256, base64url). Equal hashes at equal
 * event times mean a re-delivery; a different hash at the same event time is a correction.
 */
export function rowHash(values: Readonly<Record<string, FeatureValue>>): string {
  const entries = Object.entries(values)
    .filter(([, value]) => value !== null)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // JSON keeps 1 and "1" and true apart, so values of different types never collide.
  return createHash('sha256').update(JSON.stringify(entries)).digest('base64url');
}
