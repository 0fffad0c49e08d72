import { describe, expect, it } from 'vitest';
import { CAPTURE_SETTLE_MINUTES, captureHourPrefixes, DEFAULT_THRESHOLDS, driftPersists, windowEndingBefore, windowId, type DriftReport } from '../../../../lambdas/core/drift';

function report(verdict: 'drift' | 'steady' | 'no-data'): DriftReport {
  return { model: 'm', records: verdict === 'no-data' ? 0 : 100, malformed: {}, features: [], maxPsi: 0, maxKs: 0, noData: verdict === 'no-data', drifted: verdict === 'drift', thresholds: DEFAULT_THRESHOLDS };
}

/** Runs driftPersists over a history, oldest first, and returns the indexes of the windows where it fires. */
function firings(history: readonly ('drift' | 'steady' | 'no-data')[], n: number): number[] {
  const reports = history.map(report);
  const fired: number[] = [];
  reports.forEach((current, i) => {
    if (driftPersists(current, reports.slice(0, i).reverse(), n)) fired.push(i);
  });
  return fired;
}

describe('driftPersists', () => {
  it.each([
    [1, ['drift'], [0]],
    [1, ['steady', 'drift', 'drift', 'steady', 'drift'], [1, 4]],
    [2, ['drift'], []],
    [2, ['drift', 'drift', 'drift', 'drift'], [1]],
    [2, ['drift', 'steady', 'drift', 'drift'], [3]],
    [3, ['drift', 'drift'], []],
    [3, ['drift', 'drift', 'drift', 'drift', 'drift'], [2]],
    [3, ['drift', 'drift', 'no-data', 'drift', 'drift'], []],
    [3, ['drift', 'drift', 'no-data', 'drift', 'drift', 'drift'], [5]],
    [3, ['steady', 'drift', 'drift', 'drift', 'steady', 'drift', 'drift', 'drift'], [3, 7]],
  ] as const)('n = %i over %j fires at %j', (n, history, expected) => {
    expect(firings(history, n)).toEqual(expected);
  });

  it('counts a window without a report as not drifted', () => {
    expect(driftPersists(report('drift'), [report('drift'), undefined, report('drift')], 3)).toBe(false);
    expect(driftPersists(report('drift'), [report('drift'), report('drift'), undefined], 3)).toBe(true);
  });

  it('never fires on a window that did not drift', () => {
    expect(driftPersists(report('no-data'), [], 1)).toBe(false);
    expect(driftPersists(report('steady'), [report('drift'), report('drift')], 2)).toBe(false);
  });

  it('throws RangeError when n is not a positive integer', () => {
    expect(() => driftPersists(report('drift'), [], 0)).toThrow(RangeError);
    expect(() => driftPersists(report('drift'), [], 1.5)).toThrow(RangeError);
  });
});

describe('windowEndingBefore', () => {
  it.each([
    ['2026-11-22T10:20:31.500Z', 60, '2026-11-22T09:15:00.000Z', '2026-11-22T10:15:00.000Z'],
    ['2026-11-22T10:15:00.000Z', 15, '2026-11-22T10:00:00.000Z', '2026-11-22T10:15:00.000Z'],
    ['2026-11-22T10:14:59.999Z', 15, '2026-11-22T09:45:00.000Z', '2026-11-22T10:00:00.000Z'],
    ['2027-01-01T00:05:00.000Z', 30, '2026-12-31T23:30:00.000Z', '2027-01-01T00:00:00.000Z'],
  ])('now %s, %i minutes, no settle time → [%s, %s)', (now, minutes, from, to) => {
    const window = windowEndingBefore(new Date(now), minutes, 0);
    expect({ from: window.from.toISOString(), to: window.to.toISOString() }).toEqual({ from, to });
  });

  it.each([
    ['2026-11-22T11:04:59.000Z', '2026-11-22T10:30:00.000Z', '2026-11-22T10:45:00.000Z'],
    ['2026-11-22T11:05:00.000Z', '2026-11-22T10:45:00.000Z', '2026-11-22T11:00:00.000Z'],
  ])(`waits ${CAPTURE_SETTLE_MINUTES} minutes for late capture files: now %s → [%s, %s)`, (now, from, to) => {
    const window = windowEndingBefore(new Date(now), 15);
    expect({ from: window.from.toISOString(), to: window.to.toISOString() }).toEqual({ from, to });
  });

  it('throws RangeError for minutes ≤ 0 or an invalid date', () => {
    expect(() => windowEndingBefore(new Date(), 0)).toThrow(RangeError);
    expect(() => windowEndingBefore(new Date('nope'), 15)).toThrow(RangeError);
  });
});

describe('windowId', () => {
  it('is the window start to the minute, UTC, with dashes', () => {
    expect(windowId({ from: new Date('2026-11-22T10:15:00Z') })).toBe('2026-11-22T10-15Z');
    expect(windowId({ from: new Date('2026-01-02T03:04:59Z') })).toBe('2026-01-02T03-04Z');
  });
});

describe('captureHourPrefixes', () => {
  const prefixes = (from: string, to: string, late = 0) => captureHourPrefixes('churn-prod', 'primary', { from: new Date(from), to: new Date(to) }, late);

  it('gives the one hour of a window inside it, zero-padded', () => {
    expect(prefixes('2026-01-02T03:00:00Z', '2026-01-02T03:15:00Z')).toEqual(['churn-prod/primary/2026/01/02/03/']);
    expect(prefixes('2026-11-22T10:00:00Z', '2026-11-22T11:00:00Z')).toEqual(['churn-prod/primary/2026/11/22/10/']);
  });

  it('gives two hours for a window across an hour boundary, and days, months and years roll over', () => {
    expect(prefixes('2026-11-22T10:50:00Z', '2026-11-22T11:05:00Z')).toEqual(['churn-prod/primary/2026/11/22/10/', 'churn-prod/primary/2026/11/22/11/']);
    expect(prefixes('2026-12-31T23:45:00Z', '2027-01-01T00:15:00Z')).toEqual(['churn-prod/primary/2026/12/31/23/', 'churn-prod/primary/2027/01/01/00/']);
  });

  it('reads the next hour too when a window ends on the hour: its last records are flushed into that hour\'s folder', () => {
    expect(captureHourPrefixes('churn-prod', 'primary', { from: new Date('2026-11-22T10:45:00Z'), to: new Date('2026-11-22T11:00:00Z') })).toEqual([
      'churn-prod/primary/2026/11/22/10/',
      'churn-prod/primary/2026/11/22/11/',
    ]);
    // A window ending mid-hour: its late files are still in the same hour.
    expect(prefixes('2026-11-22T10:15:00Z', '2026-11-22T10:30:00Z', CAPTURE_SETTLE_MINUTES)).toEqual(['churn-prod/primary/2026/11/22/10/']);
  });

  it.each([
    // The last instant read is to − 1 ms + late: when that falls exactly on the hour, the hour's folder is read.
    ['a window whose last millisecond is 11:00:00.000', '2026-11-22T10:50:00Z', '2026-11-22T11:00:00.001Z', 0, ['10', '11']],
    ['a window whose late writes end at 11:00:00.000', '2026-11-22T10:40:00Z', '2026-11-22T10:55:00.001Z', 5, ['10', '11']],
    ['a window whose late writes end at 10:59:59.999', '2026-11-22T10:40:00Z', '2026-11-22T10:55:00.000Z', 5, ['10']],
  ])('reads up to and including the last instant\'s hour: %s', (_, from, to, late, hours) => {
    expect(prefixes(from, to, late)).toEqual(hours.map((hour) => `churn-prod/primary/2026/11/22/${hour}/`));
  });

  it('gives every hour of a long window and none for an empty one', () => {
    expect(prefixes('2026-11-22T10:30:00Z', '2026-11-22T13:30:00Z')).toHaveLength(4);
    expect(prefixes('2026-11-22T10:30:00Z', '2026-11-22T10:30:00Z')).toEqual([]);
  });
});

describe('the window helpers refuse arguments out of range, naming the argument', () => {
  it.each<[string, () => unknown, string]>([
    ['windowEndingBefore, minutes 0', () => windowEndingBefore(new Date('2026-11-22T10:00:00Z'), 0), 'windowEndingBefore: minutes must be > 0, got 0'],
    ['windowEndingBefore, minutes negative', () => windowEndingBefore(new Date('2026-11-22T10:00:00Z'), -15), 'windowEndingBefore: minutes must be > 0, got -15'],
    ['windowEndingBefore, minutes NaN', () => windowEndingBefore(new Date('2026-11-22T10:00:00Z'), NaN), 'windowEndingBefore: minutes must be > 0, got NaN'],
    ['windowEndingBefore, minutes infinite', () => windowEndingBefore(new Date('2026-11-22T10:00:00Z'), Infinity), 'windowEndingBefore: minutes must be > 0, got Infinity'],
    ['windowEndingBefore, an invalid date', () => windowEndingBefore(new Date('nope'), 15), 'windowEndingBefore: now is an invalid date'],
    ['driftPersists, n 0', () => driftPersists(report('drift'), [], 0), 'driftPersists: n must be a positive integer, got 0'],
    ['driftPersists, n negative', () => driftPersists(report('drift'), [], -2), 'driftPersists: n must be a positive integer, got -2'],
    ['driftPersists, n fractional', () => driftPersists(report('drift'), [], 1.5), 'driftPersists: n must be a positive integer, got 1.5'],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(new RangeError(message));
  });

  it.each([
    [1, '2026-11-22T10:14:00.000Z'],
    [0.5, '2026-11-22T10:14:30.000Z'],
  ])('accepts any positive length: %d minutes', (minutes, from) => {
    expect(windowEndingBefore(new Date('2026-11-22T10:15:00Z'), minutes, 0).from.toISOString()).toBe(from);
  });
});
