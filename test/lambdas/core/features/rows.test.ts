import { describe, expect, it } from 'vitest';
import {
  expiresAt,
  FeatureCatalogError,
  featureCatalog,
  onlineKey,
  parseEventTime,
  rowHash,
  validateJsonLines,
  validateRows,
} from '../../../../lambdas/core/features/rows';
import type { FeatureGroupSpec } from '../../../../lambdas/core/features/types';

const activity: FeatureGroupSpec = {
  name: 'customer-activity',
  ttlSeconds: 30 * 86_400,
  features: [
    { name: 'tenure_months', type: 'bigint' },
    { name: 'monthly_spend', type: 'double' },
    { name: 'plan_tier', type: 'string' },
    { name: 'is_active', type: 'boolean' },
  ],
};
const catalog = featureCatalog([activity]);
const now = new Date('2024-06-01T12:00:00Z');
const good = { entityId: 'c-1', group: 'customer-activity', eventTime: '2024-06-01T10:00:00Z', values: { tenure_months: 3 } };

describe('validateRows', () => {
  it('accepts a valid row, normalising the event time to UTC and dropping nulls', () => {
    const result = validateRows(
      [{ ...good, eventTime: '2024-06-01T12:30:00+02:00', values: { tenure_months: null, monthly_spend: 9.5, plan_tier: 'pro', is_active: true } }],
      catalog,
      { now },
    );
    expect(result.rejected).toEqual([]);
    expect(result.valid).toEqual([
      {
        row: 1,
        featureRow: {
          entityId: 'c-1',
          group: 'customer-activity',
          eventTime: '2024-06-01T10:30:00.000Z',
          values: { monthly_spend: 9.5, plan_tier: 'pro', is_active: true },
        },
      },
    ]);
  });

  it.each([
    ['no entity id', { ...good, entityId: undefined }, 'entityId is missing'],
    ['an empty entity id', { ...good, entityId: '  ' }, 'entityId is empty'],
    ['a numeric entity id', { ...good, entityId: 42 }, 'entityId must be a string, got the integer 42'],
    ['an unknown group', { ...good, group: 'nope' }, 'unknown feature group "nope"'],
    ['a missing group', { ...good, group: undefined }, 'group must be a non-empty string'],
    ['an event time without a zone', { ...good, eventTime: '2024-06-01T10:00:00' }, 'has no time zone'],
    ['a date-only event time', { ...good, eventTime: '2024-06-01' }, 'has no time zone'],
    ['an event time that is not ISO', { ...good, eventTime: 'yesterday' }, 'is not an ISO-8601 timestamp'],
    ['an impossible date', { ...good, eventTime: '2024-02-30T00:00:00Z' }, 'is not a real calendar date'],
    ['an impossible hour', { ...good, eventTime: '2024-06-01T24:00:00Z' }, 'out-of-range time of day'],
    ['an epoch-number event time', { ...good, eventTime: 1717236000000 }, 'eventTime must be an ISO-8601 string'],
    ['an event time 6 minutes ahead', { ...good, eventTime: '2024-06-01T12:06:00Z' }, 'more than 300 s in the future'],
    ['values that are an array', { ...good, values: [1, 2] }, 'values must be an object, got an array'],
    ['values that are null', { ...good, values: null }, 'values must be an object, got null'],
    ['missing values', { ...good, values: undefined }, 'values must be an object'],
    ['an unknown feature', { ...good, values: { tenure: 3 } }, 'unknown feature "tenure" in group "customer-activity"'],
    ['a fractional bigint', { ...good, values: { tenure_months: 2.5 } }, 'feature "tenure_months" (bigint) must be a (safe) integer, got the number 2.5'],
    ['an unsafe bigint', { ...good, values: { tenure_months: 2 ** 60 } }, '(bigint) must be a (safe) integer'],
    ['a numeric string for a double', { ...good, values: { monthly_spend: '9.5' } }, '(double) must be a finite number, got the string "9.5"'],
    ['Infinity for a double', { ...good, values: { monthly_spend: Infinity } }, '(double) must be a finite number, got Infinity'],
    ['a number for a string', { ...good, values: { plan_tier: 1 } }, '(string) must be a string, got the integer 1'],
    ['a string for a boolean', { ...good, values: { is_active: 'true' } }, '(boolean) must be a boolean, got the string "true"'],
    ['a row that is not an object', 'c-1,3', 'row must be a JSON object, got the string "c-1,3"'],
    ['a null entity id', { ...good, entityId: null }, 'entityId is missing'],
    ['an entity id over 2048 bytes', { ...good, entityId: 'é'.repeat(1025) }, 'entityId is longer than 2048 bytes'],
    ['an empty group', { ...good, group: '' }, 'group must be a non-empty string, got the string ""'],
    ['an object for a string', { ...good, values: { plan_tier: { name: 'pro' } } }, '(string) must be a string, got an object'],
    ['a long string for a number', { ...good, values: { monthly_spend: 'x'.repeat(41) } }, `(double) must be a finite number, got the string "${'x'.repeat(40)}…"`],
    ['a 40-character string for a number', { ...good, values: { monthly_spend: 'x'.repeat(40) } }, `(double) must be a finite number, got the string "${'x'.repeat(40)}"`],
    ['an event time that is not a real date', { ...good, eventTime: '2024-13-01T00:00:00Z' }, 'eventTime is not a real calendar date: "2024-13-01T00:00:00Z"'],
  ])('rejects %s with its row number and reason', (_, bad, reason) => {
    const result = validateRows([good, bad, good], catalog, { now });
    expect(result.valid.map((v) => v.row)).toEqual([1, 3]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]!.row).toBe(2);
    expect(result.rejected[0]!.reason).toContain(reason);
  });

  it('lists every bad feature of a row in one reason', () => {
    const { rejected } = validateRows([{ ...good, values: { tenure_months: 'x', plan_tier: false, extra: 1 } }], catalog, { now });
    expect(rejected[0]!.reason).toBe(
      'feature "tenure_months" (bigint) must be a (safe) integer, got the string "x"; ' +
        'feature "plan_tier" (string) must be a string, got a boolean; unknown feature "extra" in group "customer-activity"',
    );
  });

  it('accepts an event time within the future skew, and a custom skew', () => {
    const soon = { ...good, eventTime: '2024-06-01T12:04:59Z' };
    expect(validateRows([soon], catalog, { now }).valid).toHaveLength(1);
    expect(validateRows([soon], catalog, { now, maxFutureSkewMs: 60_000 }).rejected).toHaveLength(1);
  });

  it.each([
    ['exactly at the skew', '2024-06-01T12:05:00Z', true],
    ['a millisecond past the skew', '2024-06-01T12:05:00.001Z', false],
  ])('treats an event time %s as valid: %s', (_, eventTime, valid) => {
    expect(validateRows([{ ...good, eventTime }], catalog, { now }).valid).toHaveLength(valid ? 1 : 0);
  });

  it('accepts an entity id of exactly 2048 bytes', () => {
    expect(validateRows([{ ...good, entityId: 'é'.repeat(1024) }], catalog, { now }).valid).toHaveLength(1);
  });
});

describe('validateJsonLines', () => {
  it('keeps true line numbers across blank lines, and rejects lines that are not JSON', () => {
    const text = [
      JSON.stringify(good), // 1
      '', // 2
      '{"entityId": "c-2", oops', // 3
      '   ', // 4
      JSON.stringify({ ...good, entityId: 'c-3' }), // 5
      JSON.stringify({ ...good, entityId: '' }), // 6
      '[1,2]', // 7
    ].join('\r\n');
    const result = validateJsonLines(text, catalog, { now });
    expect(result.valid.map((v) => [v.row, v.featureRow.entityId])).toEqual([
      [1, 'c-1'],
      [5, 'c-3'],
    ]);
    expect(result.rejected.map((r) => r.row)).toEqual([3, 6, 7]);
    expect(result.rejected[0]!.reason).toMatch(/^line is not valid JSON/);
    expect(result.rejected[1]!.reason).toBe('entityId is empty');
    expect(result.rejected[2]!.reason).toBe('row must be a JSON object, got an array');
  });

  it.each([
    ['validation first', [JSON.stringify({ ...good, entityId: '' }), 'not json'], [1, 2]],
    ['parse first', ['not json', JSON.stringify({ ...good, entityId: '' })], [1, 2]],
  ])('lists rejected lines in line order, %s', (_, lines, rows) => {
    expect(validateJsonLines(lines.join('\n'), catalog, { now }).rejected.map((r) => r.row)).toEqual(rows);
  });

  it.each([
    ['at the start of the text, skipped', `\uFEFF${JSON.stringify(good)}`, ['c-1']],
    ['inside a value, kept', JSON.stringify({ ...good, entityId: 'c-\uFEFF1' }), ['c-\uFEFF1']],
    ['inside a value after a leading one, kept', `\uFEFF${JSON.stringify(good)}\n${JSON.stringify({ ...good, entityId: 'c-\uFEFF1' })}`, ['c-1', 'c-\uFEFF1']],
  ])('handles a byte-order mark %s', (_, text, entityIds) => {
    const result = validateJsonLines(text, catalog, { now });
    expect(result.rejected).toEqual([]);
    expect(result.valid.map((v) => v.featureRow.entityId)).toEqual(entityIds);
  });

  it('never throws, even on binary junk', () => {
    expect(() => validateJsonLines('\u0000\u0001{{{\n\uFFFF', catalog, { now })).not.toThrow();
  });
});

describe('parseEventTime', () => {
  it.each([
    ['2024-06-01T10:00:00Z', Date.UTC(2024, 5, 1, 10)],
    ['2024-06-01T10:00Z', Date.UTC(2024, 5, 1, 10)],
    ['2024-06-01T10:00:00.1234567Z', Date.UTC(2024, 5, 1, 10, 0, 0, 123)],
    ['2024-06-01T10:00:00-05:30', Date.UTC(2024, 5, 1, 15, 30)],
    ['2024-06-01T10:00:00+0200', Date.UTC(2024, 5, 1, 8)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['2024-06-01T10:00:00.5Z', Date.UTC(2024, 5, 1, 10, 0, 0, 500)],
    ['2024-06-01T10:00:00,25Z', Date.UTC(2024, 5, 1, 10, 0, 0, 250)],
    ['2024-06-01T10:00:00+02', Date.UTC(2024, 5, 1, 8)],
    ['2024-06-01T10:00:00.678Z', Date.UTC(2024, 5, 1, 10, 0, 0, 678)],
    ['2024-12-31T23:59:59Z', Date.UTC(2024, 11, 31, 23, 59, 59)],
    ['2024-12-31T23:59:59.999Z', Date.UTC(2024, 11, 31, 23, 59, 59, 999)],
    ['2024-01-01T00:00:00+23:59', Date.UTC(2023, 11, 31, 0, 1)],
    ['2024-01-01T00:00:00-23:59', Date.UTC(2024, 0, 1, 23, 59)],
  ])('%s', (text, ms) => {
    expect(parseEventTime(text)).toEqual({ ms });
  });

  it.each([
    ['2024-13-01T00:00:00Z', 'is not a real calendar date'],
    ['2024-13-01T00:00:00.000Z', 'is not a real calendar date'],
    ['2024-00-10T00:00:00Z', 'is not a real calendar date'],
    ['2023-02-29T00:00:00Z', 'is not a real calendar date'],
    ['2024-04-31T00:00:00Z', 'is not a real calendar date'],
    ['2024-02-30T00:00:00.000Z', 'is not a real calendar date'],
    ['2024-06-00T00:00:00Z', 'is not a real calendar date'],
    ['2024-06-01T24:00:00Z', 'has an out-of-range time of day'],
    ['2024-06-01T10:60:00Z', 'has an out-of-range time of day'],
    ['2024-06-01T10:00:60Z', 'has an out-of-range time of day'],
    ['2024-06-01T10:00:00+24:00', 'has an out-of-range zone offset'],
    ['2024-06-01T10:00:00+01:60', 'has an out-of-range zone offset'],
    ['2024-06-01T10:00:00', 'has no time zone (add Z or an offset)'],
    ['2024-06-01T10:00:00.000', 'has no time zone (add Z or an offset)'],
    ['yesterday', 'is not an ISO-8601 timestamp'],
    ['x2024-06-01T10:00:00Z', 'is not an ISO-8601 timestamp'],
    ['2024-06-01T10:00:00Zjunk', 'is not an ISO-8601 timestamp'],
    ['x2024-06-01', 'is not an ISO-8601 timestamp'],
    ['2024-06-01junk', 'is not an ISO-8601 timestamp'],
    ['2024-06-01T10:00', 'has no time zone (add Z or an offset)'],
  ])('refuses %s: %s', (text, reason) => {
    expect(parseEventTime(text)).toEqual({ reason: `${reason}: "${text}"` });
  });
});

describe('online helpers', () => {
  it('keys a row by entity and group with the contract attribute names', () => {
    expect(onlineKey('c-1', 'customer-activity')).toEqual({ entityId: 'c-1', featureGroup: 'customer-activity' });
  });

  it('expires a row ttlSeconds after its event time, in epoch seconds', () => {
    expect(expiresAt('2024-06-01T10:00:00.999Z', 3600)).toBe(Math.floor(Date.UTC(2024, 5, 1, 10) / 1000) + 3600);
  });

  it('hashes values independently of key order and of nulls, but not of types', () => {
    expect(rowHash({ a: 1, b: 'x' })).toBe(rowHash({ b: 'x', a: 1 }));
    expect(rowHash({ a: 1, b: null })).toBe(rowHash({ a: 1 }));
    expect(rowHash({ a: 1 })).not.toBe(rowHash({ a: '1' }));
    expect(rowHash({ a: 1 })).not.toBe(rowHash({ a: 2 }));
  });

  it('keeps the stored hash of a row stable across releases: sha256 of its entries sorted by name', () => {
    // Online items already hold this hash: if it changed, every re-delivery would look like a correction.
    const expected = 'cVHY7UaU3C_1EFlDMAfqBXdv3ZsN_hovHE1SSW0jS9k';
    expect(rowHash({ tenure_months: 3, monthly_spend: 9.5, plan_tier: 'pro', is_active: true })).toBe(expected);
    expect(rowHash({ plan_tier: 'pro', is_active: true, tenure_months: 3, monthly_spend: 9.5 })).toBe(expected);
  });

  it('refuses to compute the expiry of an event time that is not one', () => {
    expect(() => expiresAt('2024-06-01T10:00:00', 3600)).toThrow(new RangeError('eventTime has no time zone (add Z or an offset): "2024-06-01T10:00:00"'));
    expect(() => expiresAt('2024-06-01T10:00:00', 3600)).toThrow(RangeError);
  });
});

describe('featureCatalog', () => {
  it.each<[string, FeatureGroupSpec[], string]>([
    ['a duplicate group', [activity, activity], 'defined twice'],
    ['a duplicate feature', [{ ...activity, features: [...activity.features, { name: 'plan_tier', type: 'string' as const }] }], 'twice'],
    ['a reserved feature name', [{ ...activity, features: [{ name: 'event_time', type: 'string' as const }] }], 'reserved'],
    ['a zero TTL', [{ ...activity, ttlSeconds: 0 }], 'ttlSeconds'],
    ...['entity_id', 'event_time', 'write_time', 'event_date'].map((name): [string, FeatureGroupSpec[], string] => [
      `the reserved feature name ${name}`,
      [{ ...activity, features: [{ name, type: 'string' as const }] }],
      `feature group "customer-activity" feature "${name}" is a reserved offline column name`,
    ]),
  ])('throws when given %s', (_, specs, message) => {
    expect(() => featureCatalog(specs)).toThrow(FeatureCatalogError);
    expect(() => featureCatalog(specs)).toThrow(expect.objectContaining({ name: 'FeatureCatalogError', message: expect.stringContaining(message) }));
  });
});
