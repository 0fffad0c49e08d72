import { describe, expect, it } from 'vitest';
import { isoTimestamp } from '../../../../lambdas/core/input/timestamp';

describe('isoTimestamp', () => {
  it.each([
    ['2026-11-22T10:00:00Z', '2026-11-22T10:00:00.000Z'],
    ['2026-11-22T11:00+01:00', '2026-11-22T10:00:00.000Z'],
    ['2026-11-22T10:00:00.123456789Z', '2026-11-22T10:00:00.123Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(isoTimestamp(text)?.toISOString()).toBe(iso);
  });

  it.each([
    ['no zone (local time)', '2026-11-22T10:00:00'],
    ['a day the calendar lacks', '2026-02-30T10:00:00Z'],
    ['February 29th of a common year', '2026-02-29T10:00:00Z'],
    ['hour 24', '2026-11-22T24:00:00Z'],
    ['minute 60', '2026-11-22T10:60:00Z'],
    ['a date alone', '2026-11-22'],
    ['words', 'yesterday'],
  ])('refuses %s', (_, text) => {
    expect(isoTimestamp(text)).toBeUndefined();
  });
});
