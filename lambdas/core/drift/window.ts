/**
 * The drift check's windows, in UTC: which window a scheduled run checks, the id its report is
 * stored under, the capture prefixes it reads, and whether drift has lasted long enough to act.
 */
import type { CaptureWindow } from './capture';
import type { DriftReport } from './types';

const MINUTE = 60_000;
const QUARTER_HOUR = 15 * MINUTE;
const HOUR = 60 * MINUTE;

/**
 * The `minutes` long window ending at the last quarter hour at least `settleMinutes` before
 * `now` (so its late capture files are in), aligned, so runs that start a little late still
 * check the same windows. @throws RangeError
 */
export function windowEndingBefore(now: Date, minutes: number, settleMinutes = CAPTURE_SETTLE_MINUTES): { from: Date; to: Date } {
  if (Number.isNaN(now.getTime())) throw new RangeError('windowEndingBefore: now is an invalid date');
  if (!Number.isFinite(minutes) || minutes <= 0) throw new RangeError(`windowEndingBefore: minutes must be > 0, got ${minutes}`);
  const to = Math.floor((now.getTime() - settleMinutes * MINUTE) / QUARTER_HOUR) * QUARTER_HOUR;
  return { from: new Date(to - minutes * MINUTE), to: new Date(to) };
}

/** The window's id for report keys: its start to the minute, `2026-11-22T10-15Z`. */
export function windowId(window: { from: Date }): string {
  const iso = window.from.toISOString();
  return `${iso.slice(0, 13)}-${iso.slice(14, 16)}Z`;
}

/**
 * How long after a window ends its captured traffic is taken to be in S3. SageMaker buffers
 * capture records and writes each file under the UTC hour it writes the file in, not the hour
 * of its records (https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture.html
 * gives no flush interval), so a record of 10:59:58 can land in `…/11/` minutes later.
 */
export const CAPTURE_SETTLE_MINUTES = 5;

/**
 * The capture prefixes `<endpoint>/<variant>/yyyy/mm/dd/hh/` a window's records can be under,
 * oldest first, none for an empty window: every hour the window touches (`to` exclusive), and
 * the hour its last `lateMinutes` of writes fall in, for records flushed after the window
 * ended. The caller keeps only the records whose inferenceTime lies in the window.
 */
export function captureHourPrefixes(endpoint: string, variant: string, window: CaptureWindow, lateMinutes = CAPTURE_SETTLE_MINUTES): string[] {
  const prefixes: string[] = [];
  if (!(window.to.getTime() > window.from.getTime())) return prefixes;
  const last = window.to.getTime() - 1 + lateMinutes * MINUTE;
  for (let hour = Math.floor(window.from.getTime() / HOUR) * HOUR; hour <= last; hour += HOUR) {
    const iso = new Date(hour).toISOString();
    prefixes.push(`${endpoint}/${variant}/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(11, 13)}/`);
  }
  return prefixes;
}

/**
 * Whether drift has persisted for `n` consecutive windows as of `current`: `current` drifted, and
 * so did the n − 1 windows before it (`previous`, newest first; undefined for a window without a
 * report), and the one before those did not. So it fires once per streak, when the streak
 * reaches n, not on every window after. A no-data window never drifted, so it breaks a streak.
 * @throws RangeError when n is not a positive integer
 */
export function driftPersists(current: DriftReport, previous: readonly (DriftReport | undefined)[], n: number): boolean {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`driftPersists: n must be a positive integer, got ${n}`);
  const drifted = (report: DriftReport | undefined): boolean => report !== undefined && report.drifted && !report.noData;
  if (!drifted(current)) return false;
  for (let i = 0; i < n - 1; i += 1) if (!drifted(previous[i])) return false;
  return !drifted(previous[n - 1]);
}
