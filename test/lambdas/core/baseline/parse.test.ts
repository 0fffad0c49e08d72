import { describe, expect, it } from 'vitest';
import type { Baseline } from '../../../../lib/contract';
import { BASELINE } from '../../drift/fixtures';

type Module = typeof import('../../../../lambdas/core/baseline/parse');

const URI = 's3://artifacts/baselines/churn.json';

// Imported by each test rather than at the top: a schema that cannot be built (a discriminated
// union whose option lacks the `kind` discriminator) throws while the module loads, and that must
// fail these tests. A failed top-level import (or hook) leaves the tests without a result, which
// the mutation runner counts as no test at all, so the mutant would survive.
async function parseBaseline(text: string, uri: string): Promise<Baseline> {
  const module: Module = await import('../../../../lambdas/core/baseline/parse.js');
  return module.parseBaseline(text, uri);
}

async function failure(text: string): Promise<Error & { uri?: string }> {
  try {
    await parseBaseline(text, URI);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected parseBaseline to throw');
}

const withFeature = (feature: Record<string, unknown>): string => JSON.stringify({ ...BASELINE, features: [feature] });
const numeric = (binEdges: number[], proportions: number[]) => ({ name: 'x', kind: 'numeric', count: 5, missing: 0, binEdges, proportions });

describe('parseBaseline', () => {
  it('returns a baseline of the current format as written', async () => {
    expect(await parseBaseline(JSON.stringify(BASELINE), URI)).toEqual(BASELINE);
  });

  // No edges: the training data had no value (no bin at all) or one bin holds everything.
  it.each<[string, Record<string, unknown>]>([
    ['no edges and no bin', { ...numeric([], []), count: 0, missing: 5 }],
    ['no edges and one bin', numeric([], [1])],
    ['9 edges and 10 bins', numeric([1, 2, 3, 4, 5, 6, 7, 8, 9], Array<number>(10).fill(0.1))],
    ['shares of 0 and 1', { name: 'plan', kind: 'categorical', count: 2, missing: 0, categories: { basic: 1, pro: 0 }, other: 0 }],
  ])('takes a feature with %s', async (_, feature) => {
    expect((await parseBaseline(withFeature(feature), URI)).features).toEqual([feature as unknown as Baseline['features'][number]]);
  });

  it.each<[string, string, string]>([
    ['not JSON', '{"formatVersion": 1,', 'not JSON: '],
    ['JSON null', 'null', 'formatVersion is undefined, this monitor reads 1'],
    ['another format version', JSON.stringify({ ...BASELINE, formatVersion: 2 }), 'formatVersion is 2, this monitor reads 1'],
    ['a feature of an unknown kind', withFeature({ name: 'x', kind: 'ordinal' }), 'features.0.kind'],
    ['no feature', JSON.stringify({ ...BASELINE, features: [] }), 'features: must list at least one feature'],
    ['bins and proportions that disagree', withFeature({ ...BASELINE.features[0], proportions: [0.5, 0.5] }), 'features.0.proportions: must hold one proportion per bin'],
    ['two bins without edges', withFeature(numeric([], [0.5, 0.5])), 'features.0.proportions: must hold one proportion per bin'],
    ['a share above 1', JSON.stringify({ ...BASELINE, features: [BASELINE.features[0], { ...BASELINE.features[1], other: 1.5 }] }), 'features.1.other: must be a proportion'],
    ['a negative share', withFeature(numeric([], [-0.5])), 'features.0.proportions.0: must be a proportion'],
    ['a negative count', JSON.stringify({ ...BASELINE, records: -1 }), 'records: must not be negative'],
    ['a nameless feature', withFeature({ ...BASELINE.features[1], name: '' }), 'features.0.name: must not be empty'],
    // The message names the type received, so the writer of a bad file sees what it wrote.
    ['a model that is not a string', JSON.stringify({ ...BASELINE, model: 7 }), 'model: expected string, got number'],
    ['a categorical without its other share', withFeature({ name: 'plan', kind: 'categorical', count: 1, missing: 0, categories: {} }), 'features.0.other: expected number (missing)'],
  ])('throws InvalidBaselineError naming the URI for %s', async (_, text, reason) => {
    const error = await failure(text);
    expect(error).toMatchObject({ name: 'InvalidBaselineError', uri: URI });
    expect(error.message.startsWith(`baseline ${URI}: ${reason}`)).toBe(true);
  });

  it('lists every issue, separated by "; "', async () => {
    const error = await failure(JSON.stringify({ ...BASELINE, records: -1, features: [] }));
    expect(error.message).toBe(`baseline ${URI}: records: must not be negative; features: must list at least one feature`);
  });

  it('keeps the JSON syntax error as the cause', async () => {
    expect((await failure('{')).cause).toBeInstanceOf(SyntaxError);
  });

  it('keeps the schema error, with its issues, as the cause', async () => {
    expect((await failure(JSON.stringify({ ...BASELINE, records: -1 }))).cause).toMatchObject({ issues: [{ path: ['records'], message: 'must not be negative' }] });
  });
});
