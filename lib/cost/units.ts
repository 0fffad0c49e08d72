/** The calendar and size units the estimate and the spend comparison count in, defined once. */

/** Hours in the average month AWS prices monthly figures with (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

/** Days in the average month (730 h / 24 = 365 / 12): a Cost Explorer period of any length is this fraction of the monthly estimate. */
export const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

/** Minutes in the 30-day month that drift checks and rate schedules are counted over. */
export const MINUTES_PER_30_DAYS = 30 * 24 * 60;

/** KB in a GB: payloads and rows are sized in KB, storage is priced per GB. */
export const KB_PER_GB = 1024 * 1024;

/** Milliseconds in a UTC day. */
export const MS_PER_DAY = 86_400_000;
