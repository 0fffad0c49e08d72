import { describe, expect, it } from 'vitest';
import { parseBaseline } from '../../../../lambdas/core/baseline/parse';
import type { Baseline } from '../../../../lib/contract';
import { BASELINE } from '../../drift/fixtures';

const URI = 's3://artifacts/baselines/churn.json';

describe('parseBaseline', () => {
  it('returns a baseline of the current format as written', () => {
    expect(parseBaseline(JSON.stringify(BASELINE), URI)).toEqual(BASELINE);
  });

  it('takes a numeric feature with no edges and at most one bin (training data without a value)', () => {
    const empty = { ...BASELINE, features: [{ name: 'x', kind: 'numeric', count: 0, missing: 5, binEdges: [], proportions: [] }] } as Baseline;
    expect(parseBaseline(JSON.stringify(empty), URI).features).toEqual(empty.features);
  });

  it.each<[string, string, string]>([
    ['not JSON', '{"formatVersion": 1,', 'not JSON: '],
    ['JSON null', 'null', 'formatVersion is undefined, this monitor reads 1'],
    ['another format version', JSON.stringify({ ...BASELINE, formatVersion: 2 }), 'formatVersion is 2, this monitor reads 1'],
    ['a feature of an unknown kind', JSON.stringify({ ...BASELINE, features: [{ name: 'x', kind: 'ordinal' }] }), 'features.0.kind'],
    ['no feature', JSON.stringify({ ...BASELINE, features: [] }), 'features: must list at least one feature'],
    ['bins and proportions that disagree', JSON.stringify({ ...BASELINE, features: [{ ...BASELINE.features[0], proportions: [0.5, 0.5] }] }), 'features.0.proportions: must hold one proportion per bin'],
    ['a share above 1', JSON.stringify({ ...BASELINE, features: [BASELINE.features[0], { ...BASELINE.features[1], other: 1.5 }] }), 'features.1.other: must be a proportion'],
    ['a negative count', JSON.stringify({ ...BASELINE, records: -1 }), 'records: must not be negative'],
  ])('throws InvalidBaselineError naming the URI for %s', (_, text, reason) => {
    const error = (() => {
      try {
        parseBaseline(text, URI);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error).toMatchObject({ name: 'InvalidBaselineError', uri: URI });
    expect(error!.message.startsWith(`baseline ${URI}: ${reason}`)).toBe(true);
  });
});
