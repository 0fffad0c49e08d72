/**
 * How the cost estimate writes money and counts, defined once for the reports, `gantry cost
 * actual` and the `npm start` summary. Amounts round to cents here and nowhere else.
 */

/** How `formatUsd` writes an amount. */
export interface UsdFormat {
  /**
   * Thousands separators, as in `$1,234.56`.
   * @default true
   */
  readonly grouping?: boolean;
  /**
   * A `+` before an amount that rounds above zero (differences).
   * @default false - only negative amounts carry a sign
   */
  readonly signed?: boolean;
}

/** Dollars to cents: `$1,234.56`, `-$0.50`, or with `{ signed: true }` `+$1.75`. */
export function formatUsd(usd: number, format: UsdFormat = {}): string {
  const cents = Math.round(usd * 100);
  // The sign follows the rounded amount, so -$0.001 prints as $0.00, never as -$0.00.
  const sign = cents < 0 ? '-' : format.signed === true && cents > 0 ? '+' : '';
  const dollars = Math.abs(cents) / 100;
  const digits = format.grouping === false ? dollars.toFixed(2) : dollars.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${sign}$${digits}`;
}

/** A line amount: like `formatUsd`, but a non-zero amount below half a cent shows as `<$0.01`, not as free. */
export function formatLineUsd(usd: number): string {
  return usd > 0 && usd < 0.005 ? '<$0.01' : formatUsd(usd);
}

/** A price as the table holds it, unrounded (`$0.0000133334`): a line's basis shows the rate it multiplies by. */
export function formatPrice(usd: number): string {
  return `$${usd}`;
}

/** A quantity in a line's basis: whole numbers with separators, fractions to 4 decimals. */
export function formatCount(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 4 });
}
