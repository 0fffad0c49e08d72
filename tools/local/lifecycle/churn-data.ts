/**
 * Raw churn data as the example's preprocess.py reads it, with a signal the model can learn:
 * short tenure and many support tickets churn. Deterministic per seed; `shifted` moves the
 * population to long tenure and many tickets (drift).
 */

export type CustomerRow = Readonly<Record<string, number | string>>;

export const PLAN_TIERS = ['basic', 'standard', 'pro', 'enterprise'] as const;

export function churnCustomers(n: number, seed: number, shifted = false): CustomerRow[] {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, (_, i) => {
    const tenure = shifted ? 48 + Math.floor(random() * 12) : Math.floor(random() * 60);
    const tickets = shifted ? 6 + Math.floor(random() * 2) : Math.floor(random() * 8);
    const logins = Math.floor(random() * 40);
    const spend = (20 + random() * 180).toFixed(2);
    const risk = 1.5 - tenure / 20 + tickets / 3 - logins / 30 + (random() - 0.5);
    return { customer_id: `c-${seed}-${i}`, tenure_months: tenure, monthly_spend: Number(spend), support_tickets_30d: tickets, logins_30d: logins, plan_tier: PLAN_TIERS[i % 4]!, churned: risk > 0 ? 'yes' : 'no' };
  });
}

/** Rows as CSV with a header, in the rows' column order. */
export function toCsv(rows: readonly CustomerRow[]): string {
  const columns = Object.keys(rows[0]!);
  return [columns.join(','), ...rows.map((r) => columns.map((c) => r[c]).join(','))].join('\n');
}
