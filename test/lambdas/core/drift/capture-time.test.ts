import { describe, expect, it } from 'vitest';
import { isoMillis } from '../../../../lambdas/core/drift/capture';
import { mulberry32 } from '../../../../lambdas/core/baseline/statistics';

// isoMillis is a fast path for the capture window: whatever it reads digit by digit must be what
// Date.parse says, NaN included, or a record falls into (or out of) a window that the slow path
// would have put elsewhere. So every case here compares with Date.parse, V8's own reading.

const pad = (value: number, width: number): string => String(value).padStart(width, '0');
const time = (year: number, month: number, day: number, hour: number, minute: number, second: number, fraction = ''): string =>
  `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}${fraction === '' ? '' : `.${fraction}`}Z`;

const agrees = (text: string) => expect([text, isoMillis(text)]).toEqual([text, Date.parse(text)]);

describe('isoMillis agrees with Date.parse', () => {
  it('on random instants from year 0 to 9999, with 0 to 9 fraction digits', () => {
    const random = mulberry32(20261122);
    // 0000-01-01 to 9999-12-31: toISOString keeps a four-digit year over this span.
    // (Date.UTC maps years 0 to 99 to 1900 to 1999, so year 0 is set by setUTCFullYear.)
    const from = new Date(0).setUTCFullYear(0, 0, 1);
    const span = Date.UTC(9999, 11, 31, 23, 59, 59, 999) - from;
    for (let i = 0; i < 3000; i += 1) {
      const iso = new Date(from + Math.floor(random() * span)).toISOString();
      const digits = Math.floor(random() * 10);
      const fraction = iso.slice(20, 23) + String(Math.floor(random() * 1e6)).padStart(6, '0');
      agrees(`${iso.slice(0, 19)}${digits === 0 ? '' : `.${fraction.slice(0, digits)}`}Z`);
    }
  });

  it('on every month end and leap day around the Gregorian rules (1900 not leap, 2000 leap)', () => {
    // Days 29 to 31 go to Date.parse, which rolls an impossible day over into the next month;
    // days 1 to 28 are computed, so the month lengths and leap years are what this pins down.
    for (const year of [0, 1, 99, 100, 399, 400, 1600, 1899, 1900, 1969, 1970, 1999, 2000, 2023, 2024, 2100, 2400, 9999]) {
      for (let month = 0; month <= 13; month += 1) {
        for (const day of [0, 1, 2, 27, 28, 29, 30, 31, 32]) agrees(time(year, month, day, 12, 0, 0));
      }
    }
  });

  it('on the edges of every clock field', () => {
    for (const hour of [0, 1, 22, 23, 24, 25]) {
      for (const minute of [0, 1, 30, 58, 59, 60]) {
        for (const second of [0, 1, 58, 59, 60]) {
          for (const fraction of ['', '0', '000', '001', '5', '05', '999', '9999']) agrees(time(2026, 11, 22, hour, minute, second, fraction));
        }
      }
    }
  });

  // Each position of a valid time replaced by each of these: the separators of other fields,
  // digits, lower case (Date.parse takes `t` and `z`), and bytes just below '0' ('/') and just
  // above '9' (':'), which a digit reader that checks one bound only would take for digits.
  const REPLACEMENTS = ['-', ':', 'T', 't', 'Z', 'z', '.', ',', '/', ' ', '+', '0', '5', '9', 'a'];

  it.each([
    ['seconds', time(2026, 11, 22, 10, 20, 31)],
    ['one fraction digit', time(2026, 11, 22, 10, 20, 31, '4')],
    ['two fraction digits', time(2026, 11, 22, 10, 20, 31, '45')],
    ['three fraction digits', time(2026, 11, 22, 10, 20, 31, '456')],
    ['six fraction digits', time(2026, 11, 22, 10, 20, 31, '456789')],
    ['a leap day', time(2024, 2, 29, 23, 59, 59, '999')],
    ['a year before 1970', time(1969, 7, 20, 20, 17, 40)],
  ])('with one character changed at each position of a time with %s', (_name, valid) => {
    for (let at = 0; at < valid.length; at += 1) {
      for (const replacement of REPLACEMENTS) agrees(valid.slice(0, at) + replacement + valid.slice(at + 1));
      // One character left out, and one more put in: every field shifts against the layout.
      agrees(valid.slice(0, at) + valid.slice(at + 1));
      agrees(valid.slice(0, at) + '1' + valid.slice(at));
    }
  });

  it.each([
    ['the shortest SageMaker form', '2026-11-22T10:20:31Z'],
    ['a dot without fraction digits (Date.parse refuses it)', '2026-11-22T10:20:31.Z'],
    ['fraction digits past the milliseconds, dropped', '2026-11-22T10:20:31.1234567891234Z'],
    ['a non-digit after the millisecond digits', '2026-11-22T10:20:31.123aZ'],
    ['no zone designator (local time, another rule)', '2026-11-22T10:20:31.123'],
    ['an offset instead of Z', '2026-11-22T10:20:31+00:00'],
    ['a space instead of T (Date.parse takes it)', '2026-11-22 10:20:31Z'],
    ['24:00 as the end of the day', '2026-11-22T24:00:00Z'],
    ['24:00 with a fraction', '2026-11-22T24:00:00.001Z'],
    ['24:30, no time', '2026-11-22T24:30:00Z'],
    ['an expanded year', '+002026-11-22T10:20:31Z'],
    ['a short string ending in Z', '2026-11-22T10:20:3Z'],
    ['the empty string', ''],
    ['no time at all', 'yesterday'],
  ])('on %s', (_name, text) => {
    agrees(text);
  });
});
