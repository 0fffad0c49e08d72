import { describe, expect, it } from 'vitest';
import {
  BaselineBuilder,
  BaselinePassError,
  binIndex,
  categoryCell,
  categoryShares,
  decileEdges,
  EmptyDataError,
  FeatureNotInDataError,
  mulberry32,
  numericCell,
  topCategories,
  type BaselineBuilderOptions,
  type BaselineRecord,
} from '../../../../lambdas/core/baseline/statistics';
import type { BaselineFeature } from '../../../../lib/contract';

/** Runs both passes over the same records, as the handler does over S3. */
function baseline(records: readonly BaselineRecord[], options: BaselineBuilderOptions = {}): BaselineFeature[] {
  const builder = new BaselineBuilder(options);
  for (const record of records) builder.sample(record);
  builder.endSampling();
  for (const record of records) builder.count(record);
  return builder.build();
}

function feature(features: readonly BaselineFeature[], name: string): BaselineFeature {
  const found = features.find((f) => f.name === name);
  if (!found) throw new Error(`no feature ${name}`);
  return found;
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** A deterministic shuffle, so "the data arrives in any order" is tested reproducibly. */
function shuffled<T>(values: readonly T[], seed = 7): T[] {
  const out = [...values];
  let state = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('binIndex', () => {
  const deciles = [10, 20, 30, 40, 50, 60, 70, 80, 90];
  it.each([
    [deciles, -Infinity, 0],
    [deciles, 1, 0],
    [deciles, 10, 0],
    [deciles, 10.0001, 1],
    [deciles, 20, 1],
    [deciles, 55, 5],
    [deciles, 90, 8],
    [deciles, 90.5, 9],
    [deciles, Infinity, 9],
    [[5, 5, 5, 5, 5, 5, 5, 5, 5], 5, 0],
    [[5, 5, 5, 5, 5, 5, 5, 5, 5], 4, 0],
    [[5, 5, 5, 5, 5, 5, 5, 5, 5], 6, 9],
    [[1, 2, 2, 2, 3, 4, 5, 6, 7], 2, 1],
    [[1, 2, 2, 2, 3, 4, 5, 6, 7], 2.5, 4],
    [[], 42, 0],
  ])('edges %j, value %d → bin %i (bins are (lo, hi])', (edges, value, bin) => {
    expect(binIndex(edges, value)).toBe(bin);
  });

  it('throws RangeError for NaN', () => {
    expect(() => binIndex(deciles, NaN)).toThrow(RangeError);
  });
});

describe('decileEdges', () => {
  it.each([
    [Array.from({ length: 100 }, (_, i) => i + 1), [10, 20, 30, 40, 50, 60, 70, 80, 90]],
    [Array.from({ length: 10 }, (_, i) => i + 1), [1, 2, 3, 4, 5, 6, 7, 8, 9]],
    [Array.from({ length: 1000 }, (_, i) => i + 1), [100, 200, 300, 400, 500, 600, 700, 800, 900]],
    [[3], [3, 3, 3, 3, 3, 3, 3, 3, 3]],
    [[1, 2, 3], [1, 1, 1, 2, 2, 2, 3, 3, 3]],
    [[], []],
  ])('of %j', (sorted, edges) => {
    expect(decileEdges(sorted)).toEqual(edges);
  });
});

describe('cells', () => {
  it.each([
    [1.5, 1.5, '1.5'],
    ['1.5', 1.5, '1.5'],
    [' 42 ', 42, ' 42 '],
    ['-1e3', -1000, '-1e3'],
    ['.5', 0.5, '.5'],
    ['0x10', undefined, '0x10'],
    ['1,000', undefined, '1,000'],
    ['NaN', undefined, 'NaN'],
    ['Infinity', undefined, 'Infinity'],
    ['1e999', undefined, '1e999'],
    ['', undefined, undefined],
    ['   ', undefined, undefined],
    [null, undefined, undefined],
    [undefined, undefined, undefined],
    [true, undefined, 'true'],
    [NaN, undefined, undefined],
    [{ a: 1 }, undefined, '{"a":1}'],
  ])('%j → number %s, category %s', (cell, number, category) => {
    expect(numericCell(cell)).toBe(number);
    expect(categoryCell(cell)).toBe(category);
  });
});

describe('topCategories and categoryShares', () => {
  it('orders by count, then by name, and drops zero counts', () => {
    expect(topCategories(new Map([['b', 2], ['a', 2], ['c', 5], ['z', 0]]), 3)).toEqual([['c', 5], ['a', 2], ['b', 2]]);
    expect(topCategories(new Map([['b', 2], ['a', 2], ['c', 5]]), 2)).toEqual([['c', 5], ['a', 2]]);
  });

  it('puts categories unseen in the baseline into other, and lists baseline categories unseen now at 0', () => {
    const observed = new Map([['basic', 6], ['pro', 2], ['enterprise-plus', 2]]);
    expect(categoryShares(observed, ['basic', 'pro', 'enterprise'])).toEqual({ categories: { basic: 0.6, pro: 0.2, enterprise: 0 }, other: 0.2, total: 10 });
    expect(categoryShares({ basic: 1 }, ['basic'])).toEqual({ categories: { basic: 1 }, other: 0, total: 1 });
    expect(categoryShares(new Map(), ['basic'])).toEqual({ categories: { basic: 0 }, other: 0, total: 0 });
  });
});

describe('BaselineBuilder', () => {
  it('gives 1..100 the edges 10, 20, …, 90 and 0.1 in each bin, whatever the order', () => {
    const records = shuffled(Array.from({ length: 100 }, (_, i) => ({ x: String(i + 1) })));
    expect(baseline(records)).toEqual([
      { name: 'x', kind: 'numeric', count: 100, missing: 0, binEdges: [10, 20, 30, 40, 50, 60, 70, 80, 90], proportions: Array(10).fill(0.1) },
    ]);
  });

  it('gives a categorical its shares and keeps other at 0 when every category is listed', () => {
    const plans = [...Array(5).fill('basic'), ...Array(3).fill('pro'), ...Array(2).fill('enterprise')] as string[];
    expect(baseline(shuffled(plans).map((plan) => ({ plan })))).toEqual([
      { name: 'plan', kind: 'categorical', count: 10, missing: 0, categories: { basic: 0.5, pro: 0.3, enterprise: 0.2 }, other: 0 },
    ]);
  });

  it('lists the 50 most frequent categories and puts the rest in other', () => {
    // Category i appears i times: 1..60, 1830 values; 1..10 (55 values) fall into other.
    const records = shuffled(Array.from({ length: 60 }, (_, i) => Array<{ c: string }>(i + 1).fill({ c: `c${i + 1}` })).flat());
    const result = feature(baseline(records), 'c');
    if (result.kind !== 'categorical') throw new Error('expected categorical');
    expect(Object.keys(result.categories)).toHaveLength(50);
    expect(result.categories.c60).toBeCloseTo(60 / 1830, 12);
    expect(result.categories.c11).toBeCloseTo(11 / 1830, 12);
    expect(result.categories.c10).toBeUndefined();
    expect(result.other).toBeCloseTo(55 / 1830, 12);
    expect(sum(Object.values(result.categories)) + result.other).toBeCloseTo(1, 12);
  });

  it('puts a column of equal values in the first bin, with repeated edges', () => {
    expect(baseline(Array.from({ length: 20 }, () => ({ x: 7 })))).toEqual([
      { name: 'x', kind: 'numeric', count: 20, missing: 0, binEdges: Array(9).fill(7), proportions: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
    ]);
  });

  it('counts blank, null, absent and (in a numeric feature) non-numeric cells as missing', () => {
    const records = [{ x: '1', y: 'a' }, { x: '', y: '' }, { x: '  ', y: null }, { y: 'b' }, { x: 'n/a', y: 'a' }, { x: '2', y: 'a' }];
    const result = baseline(records, { features: [{ name: 'x', kind: 'numeric' }, { name: 'y' }] });
    expect(result).toEqual([
      { name: 'x', kind: 'numeric', count: 2, missing: 4, binEdges: [1, 1, 1, 1, 1, 2, 2, 2, 2], proportions: [0.5, 0, 0, 0, 0, 0.5, 0, 0, 0, 0] },
      { name: 'y', kind: 'categorical', count: 4, missing: 2, categories: { a: 0.75, b: 0.25 }, other: 0 },
    ]);
  });

  it('infers numeric only when every non-missing value is a finite number', () => {
    const records = [
      { id: '001', n: '1', j: 1.5, flag: true, text: '3' },
      { id: '002', n: '2.5', j: 2, flag: false, text: 'three' },
      { id: '1e3', n: '', j: null, flag: true, text: '3' },
    ];
    const kinds = baseline(records).map((f) => [f.name, f.kind]);
    expect(kinds).toEqual([
      ['id', 'numeric'],
      ['n', 'numeric'],
      ['j', 'numeric'],
      ['flag', 'categorical'],
      ['text', 'categorical'],
    ]);
    // Numeric-looking values seen before the column turned categorical are categories too.
    expect(feature(baseline(records), 'text')).toMatchObject({ categories: { '3': 2 / 3, three: 1 / 3 }, other: 0 });
    expect(feature(baseline(records), 'flag')).toMatchObject({ categories: { true: 2 / 3, false: 1 / 3 } });
  });

  it('keeps a given kind: numbers in a categorical feature are categories', () => {
    const result = baseline([{ zip: '02139' }, { zip: '2139' }, { zip: '02139' }], { features: [{ name: 'zip', kind: 'categorical' }] });
    expect(result).toEqual([{ name: 'zip', kind: 'categorical', count: 3, missing: 0, categories: { '02139': 2 / 3, '2139': 1 / 3 }, other: 0 }]);
  });

  it('follows the given feature order, and infers the order of first appearance otherwise, without the excluded label', () => {
    const records = [{ label: '1', b: '1', a: 'x' }, { label: '0', b: '2', a: 'y', late: 'z' }];
    expect(baseline(records, { features: [{ name: 'a' }, { name: 'b' }] }).map((f) => f.name)).toEqual(['a', 'b']);
    expect(baseline(records, { exclude: ['label'] }).map((f) => f.name)).toEqual(['b', 'a', 'late']);
    // A late column is missing in the records before it appeared.
    expect(feature(baseline(records, { exclude: ['label'] }), 'late')).toMatchObject({ count: 1, missing: 1 });
  });

  it('excludes no column without the exclude option, whatever its name', () => {
    // Names a default list could hold, a placeholder included, are features like any other.
    const records = [{ 'Stryker was here': '1', label: 'a', '': 'x' }, { 'Stryker was here': '2', label: 'b', '': 'y' }];
    expect(baseline(records).map((f) => f.name)).toEqual(['Stryker was here', 'label']);
  });

  it('leaves out a nameless column (a writer index) when inferring', () => {
    expect(baseline([{ '': '0', x: '1' }, { '': '1', x: '2' }]).map((f) => f.name)).toEqual(['x']);
  });

  it('reads array records through the column names', () => {
    const records = [
      ['1', '10', 'pro'],
      ['0', '20', 'basic'],
    ];
    expect(baseline(records, { columns: ['label', 'spend', 'plan'], exclude: ['label'] })).toEqual([
      { name: 'spend', kind: 'numeric', count: 2, missing: 0, binEdges: [10, 10, 10, 10, 10, 20, 20, 20, 20], proportions: [0.5, 0, 0, 0, 0, 0.5, 0, 0, 0, 0] },
      { name: 'plan', kind: 'categorical', count: 2, missing: 0, categories: { basic: 0.5, pro: 0.5 }, other: 0 },
    ]);
  });

  it('gives a feature with no value empty bins (numeric) or no categories (categorical)', () => {
    const records = [{ x: '', y: '' }, { x: null, y: null }];
    expect(baseline(records, { features: [{ name: 'x', kind: 'numeric' }, { name: 'y', kind: 'categorical' }] })).toEqual([
      { name: 'x', kind: 'numeric', count: 0, missing: 2, binEdges: [], proportions: [] },
      { name: 'y', kind: 'categorical', count: 0, missing: 2, categories: {}, other: 0 },
    ]);
  });

  it('never reads Object.prototype members as cells', () => {
    expect(() => baseline([{ x: '1' }], { features: [{ name: 'toString' }, { name: 'x' }] })).toThrow(FeatureNotInDataError);
    expect(baseline([{ x: '1', toString: 'a' }], { features: [{ name: 'toString' }] })[0]).toMatchObject({ name: 'toString', count: 1, categories: { a: 1 } });
  });

  it('throws EmptyDataError for no records', () => {
    const builder = new BaselineBuilder();
    expect(() => builder.endSampling()).toThrow(EmptyDataError);
    expect(() => new BaselineBuilder().endSampling()).toThrow(expect.objectContaining({ name: 'EmptyDataError' }));
  });

  it('throws FeatureNotInDataError naming the features that no record holds, and the columns', () => {
    const builder = new BaselineBuilder({ features: [{ name: 'tenure' }, { name: 'plan' }, { name: 'spend' }] });
    builder.sample({ label: '1', tenure: '3' });
    builder.sample({ label: '0', tenure: '4' });
    const error = (() => {
      try {
        builder.endSampling();
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(FeatureNotInDataError);
    expect(error).toMatchObject({ name: 'FeatureNotInDataError', features: ['plan', 'spend'], message: 'feature(s) "plan", "spend" not in the data; its columns are "label", "tenure"' });
  });

  it('throws BaselinePassError when used out of order or when the passes differ', () => {
    const builder = new BaselineBuilder();
    expect(() => builder.count({ x: 1 })).toThrow(BaselinePassError);
    expect(() => builder.build()).toThrow(BaselinePassError);
    builder.sample({ x: 1 });
    builder.sample({ x: 2 });
    builder.endSampling();
    expect(() => builder.sample({ x: 1 })).toThrow(BaselinePassError);
    builder.count({ x: 1 });
    expect(() => builder.build()).toThrow('pass 2 saw 1 records where pass 1 saw 2: the data changed between the passes');
  });

  it.each([
    [{ reservoirSize: 0 }, /reservoirSize must be a positive integer, got 0/],
    [{ maxCategories: 1.5 }, /maxCategories must be a positive integer/],
  ])('throws RangeError for options %j', (options, message) => {
    expect(() => new BaselineBuilder(options)).toThrow(message);
  });
});

describe('BaselineBuilder at scale, in bounded memory', () => {
  const ROWS = 200_000;
  const RESERVOIR = 5_000;

  /** Deterministic rows: a normal `x`, a skewed `spend`, a plan with 4 heavy categories and a unique id. */
  function* rows(): Generator<Record<string, unknown>> {
    let state = 12345;
    const uniform = (): number => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return (state + 0.5) / 4294967296;
    };
    const plans = ['basic', 'pro', 'team', 'enterprise'];
    for (let i = 0; i < ROWS; i += 1) {
      const x = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
      yield { x, spend: (-Math.log(uniform()) * 40).toFixed(2), plan: i % 10 < 6 ? plans[i % 4] : `rare-${i}`, id: `c-${i}` };
    }
  }

  it('approximates the deciles from a small sample and counts every row exactly into the bins', () => {
    const builder = new BaselineBuilder({ reservoirSize: RESERVOIR, candidateCategories: 100, features: [{ name: 'x' }, { name: 'spend' }, { name: 'plan', kind: 'categorical' }, { name: 'id', kind: 'categorical' }] });
    const xs: number[] = [];
    let peak = { sampledValues: 0, trackedCategories: 0 };
    let i = 0;
    for (const row of rows()) {
      builder.sample(row);
      xs.push(row.x as number);
      i += 1;
      if (i % 10_000 === 0) {
        const now = builder.footprint();
        peak = { sampledValues: Math.max(peak.sampledValues, now.sampledValues), trackedCategories: Math.max(peak.trackedCategories, now.trackedCategories) };
      }
    }
    // Two numeric features of at most RESERVOIR values, two categoricals of at most 100 candidates.
    expect(peak.sampledValues).toBeLessThanOrEqual(2 * RESERVOIR);
    expect(peak.trackedCategories).toBeLessThanOrEqual(2 * 100);
    builder.endSampling();
    for (const row of rows()) builder.count(row);
    const [x, spend, plan, id] = builder.build();

    const exact = decileEdges(Float64Array.from(xs).sort());
    if (x?.kind !== 'numeric' || spend?.kind !== 'numeric') throw new Error('expected numeric x and spend');
    x.binEdges.forEach((edge, k) => expect(Math.abs(edge - exact[k]!)).toBeLessThan(0.06));
    for (const proportion of [...x.proportions, ...spend.proportions]) expect(Math.abs(proportion - 0.1)).toBeLessThan(0.015);
    expect(sum(x.proportions)).toBeCloseTo(1, 12);
    expect(x.count + spend.count).toBe(2 * ROWS);

    // The heavy categories hold 60% of the rows, 15% each, and are counted exactly in pass 2.
    expect(plan).toMatchObject({ kind: 'categorical', count: ROWS, categories: { basic: 0.15, pro: 0.15, team: 0.15, enterprise: 0.15 } });
    if (plan?.kind !== 'categorical') throw new Error('expected categorical plan');
    // The 46 places left in the top 50 go to surviving single ids, 1/200k each.
    expect(Object.keys(plan.categories)).toHaveLength(50);
    expect(plan.other).toBeCloseTo(0.4 - 46 / ROWS, 12);
    // 200k distinct ids: no candidate is frequent, so a handful of ids at most, and the rest in other.
    if (id?.kind !== 'categorical') throw new Error('expected categorical id');
    expect(sum(Object.values(id.categories)) + id.other).toBeCloseTo(1, 12);
    expect(id.other).toBeGreaterThan(0.99);
  });

  it('gives exact deciles while the values fit the reservoir, and the same baseline for the same seed', () => {
    const values = shuffled(Array.from({ length: 10_000 }, (_, i) => ({ v: i + 1 })));
    const exact = baseline(values, { reservoirSize: 10_000 });
    expect(exact[0]).toMatchObject({ binEdges: [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000], proportions: Array(10).fill(0.1) });
    expect(baseline(values, { reservoirSize: 500, seed: 3 })).toEqual(baseline(values, { reservoirSize: 500, seed: 3 }));
    expect(baseline(values, { reservoirSize: 500, seed: 3 })).not.toEqual(baseline(values, { reservoirSize: 500, seed: 4 }));
  });
});

/**
 * Tommy Ettinger's mulberry32 as published in C, in BigInt so that no JavaScript int32 trick is
 * shared with the implementation under test: state += 0x6D2B79F5; z = (z ^ z >> 15) * (z | 1);
 * z ^= z + (z ^ z >> 7) * (z | 61); return z ^ z >> 14, all mod 2^32.
 */
function referenceMulberry32(seed: number): () => number {
  const M = (1n << 32n) - 1n;
  let state = BigInt(seed >>> 0);
  return () => {
    state = (state + 0x6d2b79f5n) & M;
    let z = state;
    z = ((z ^ (z >> 15n)) * (z | 1n)) & M;
    z = (z ^ ((z + (((z ^ (z >> 7n)) * (z | 61n)) & M)) & M)) & M;
    return Number(z ^ (z >> 14n)) / 2 ** 32;
  };
}

describe('mulberry32', () => {
  // The stream is part of the baseline: a rerun with the same seed must give the same edges.
  it.each([1, 0, 42, 2 ** 32 - 1, -1])('matches the published algorithm for seed %d', (seed) => {
    const random = mulberry32(seed);
    const reference = referenceMulberry32(seed);
    const ours = Array.from({ length: 1000 }, () => random());
    expect(ours).toEqual(Array.from({ length: 1000 }, () => reference()));
    expect(ours.every((u) => u >= 0 && u < 1)).toBe(true);
  });
});

describe('BaselineBuilder sampling (Algorithm R)', () => {
  /** How often each of the values 1..n ends up in a reservoir of `size`, over `runs` seeds. */
  function inclusion(n: number, size: number, runs: number): number[] {
    const kept = Array<number>(n).fill(0);
    const records = Array.from({ length: n }, (_, i) => ({ v: i + 1 }));
    for (let seed = 1; seed <= runs; seed += 1) {
      const builder = new BaselineBuilder({ reservoirSize: size, seed });
      for (const record of records) builder.sample(record);
      builder.endSampling();
      for (const record of records) builder.count(record);
      const [v] = builder.build();
      if (v?.kind !== 'numeric') throw new Error('expected numeric v');
      // The edges are read off the sample only, so the distinct edges are the values sampled.
      for (const value of new Set(v.binEdges)) kept[value - 1]! += 1;
    }
    return kept.map((k) => k / runs);
  }

  it.each([
    [5, 1],
    [6, 2],
  ])('keeps each of %i values with probability size/n in a reservoir of %i, the first values as often as the last', (n, size) => {
    // 2,000 seeded runs: a standard error under 0.011, so 0.05 is a 4.5-sigma band.
    for (const frequency of inclusion(n, size, 2000)) expect(Math.abs(frequency - size / n)).toBeLessThan(0.05);
  });

  it('keeps every value while they fit the reservoir, and no more than it holds', () => {
    const builder = new BaselineBuilder({ reservoirSize: 3 });
    builder.sample({ v: 1 });
    builder.sample({ v: 2 });
    builder.sample({ v: 3 });
    expect(builder.footprint().sampledValues).toBe(3);
    for (let v = 4; v <= 100; v += 1) builder.sample({ v });
    expect(builder.footprint().sampledValues).toBe(3);
  });

  it('seeds with 1 by default', () => {
    const values = shuffled(Array.from({ length: 1000 }, (_, i) => ({ v: i + 1 })));
    expect(baseline(values, { reservoirSize: 50 })).toEqual(baseline(values, { reservoirSize: 50, seed: 1 }));
    expect(baseline(values, { reservoirSize: 50 })).not.toEqual(baseline(values, { reservoirSize: 50, seed: 2 }));
  });
});

describe('numericCell: decimal literals only', () => {
  // Number() alone would also take '', '0x10', '0b1' and 'Infinity'; the literal check refuses
  // those, and must still take every decimal form a CSV writer emits.
  it.each<[string, number | undefined]>([
    ['.25', 0.25],
    ['-.75', -0.75],
    ['5.', 5],
    ['+7', 7],
    ['2.5e-3', 0.0025],
    ['1E+2', 100],
    ['1e10', 1e10],
    ['3e21', 3e21],
    ['0b1', undefined],
    ['0o7', undefined],
    ['.', undefined],
    ['-', undefined],
    ['1e', undefined],
    ['e3', undefined],
    ['1.2.3', undefined],
    ['1 2', undefined],
    ['1_000', undefined],
  ])('%j → %s', (cell, number) => {
    expect(numericCell(cell)).toBe(number);
  });
});

describe('topCategories ordering', () => {
  it('breaks ties by name in code-unit order, whatever order the counts arrive in', () => {
    const names = ['delta', 'Alpha', 'charlie', 'bravo', 'echo', 'alpha', 'foxtrot', 'Bravo'];
    const expected = [...names].sort().map((name): [string, number] => [name, 1]);
    for (const seed of [1, 2, 3, 4, 5]) {
      expect(topCategories(new Map(shuffled(names, seed).map((name) => [name, 1])), 100)).toEqual(expected);
    }
  });

  it('drops zero counts even when there is room for them', () => {
    expect(topCategories(new Map([['zero', 0], ['one', 1]]), 50)).toEqual([['one', 1]]);
  });
});

describe('BaselineBuilder errors', () => {
  function endSamplingError(options: BaselineBuilderOptions, records: readonly BaselineRecord[]): unknown {
    const builder = new BaselineBuilder(options);
    for (const record of records) builder.sample(record);
    try {
      builder.endSampling();
    } catch (error) {
      return error;
    }
    return undefined;
  }

  it('has its own error names and messages', () => {
    expect(new EmptyDataError()).toMatchObject({ name: 'EmptyDataError', message: 'the data holds no records' });
    expect(() => binIndex([1], NaN)).toThrow('binIndex: value is NaN');
    const builder = new BaselineBuilder();
    expect(() => builder.count({ x: 1 })).toThrow(expect.objectContaining({ name: 'BaselinePassError', message: 'count() called before endSampling()' }));
    expect(() => builder.build()).toThrow(expect.objectContaining({ name: 'BaselinePassError', message: 'build() called before endSampling()' }));
    builder.sample({ x: 1 });
    expect(builder.records).toBe(1);
    builder.endSampling();
    expect(() => builder.sample({ x: 1 })).toThrow(expect.objectContaining({ name: 'BaselinePassError', message: 'sample() called after endSampling()' }));
    expect(() => builder.endSampling()).toThrow(expect.objectContaining({ name: 'BaselinePassError', message: 'endSampling() called twice' }));
  });

  it.each<[string, BaselineBuilderOptions, BaselineRecord[], string]>([
    ['the first record’s columns, not a later one’s', { features: [{ name: 'x' }] }, [{ label: '1' }, { y: '2' }, { y: '3' }], 'feature(s) "x" not in the data; its columns are "label"'],
    ['(none) for a first record without columns', { features: [{ name: 'x' }] }, [{}], 'feature(s) "x" not in the data; its columns are (none)'],
    ['(none) for array records without column names', { features: [{ name: 'x' }] }, [['1']], 'feature(s) "x" not in the data; its columns are (none)'],
    ['the column names of array records', { features: [{ name: 'x' }], columns: ['label', 'y'] }, [['1', '2']], 'feature(s) "x" not in the data; its columns are "label", "y"'],
    [
      'at most the first 50 columns',
      { features: [{ name: 'x' }] },
      [Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`c${i + 1}`, '1']))],
      `feature(s) "x" not in the data; its columns are ${Array.from({ length: 50 }, (_, i) => `"c${i + 1}"`).join(', ')}`,
    ],
  ])('FeatureNotInDataError lists %s', (_, options, records, message) => {
    expect(endSamplingError(options, records)).toMatchObject({ name: 'FeatureNotInDataError', message });
  });

  // An array record shorter than the column list lacks its last cells: absent, not blank.
  it.each<[string, BaselineRecord[], string[] | undefined]>([
    ['a feature every record is too short for', [['1'], ['2']], ['b']],
    ['a feature one record is long enough for', [['1'], ['2', 'x']], undefined],
  ])('treats as absent %s', (_, records, absent) => {
    const error = endSamplingError({ features: [{ name: 'a' }, { name: 'b' }], columns: ['a', 'b'] }, records);
    expect(error === undefined ? undefined : (error as FeatureNotInDataError).features).toEqual(absent);
  });

  it('throws FeatureNotInDataError for a named feature that is not among the array columns', () => {
    expect(endSamplingError({ features: [{ name: 'z' }], columns: ['a'] }, [['1']])).toMatchObject({ name: 'FeatureNotInDataError', features: ['z'] });
  });

  it.each<[BaselineBuilderOptions, string | undefined]>([
    [{ reservoirSize: 1, maxCategories: 1, candidateCategories: 1 }, undefined],
    [{ candidateCategories: 0 }, 'candidateCategories must be a positive integer, got 0'],
    [{ maxCategories: -1 }, 'maxCategories must be a positive integer, got -1'],
    [{ reservoirSize: 2.5 }, 'reservoirSize must be a positive integer, got 2.5'],
  ])('takes sizes of at least 1 only: %j', (options, message) => {
    const error = (() => {
      try {
        new BaselineBuilder(options);
      } catch (e) {
        return (e as Error).message;
      }
      return undefined;
    })();
    expect(error).toBe(message);
  });
});

describe('BaselineBuilder columns of array records', () => {
  it('takes only the given features when column names are given too', () => {
    const result = baseline([['1', '10', 'pro']], { columns: ['label', 'spend', 'plan'], features: [{ name: 'plan' }] });
    expect(result.map((f) => f.name)).toEqual(['plan']);
  });
});

describe('BaselineBuilder candidate categories (Misra–Gries)', () => {
  it('keeps a category more frequent than 1/(k+1) and counts the others into other', () => {
    // k = 1: a holds 3 of 5 values; b and c each cancel one of a's votes and are dropped.
    const builder = new BaselineBuilder({ candidateCategories: 1, features: [{ name: 'c', kind: 'categorical' }] });
    const records = ['a', 'b', 'a', 'c', 'a'].map((c) => ({ c }));
    for (const record of records) builder.sample(record);
    builder.endSampling();
    for (const record of records) builder.count(record);
    // Pass 2 counts only the one candidate; b and c add to other, not to the memory held.
    expect(builder.footprint()).toEqual({ sampledValues: 0, trackedCategories: 1 });
    expect(builder.build()).toEqual([{ name: 'c', kind: 'categorical', count: 5, missing: 0, categories: { a: 0.6 }, other: 0.4 }]);
  });

  it('gives missing values no candidate slot', () => {
    expect(baseline(['a', '', null, 'a'].map((c) => ({ c })), { candidateCategories: 1 })).toEqual([
      { name: 'c', kind: 'categorical', count: 2, missing: 2, categories: { a: 1 }, other: 0 },
    ]);
  });
});

describe('BaselineBuilder footprint', () => {
  // n: given numeric; c: given categorical; i: inferred, turns categorical at 'x'; j: inferred numeric.
  const records = [
    { n: '1', c: '5', i: '1', j: '1' },
    { n: '2', c: '5', i: 'x', j: '2' },
    { n: '3', c: '6', i: '1', j: '3' },
  ];
  const features = [{ name: 'n', kind: 'numeric' as const }, { name: 'c', kind: 'categorical' as const }, { name: 'i' }, { name: 'j' }];

  it('holds samples of numeric candidates and candidate categories in pass 1, only the counted categories after it', () => {
    const builder = new BaselineBuilder({ features });
    expect(builder.footprint()).toEqual({ sampledValues: 0, trackedCategories: 0 });
    for (const record of records) builder.sample(record);
    // n and j sample 3 values each; i dropped its sample on turning categorical; a given
    // categorical never samples. c tracks {5, 6}, i {1, x}, j {1, 2, 3} (it could still turn
    // categorical); a given numeric tracks none.
    expect(builder.footprint()).toEqual({ sampledValues: 6, trackedCategories: 7 });
    builder.endSampling();
    expect(builder.footprint()).toEqual({ sampledValues: 0, trackedCategories: 4 });
    for (const record of records) builder.count(record);
    expect(builder.footprint()).toEqual({ sampledValues: 0, trackedCategories: 4 });
    expect(builder.build().map((f) => [f.name, f.kind])).toEqual([
      ['n', 'numeric'],
      ['c', 'categorical'],
      ['i', 'categorical'],
      ['j', 'numeric'],
    ]);
  });
});
