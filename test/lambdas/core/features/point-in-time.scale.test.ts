import { describe, expect, it } from 'vitest';
import { pointInTimeJoin, type Label } from '../../../../lambdas/core/features/point-in-time';

// A benchmark more than a rule: kept out of the mutation run (vitest.mutation.config.mts), where
// it would take seconds under every mutant while the table-driven cases decide which are killed.
const t = (day: number): string => new Date(Date.UTC(2024, 0, day)).toISOString();

describe('pointInTimeJoin at scale', () => {
  it('scales as (L + R) log R: 100k labels against 100k rows of one entity in seconds, not the hours of L x R', () => {
    // One entity is the worst case for a scan per label: 1e10 comparisons.
    const base = Date.UTC(2024, 0, 1);
    const rows = Array.from({ length: 100_000 }, (_, i) => ({ entityId: 'e', eventTime: new Date(base + i * 1000).toISOString(), writeTime: t(1), values: { spend: i } }));
    const labels: Label[] = Array.from({ length: 100_000 }, (_, i) => ({ entityId: 'e', labelTime: new Date(base + i * 1000 + 500).toISOString() }));
    const started = performance.now();
    const result = pointInTimeJoin(labels, [{ group: 'customer-activity', features: ['spend', 'tier'], rows: rows.reverse() }]);
    const elapsed = performance.now() - started;
    expect(result.rows[54_321]).toMatchObject({ spend: 54_321 });
    expect(result.missing).toEqual([]);
    expect(elapsed).toBeLessThan(10_000);
  });
});
