import { describe, expect, it } from 'vitest';
import { isoTimestamp } from '../../../../lambdas/core/input/timestamp';

describe('isoTimestamp', () => {
  it.each([
    ['2026-11-22T10:00:00Z', '2026-11-22T10:00:00.000Z'],
    ['2026-11-22T11:00+01:00', '2026-11-22T10:00:00.000Z'],
    ['2026-11-22T10:00:00.123456789Z', '2026-11-22T10:00:00.123Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    // The last value of each field is a valid one.
    ['2026-12-31T23:59:59Z', '2026-12-31T23:59:59.000Z'],
    ['2026-11-30T10:00:00-23:59', '2026-12-01T09:59:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(isoTimestamp(text)?.toISOString()).toBe(iso);
  });

  it.each([
    ['no zone (local time)', '2026-11-22T10:00:00'],
    ['a day the calendar lacks', '2026-02-30T10:00:00Z'],
    ['February 29th of a common year', '2026-02-29T10:00:00Z'],
    ['hour 24', '2026-11-22T24:00:00Z'],
    ['minute 60', '2026-11-22T10:60:00Z'],
    ['second 60', '2026-11-22T10:00:60Z'],
    ['month 13', '2026-13-01T10:00:00Z'],
    ['month 00', '2026-00-10T10:00:00Z'],
    ['day 00', '2026-11-00T10:00:00Z'],
    ['day 31 of a 30-day month', '2026-11-31T10:00:00Z'],
    ['an offset of +24:00', '2026-11-22T10:00:00+24:00'],
    ['text before it', 'at 2026-11-22T10:00:00Z'],
    ['text after it', '2026-11-22T10:00:00Z or so'],
    ['a date alone', '2026-11-22'],
    ['words', 'yesterday'],
  ])('refuses %s', (_, text) => {
    expect(isoTimestamp(text)).toBeUndefined();
  });
});
