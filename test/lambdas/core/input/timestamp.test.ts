import { describe, expect, it } from 'vitest';
import { isoTimestamp } from '../../../../lambdas/core/input/timestamp';
import { mulberry32 } from '../../../../lambdas/core/baseline/statistics';

describe('isoTimestamp', () => {
  it.each([
    ['2026-11-22T10:00:00Z', '2026-11-22T10:00:00.000Z'],
    ['2026-11-22T11:00+01:00', '2026-11-22T10:00:00.000Z'],
    ['2026-11-22T10:00:00.123456789Z', '2026-11-22T10:00:00.123Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    // The last value of each field is a valid one.
    ['2026-12-31T23:59:59Z', '2026-12-31T23:59:59.000Z'],
    ['2026-11-30T10:00:00-23:59', '2026-12-01T09:59:00.000Z'],
    // Years 0 to 99 are real years of ISO 8601's (proleptic Gregorian) calendar, not 1900 to 1999
    // as Date.UTC reads them; year 0 is divisible by 400, so a leap year.
    ['0050-01-01T00:00:00Z', '0050-01-01T00:00:00.000Z'],
    ['0000-02-29T12:00:00Z', '0000-02-29T12:00:00.000Z'],
    ['0099-12-31T23:59:59Z', '0099-12-31T23:59:59.000Z'],
  ])('reads %s', (text, iso) => {
    expect(isoTimestamp(text)?.toISOString()).toBe(iso);
  });

  it.each([
    ['no zone (local time)', '2026-11-22T10:00:00'],
    ['a day the calendar lacks', '2026-02-30T10:00:00Z'],
    ['February 29th of a common year', '2026-02-29T10:00:00Z'],
    ['February 29th of a century not divisible by 400', '0100-02-29T10:00:00Z'],
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
    // Both are times Date.parse takes (the anchors, not V8, refuse them): ECMAScript's expanded
    // six-digit year with a sign, and V8 stops reading at a NUL character.
    ['an expanded year', '+002026-11-22T10:00:00Z'],
    ['text after a NUL character', '2026-11-22T10:00:00Z\u0000 or so'],
    ['a date alone', '2026-11-22'],
    ['words', 'yesterday'],
  ])('refuses %s', (_, text) => {
    expect(isoTimestamp(text)).toBeUndefined();
  });

  it('the anchored cases above are ones Date.parse would take: the refusal is isoTimestamp\'s own', () => {
    expect([Date.parse('+002026-11-22T10:00:00Z'), Date.parse('2026-11-22T10:00:00Z\u0000 or so')]).toEqual([Date.parse('2026-11-22T10:00:00Z'), Date.parse('2026-11-22T10:00:00Z')]);
  });
});

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/** The reference, by the Gregorian rules alone: no Date involved. */
function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

describe('isoTimestamp agrees with the Gregorian calendar', () => {
  it('on random two-digit fields (00 to 99) of random years 0000 to 9999, each read back as written or refused', () => {
    const random = mulberry32(20261204);
    const draw = (below: number) => Math.floor(random() * below);
    const disagreements: string[] = [];
    for (let i = 0; i < 4000; i += 1) {
      // Years below 100 one time in four, so the Date.UTC trap is well covered.
      const year = i % 4 === 0 ? draw(100) : draw(10_000);
      // Mostly in range, so accepted times are common too; sometimes anything two digits hold.
      const field = (low: number, high: number) => (random() < 0.8 ? low + draw(high - low + 1) : draw(100));
      const [month, day, hour, minute, second] = [field(1, 12), field(1, 31), field(0, 23), field(0, 59), field(0, 59)];
      const written = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}`;
      const real = month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 59;
      const read = isoTimestamp(`${written}Z`)?.toISOString();
      if (read !== (real ? `${written}.000Z` : undefined)) disagreements.push(`${written}Z → ${read}`);
    }
    expect(disagreements).toEqual([]);
  });
});
