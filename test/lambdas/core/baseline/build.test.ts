import { describe, expect, it } from 'vitest';
import {
  baselineOf,
  buildFeatures,
  buildPredictionFeature,
  InvalidPredictionsError,
  NoFeaturesError,
  type DataPart,
} from '../../../../lambdas/core/baseline/build';
import { EmptyDataError, FeatureNotInDataError } from '../../../../lambdas/core/baseline/statistics';
import { BASELINE_FORMAT_VERSION, type BaselineFeature } from '../../../../lib/contract';

const DATA_URI = 's3://curated/churn/';

/** A part whose lines can be read any number of times; `reads` counts the passes over it. */
function part(source: string, lines: readonly string[], format?: DataPart['format']): DataPart & { reads: number } {
  const result = {
    source,
    ...(format === undefined ? {} : { format }),
    reads: 0,
    lines: async function* () {
      result.reads += 1;
      yield* lines;
    },
  };
  return result;
}

function predictions(lines: readonly string[]) {
  return { source: 's3://artifacts/job/output.tar.gz predictions.csv', lines: async function* () { yield* lines; } };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** 1..10 in one bin each: the deciles of ten distinct values are the values themselves. */
const ONE_TO_TEN = Array.from({ length: 10 }, (_, i) => String(i + 1));
const ONE_TO_NINE_EDGES = [1, 2, 3, 4, 5, 6, 7, 8, 9];
const TENTHS = Array<number>(10).fill(0.1);

describe('buildFeatures', () => {
  it('reads every part in order, each with its own header, and leaves the label out', async () => {
    // Two CSV parts with different column orders and one JSON Lines part, as under an S3 prefix.
    const parts = [
      part('a.csv', ['label,tenure,plan', ...ONE_TO_TEN.slice(0, 4).map((t) => `1,${t},basic`)]),
      part('b.csv', ['plan,tenure,label', ...ONE_TO_TEN.slice(4, 8).map((t) => `pro,${t},0`)]),
      part('c.jsonl', ONE_TO_TEN.slice(8).map((t) => JSON.stringify({ tenure: Number(t), plan: 'pro', label: 1 }))),
    ];
    const built = await buildFeatures(parts, { dataUri: DATA_URI });
    expect(built.records).toBe(10);
    expect(built.features).toEqual<BaselineFeature[]>([
      { name: 'tenure', kind: 'numeric', count: 10, missing: 0, binEdges: ONE_TO_NINE_EDGES, proportions: TENTHS },
      { name: 'plan', kind: 'categorical', count: 10, missing: 0, categories: { pro: 0.6, basic: 0.4 }, other: 0 },
    ]);
    // Two passes, so each part's lines were asked for exactly twice.
    expect(parts.map((p) => p.reads)).toEqual([2, 2, 2]);
  });

  it('reports pass 1 only in its stats: lines, records and the malformed lines by source', async () => {
    const parts = [part('a.csv', ['label,x', '1,1', '1,2,3', '', '0,2']), part('b.jsonl', ['{"label":1,"x":3}', 'not json'])];
    const built = await buildFeatures(parts, { dataUri: DATA_URI });
    expect(built.stats).toEqual({
      lines: 7,
      records: 3,
      malformed: 2,
      examples: [
        { source: 'a.csv', line: 3, reason: '3 fields where the header has 2' },
        { source: 'b.jsonl', line: 2, reason: 'not JSON' },
      ],
    });
    expect(built.records).toBe(3);
  });

  it('reports the memory held at the end of pass 1: values sampled and categories tracked', async () => {
    const lines = ['label,x,plan', '1,1,basic', '0,2,pro', '1,3,pro'];
    const built = await buildFeatures([part('a.csv', lines)], { dataUri: DATA_URI });
    // x: 3 numbers in its reservoir; plan: 2 candidate categories. Still-undecided x keeps a
    // sketch too (it could have turned categorical), so it tracks its 3 values as categories.
    expect(built.footprint).toEqual({ sampledValues: 3, trackedCategories: 5 });
  });

  it.each<[string, { labelColumn?: string }, string[]]>([
    ['the default label column "label"', {}, ['target', 'x']],
    ['a named label column', { labelColumn: 'target' }, ['label', 'x']],
  ])('leaves out %s', async (_, options, names) => {
    const built = await buildFeatures([part('a.csv', ['label,target,x', '1,0,5'])], { dataUri: DATA_URI, ...options });
    expect(built.features.map((f) => f.name)).toEqual(names);
  });

  it('follows the given features for order and kinds', async () => {
    const built = await buildFeatures([part('a.csv', ['label,zip,tenure', '1,02139,3', '0,02139,4'])], {
      dataUri: DATA_URI,
      features: [{ name: 'tenure', kind: 'numeric' }, { name: 'zip', kind: 'categorical' }],
    });
    expect(built.features).toEqual<BaselineFeature[]>([
      { name: 'tenure', kind: 'numeric', count: 2, missing: 0, binEdges: [3, 3, 3, 3, 3, 4, 4, 4, 4], proportions: [0.5, 0, 0, 0, 0, 0.5, 0, 0, 0, 0] },
      { name: 'zip', kind: 'categorical', count: 2, missing: 0, categories: { '02139': 1 }, other: 0 },
    ]);
  });

  it('passes the statistics options on to the builder (here: at most 1 category listed)', async () => {
    const lines = ['label,plan', '1,basic', '1,basic', '0,pro'];
    const built = await buildFeatures([part('a.csv', lines)], { dataUri: DATA_URI, statistics: { maxCategories: 1 } });
    expect(built.features).toEqual<BaselineFeature[]>([{ name: 'plan', kind: 'categorical', count: 3, missing: 0, categories: { basic: 2 / 3 }, other: 1 / 3 }]);
  });

  it.each<[string, DataPart['format'], number]>([
    // `{x` sniffs as JSON Lines (not JSON, so nothing); a part's own format overrides the sniffing.
    ['sniffed from the first line', undefined, 0],
    ['given by the part', 'csv', 2],
  ])('reads a part in the format %s', async (_, format, records) => {
    const parts = [part('a', ['{x', '1', '2'], format), part('b.csv', ['y', '7'])];
    const built = await buildFeatures(parts, { dataUri: DATA_URI });
    expect(built.records).toBe(records + 1);
    expect(built.features.map((f) => f.name)).toEqual(records === 0 ? ['y'] : ['{x', 'y']);
  });

  it('throws EmptyDataError naming the data, the parts and the lines read when no record parses', async () => {
    const parts = [part('a.csv', ['label,x']), part('b.jsonl', ['{oops', ''])];
    const error = await rejection(buildFeatures(parts, { dataUri: DATA_URI }));
    expect(error).toBeInstanceOf(EmptyDataError);
    expect(error.message).toBe(`${DATA_URI} holds no records (2 object(s), 3 line(s), 1 malformed)`);
  });

  it('throws NoFeaturesError naming the data and the label when the label is the only column', async () => {
    const error = await rejection(buildFeatures([part('a.csv', ['target', '1', '0'])], { dataUri: DATA_URI, labelColumn: 'target' }));
    expect(error).toBeInstanceOf(NoFeaturesError);
    expect(error).toMatchObject({ name: 'NoFeaturesError', uri: DATA_URI, labelColumn: 'target', message: `${DATA_URI} has no feature column besides the label "target"` });
  });

  it('throws FeatureNotInDataError for a named feature no record holds', async () => {
    const error = await rejection(buildFeatures([part('a.csv', ['label,x', '1,1'])], { dataUri: DATA_URI, features: [{ name: 'y', kind: 'numeric' }] }));
    expect(error).toBeInstanceOf(FeatureNotInDataError);
    expect(error.message).toBe('feature(s) "y" not in the data; its columns are "label", "x"');
  });
});

describe('buildPredictionFeature', () => {
  const ONE_TO_TEN_FEATURE: BaselineFeature = { name: 'prediction', kind: 'numeric', count: 10, missing: 0, binEdges: ONE_TO_NINE_EDGES, proportions: TENTHS };

  // Only the first non-blank line may be a header, and only the word `prediction` (any case,
  // optionally quoted, surrounded by blanks): anything else is a prediction.
  it.each<[string, string[]]>([
    ['no header', ONE_TO_TEN],
    ['a header', ['prediction', ...ONE_TO_TEN]],
    ['a header in capitals', ['PREDICTION', ...ONE_TO_TEN]],
    ['a quoted header', ['"prediction"', ...ONE_TO_TEN]],
    ['a header with blanks around it', ['  prediction\t', ...ONE_TO_TEN]],
    ['blank lines before the header', ['', '  ', 'prediction', ...ONE_TO_TEN]],
  ])('takes predictions with %s', async (_, lines) => {
    expect(await buildPredictionFeature(predictions(lines))).toEqual(ONE_TO_TEN_FEATURE);
  });

  it.each<[string, string]>([
    ['a longer word', 'predictions'],
    ['a word before it', 'the prediction'],
    ['a word after it', 'prediction score'],
    ['a prefix glued to it', 'xprediction'],
  ])('counts a first line with %s as a prediction, not a header', async (_, first) => {
    const feature = await buildPredictionFeature(predictions([first, '1', '1', '1']));
    expect(feature).toEqual<BaselineFeature>({ name: 'prediction', kind: 'categorical', count: 4, missing: 0, categories: { '1': 0.75, [first]: 0.25 }, other: 0 });
  });

  it('counts a "prediction" line after the first as a prediction (a class named so)', async () => {
    const feature = await buildPredictionFeature(predictions(['prediction', 'prediction', 'churn', 'churn', 'stay']));
    expect(feature).toEqual<BaselineFeature>({ name: 'prediction', kind: 'categorical', count: 4, missing: 0, categories: { churn: 0.5, prediction: 0.25, stay: 0.25 }, other: 0 });
  });

  it('passes the statistics options on (here: at most 1 class listed)', async () => {
    const feature = await buildPredictionFeature(predictions(['churn', 'churn', 'stay']), { maxCategories: 1 });
    expect(feature).toEqual<BaselineFeature>({ name: 'prediction', kind: 'categorical', count: 3, missing: 0, categories: { churn: 2 / 3 }, other: 1 / 3 });
  });

  it.each<[string, string[]]>([
    ['nothing', []],
    ['only the header', ['prediction']],
    ['only blank lines and the header', ['', 'prediction', '']],
    ['only rows of several fields', ['0.1,0.2']],
  ])('throws InvalidPredictionsError naming the source for %s', async (_, lines) => {
    const error = await rejection(buildPredictionFeature(predictions(lines)));
    expect(error).toBeInstanceOf(InvalidPredictionsError);
    expect(error).toMatchObject({ name: 'InvalidPredictionsError', source: 's3://artifacts/job/output.tar.gz predictions.csv', message: 's3://artifacts/job/output.tar.gz predictions.csv: holds no prediction' });
  });
});

describe('baselineOf', () => {
  const features: BaselineFeature[] = [{ name: 'plan', kind: 'categorical', count: 2, missing: 0, categories: { basic: 1 }, other: 0 }];
  const prediction: BaselineFeature = { name: 'prediction', kind: 'numeric', count: 0, missing: 2, binEdges: [], proportions: [] };
  const createdAt = new Date('2026-11-02T03:04:05.678Z');

  it('writes the current format version and the creation time as ISO 8601 UTC', () => {
    // toStrictEqual: the prediction key must be absent, not undefined, in the JSON written.
    expect(baselineOf({ model: 'churn', createdAt, records: 2, features })).toStrictEqual({
      formatVersion: BASELINE_FORMAT_VERSION,
      model: 'churn',
      createdAt: '2026-11-02T03:04:05.678Z',
      records: 2,
      features,
    });
  });

  it('includes the prediction block when there is one', () => {
    expect(baselineOf({ model: 'churn', createdAt, records: 2, features, prediction })).toStrictEqual({
      formatVersion: 1,
      model: 'churn',
      createdAt: '2026-11-02T03:04:05.678Z',
      records: 2,
      features,
      prediction,
    });
  });
});
