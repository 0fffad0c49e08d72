import { describe, expect, it } from 'vitest';
import { numericCell } from '../../../../lambdas/core/baseline/statistics';
import { isoMillis, numericText, parseCaptureLine, payloadFormat } from '../../../../lambdas/core/drift/capture';
import type { Baseline, BaselineFeature } from '../../../../lib/contract';

const numeric = (name: string): BaselineFeature => ({ name, kind: 'numeric', count: 10, missing: 0, binEdges: [1, 2, 3, 4, 5, 6, 7, 8, 9], proportions: new Array<number>(10).fill(0.1) });
const categorical = (name: string): BaselineFeature => ({ name, kind: 'categorical', count: 10, missing: 0, categories: { basic: 0.6, gold: 0.3 }, other: 0.1 });

/** x, y, z numeric, a numeric prediction. */
const XYZ: Pick<Baseline, 'features' | 'prediction'> = { features: [numeric('x'), numeric('y'), numeric('z')], prediction: numeric('score') };
/** tenure numeric, plan categorical, a categorical prediction. */
const MIXED: Pick<Baseline, 'features' | 'prediction'> = { features: [numeric('tenure'), categorical('plan')], prediction: categorical('label') };
const ONE: Pick<Baseline, 'features' | 'prediction'> = { features: [numeric('v')] };

interface Side {
  data: string;
  encoding?: string;
  contentType?: string;
}

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** A capture line as SageMaker writes it (keys in its order, no whitespace). */
function captureLine(input: Side, output?: Side, inferenceTime = '2026-11-22T10:20:31Z'): string {
  const side = (s: Side, mode: string) => ({ observedContentType: s.contentType ?? 'text/csv', mode, data: s.data, encoding: s.encoding ?? 'CSV' });
  return JSON.stringify({
    captureData: { endpointInput: side(input, 'INPUT'), ...(output && { endpointOutput: side(output, 'OUTPUT') }) },
    eventMetadata: { eventId: '8f45e35c-fa44-40d2-8ed3-1bcab3a596f3', inferenceTime },
    eventVersion: '0',
  });
}

/**
 * Every case runs on the line as SageMaker lays it out (read by the decoder's pattern) and on the
 * same JSON with spaces and another key order (read by JSON.parse): both must agree.
 */
const LAYOUTS: [string, (line: string) => string][] = [
  ['SageMaker layout', (line) => line],
  [
    'another JSON layout',
    (line) => {
      const event = JSON.parse(line) as Record<string, unknown>;
      const reordered = { eventVersion: event.eventVersion, eventMetadata: event.eventMetadata, captureData: event.captureData };
      return JSON.stringify(reordered, null, 1).replace(/\n/g, ' ');
    },
  ],
];

describe.each(LAYOUTS)('parseCaptureLine (%s)', (_, layout) => {
  const parse = (baseline: Pick<Baseline, 'features' | 'prediction'>, input: Side, output?: Side, time?: string, window?: { from: Date; to: Date }) =>
    parseCaptureLine(layout(captureLine(input, output, time)), baseline, window);

  describe('encodings', () => {
    it.each([
      ['CSV', { data: '1,2.5,-3' }],
      ['BASE64 of CSV', { data: base64('1,2.5,-3'), encoding: 'BASE64' }],
      ['BASE64 of CSV with a charset', { data: base64('1,2.5,-3'), encoding: 'BASE64', contentType: 'text/csv; charset=utf-8' }],
      ['JSON', { data: '[1,2.5,-3]', encoding: 'JSON', contentType: 'application/json' }],
      ['BASE64 of JSON', { data: base64('{"instances":[[1,2.5,-3]]}'), encoding: 'BASE64', contentType: 'application/json' }],
      ['BASE64 of JSON Lines', { data: base64('{"x":1,"y":2.5,"z":-3}\n'), encoding: 'BASE64', contentType: 'application/jsonlines' }],
      ['a lower-case encoding', { data: '1,2.5,-3', encoding: 'csv' }],
    ])('%s → one record in feature order', (_name, input) => {
      expect(parse(XYZ, input)).toEqual({ records: [[1, 2.5, -3]], predictions: [], malformed: {} });
    });
  });

  describe('batches', () => {
    it.each([
      ['CSV lines', { data: '1,2,3\n4,5,6\n7,8,9\n' }],
      ['CSV lines ending in CRLF', { data: '1,2,3\r\n4,5,6\r\n7,8,9\r\n' }],
      ['base64 CSV lines', { data: base64('1,2,3\n4,5,6\n7,8,9'), encoding: 'BASE64' }],
      ['a JSON instances array of arrays', { data: '{"instances":[[1,2,3],[4,5,6],[7,8,9]]}', encoding: 'JSON', contentType: 'application/json' }],
      ['a JSON instances array of objects', { data: '{"instances":[{"x":1,"y":2,"z":3},{"z":6,"y":5,"x":4},{"x":7,"y":8,"z":9,"extra":0}]}', encoding: 'JSON', contentType: 'application/json' }],
      ['a JSON instances array of {"features": […]}', { data: '{"instances":[{"features":[1,2,3]},{"features":[4,5,6]},{"features":[7,8,9]}]}', encoding: 'JSON', contentType: 'application/json' }],
      ['a bare JSON array of arrays', { data: '[[1,2,3],[4,5,6],[7,8,9]]', encoding: 'JSON', contentType: 'application/json' }],
      ['a bare JSON array of objects', { data: '[{"x":1,"y":2,"z":3},{"x":4,"y":5,"z":6},{"x":7,"y":8,"z":9}]', encoding: 'JSON', contentType: 'application/json' }],
    ])('%s → one record per instance', (_name, input) => {
      expect(parse(XYZ, input).records).toEqual([
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ]);
    });

    it.each([
      ['a single object, by name', '{"z":3,"x":1,"y":2}'],
      ['{"features": […]}', '{"features":[1,2,3]}'],
      ['numbers as strings', '{"x":"1","y":"2","z":"3"}'],
    ])('reads %s as one record', (_name, data) => {
      expect(parse(XYZ, { data, encoding: 'JSON', contentType: 'application/json' }).records).toEqual([[1, 2, 3]]);
    });
  });

  describe('missing values', () => {
    it.each([
      ['an empty CSV cell', { data: '1,,3' }],
      ['a blank CSV cell', { data: '1, ,3' }],
      ['a CSV cell that is not a number', { data: '1,n/a,3' }],
      ['a JSON null', { data: '[1,null,3]', encoding: 'JSON', contentType: 'application/json' }],
      ['an absent JSON key', { data: '{"x":1,"z":3}', encoding: 'JSON', contentType: 'application/json' }],
    ])('%s is missing, not a value', (_name, input) => {
      expect(parse(XYZ, input)).toEqual({ records: [[1, undefined, 3]], predictions: [], malformed: {} });
    });

    it('a trailing empty cell is a missing last value', () => {
      expect(parse(XYZ, { data: '1,2,' }).records).toEqual([[1, 2, undefined]]);
    });
  });

  describe('categorical features', () => {
    it('reads labels from CSV, quoted CSV and JSON, numbers as their text', () => {
      expect(parse(MIXED, { data: '12,gold\n"13","plat, inum"\n14,"say ""hi"""\n15,' }).records).toEqual([
        [12, 'gold'],
        [13, 'plat, inum'],
        [14, 'say "hi"'],
        [15, undefined],
      ]);
      expect(parse(MIXED, { data: '[{"tenure":1,"plan":"basic"},{"tenure":2,"plan":3},{"tenure":3,"plan":true},{"tenure":4,"plan":""}]', encoding: 'JSON', contentType: 'application/json' }).records).toEqual([
        [1, 'basic'],
        [2, '3'],
        [3, 'true'],
        [4, undefined],
      ]);
    });

    it('reads UTF-8 labels from base64', () => {
      expect(parse(MIXED, { data: base64('1,café ☕'), encoding: 'BASE64' }).records).toEqual([[1, 'café ☕']]);
    });
  });

  describe('predictions', () => {
    it.each([
      ['CSV, one per line', { data: '0.25\n0.75\n' }],
      ['CSV, comma-joined', { data: '0.25,0.75' }],
      ['CSV, multi-column rows (the first column)', { data: '0.25,0.1,0.9\n0.75,0.2,0.8' }],
      ['JSON {"predictions": […]}', { data: '{"predictions":[0.25,0.75]}', encoding: 'JSON', contentType: 'application/json' }],
      ['a JSON array', { data: '[0.25,0.75]', encoding: 'JSON', contentType: 'application/json' }],
      ['JSON score objects', { data: '{"predictions":[{"score":0.25},{"score":0.75}]}', encoding: 'JSON', contentType: 'application/json' }],
      ['JSON one-element arrays', { data: '{"predictions":[[0.25],[0.75]]}', encoding: 'JSON', contentType: 'application/json' }],
      ['base64 JSON', { data: base64('[0.25,0.75]'), encoding: 'BASE64', contentType: 'application/json' }],
    ])('line up with the records: %s', (_name, output) => {
      expect(parse(XYZ, { data: '1,2,3\n4,5,6' }, output)).toEqual({
        records: [
          [1, 2, 3],
          [4, 5, 6],
        ],
        predictions: [0.25, 0.75],
        malformed: {},
      });
    });

    it('reads a single JSON number and a categorical label', () => {
      expect(parse(XYZ, { data: '1,2,3' }, { data: '0.5', encoding: 'JSON', contentType: 'application/json' }).predictions).toEqual([0.5]);
      expect(parse(MIXED, { data: '1,gold' }, { data: 'churn' }).predictions).toEqual(['churn']);
      expect(parse(MIXED, { data: '1,gold' }, { data: '{"predicted_label":1}', encoding: 'JSON', contentType: 'application/json' }).predictions).toEqual(['1']);
    });

    it('skips the prediction of a record that was not used', () => {
      expect(parse(XYZ, { data: '1,2,3\n4,5\n7,8,9' }, { data: '0.1\n0.2\n0.3' })).toEqual({
        records: [
          [1, 2, 3],
          [7, 8, 9],
        ],
        predictions: [0.1, 0.3],
        malformed: { 'wrong-column-count': 1 },
      });
    });

    it('counts prediction-mismatch when the predictions do not line up, and keeps the features', () => {
      expect(parse(XYZ, { data: '1,2,3\n4,5,6' }, { data: '0.5' })).toEqual({
        records: [
          [1, 2, 3],
          [4, 5, 6],
        ],
        predictions: [],
        malformed: { 'prediction-mismatch': 1 },
      });
      expect(parse(XYZ, { data: '1,2,3' }, { data: '{"oops"', encoding: 'JSON', contentType: 'application/json' }).malformed).toEqual({ 'prediction-mismatch': 1 });
      expect(parse(XYZ, { data: '1,2,3' }, { data: 'AAAA', encoding: 'BASE64', contentType: 'image/png' }).malformed).toEqual({ 'prediction-mismatch': 1 });
      expect(parse(XYZ, { data: '1,2,3' }, { data: '0.5', encoding: 'GZIP' }).malformed).toEqual({ 'prediction-mismatch': 1 });
    });

    it('reads no prediction without an output, or without a prediction baseline', () => {
      expect(parse(XYZ, { data: '1,2,3' })).toEqual({ records: [[1, 2, 3]], predictions: [], malformed: {} });
      expect(parse({ features: XYZ.features }, { data: '1,2,3' }, { data: 'not, lined, up, at all' })).toEqual({ records: [[1, 2, 3]], predictions: [], malformed: {} });
    });
  });

  describe('malformed', () => {
    it.each([
      ['missing-field', { data: '1,2,3', encoding: 42 as unknown as string }],
      ['bad-base64', { data: 'MSwy!DM=', encoding: 'BASE64' }],
      ['bad-base64', { data: 'MSwyL', encoding: 'BASE64' }],
      ['bad-base64', { data: 'MSwyLDM=MSwy', encoding: 'BASE64' }],
      ['unknown-encoding', { data: '1,2,3', encoding: 'GZIP' }],
      ['unsupported-content-type', { data: base64('1,2,3'), encoding: 'BASE64', contentType: 'application/x-image' }],
      ['bad-json-payload', { data: '{"instances":[1,2', encoding: 'JSON', contentType: 'application/json' }],
      ['bad-json-payload', { data: '"a string"', encoding: 'JSON', contentType: 'application/json' }],
      ['bad-json-payload', { data: '{"instances":5}', encoding: 'JSON', contentType: 'application/json' }],
      ['bad-json-payload', { data: base64('{"x":1}\n{oops'), encoding: 'BASE64', contentType: 'application/jsonlines' }],
    ])('counts %s and uses no record (%j)', (reason, input) => {
      expect(parse(XYZ, input)).toEqual({ records: [], predictions: [], malformed: { [reason]: 1 } });
    });

    it('counts wrong-column-count per record, for CSV rows and JSON array rows', () => {
      expect(parse(XYZ, { data: '1,2,3\n1,2\n1,2,3,4\n4,5,6' })).toEqual({
        records: [
          [1, 2, 3],
          [4, 5, 6],
        ],
        predictions: [],
        malformed: { 'wrong-column-count': 2 },
      });
      expect(parse(XYZ, { data: '{"instances":[[1,2],[1,2,3],5]}', encoding: 'JSON', contentType: 'application/json' })).toEqual({ records: [[1, 2, 3]], predictions: [], malformed: { 'wrong-column-count': 2 } });
    });

    it('reads a lone JSON value as a record of one feature', () => {
      expect(parse(ONE, { data: '{"instances":[1,2]}', encoding: 'JSON', contentType: 'application/json' }).records).toEqual([[1], [2]]);
    });
  });

  describe('the window', () => {
    const window = { from: new Date('2026-11-22T10:00:00Z'), to: new Date('2026-11-22T10:15:00Z') };
    it.each([
      ['2026-11-22T10:00:00Z', 1],
      ['2026-11-22T10:00:00.000Z', 1],
      ['2026-11-22T10:14:59.999Z', 1],
      ['2026-11-22T10:14:59.9999Z', 1],
      ['2026-11-22T10:15:00Z', 0],
      ['2026-11-22T09:59:59.999Z', 0],
      ['2026-11-22T11:05:00+01:00', 1],
      ['2026-11-23T10:05:00Z', 0],
    ])('inferenceTime %s → %i record(s), and nothing counted as malformed', (time, records) => {
      expect(parse(XYZ, { data: '1,2,3' }, undefined, time, window)).toEqual({ records: new Array(records).fill([1, 2, 3]), predictions: [], malformed: {} });
    });

    it('counts missing-field for an inferenceTime that is not a time, when a window is set', () => {
      expect(parse(XYZ, { data: '1,2,3' }, undefined, 'yesterday', window).malformed).toEqual({ 'missing-field': 1 });
      expect(parse(XYZ, { data: '1,2,3' }, undefined, 'yesterday').records).toHaveLength(1);
    });
  });
});

describe('parseCaptureLine, lines that are not capture events', () => {
  it.each([
    ['not-json', 'not json {'],
    ['not-json', '[1,2,3]'],
    ['not-json', '42'],
    ['not-json', 'null'],
    ['missing-field', '{}'],
    ['missing-field', '{"captureData":{}}'],
    ['missing-field', '{"captureData":{"endpointInput":{"observedContentType":"text/csv","encoding":"CSV"}}}'],
    ['missing-field', '{"captureData":{"endpointInput":{"observedContentType":"text/csv","data":5,"encoding":"CSV"}}}'],
  ])('counts %s for %s', (reason, line) => {
    expect(parseCaptureLine(line, XYZ)).toEqual({ records: [], predictions: [], malformed: { [reason]: 1 } });
  });

  it('counts missing-field for a line without eventMetadata when a window is set', () => {
    const line = '{"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"1,2,3","encoding":"CSV"}}}';
    expect(parseCaptureLine(line, XYZ).records).toEqual([[1, 2, 3]]);
    expect(parseCaptureLine(line, XYZ, { from: new Date(0), to: new Date() }).malformed).toEqual({ 'missing-field': 1 });
  });

  it('ignores a blank line', () => {
    expect(parseCaptureLine('', XYZ)).toEqual({ records: [], predictions: [], malformed: {} });
    expect(parseCaptureLine('  \r', XYZ)).toEqual({ records: [], predictions: [], malformed: {} });
  });

  it('reads a line with an inferenceId in eventMetadata', () => {
    const line = '{"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"1,2,3","encoding":"CSV"}},"eventMetadata":{"eventId":"e","inferenceId":"i-1","inferenceTime":"2026-11-22T10:20:31Z"},"eventVersion":"0"}';
    expect(parseCaptureLine(line, XYZ, { from: new Date('2026-11-22T10:00:00Z'), to: new Date('2026-11-22T11:00:00Z') }).records).toEqual([[1, 2, 3]]);
  });
});

describe('numbers in CSV cells', () => {
  const cell = (text: string) => parseCaptureLine(captureLine({ data: base64(text), encoding: 'BASE64' }), ONE).records[0]?.[0];

  it.each(['0', '-0', '+7', '42', '3.14159', '.5', '5.', '-0.000123', '1e5', '1E-5', '2.5e+10', '1e22', '1e23', '1e-22', '1e-30', '123456789012345', '1234567890123456789', '0.30000000000000004', '9007199254740993', '4.9e-324', '1.7976931348623157e308'])(
    '%s reads as Number(text), bit for bit',
    (text) => {
      expect(Object.is(cell(text), Number(text))).toBe(true);
    },
  );

  it.each(['', ' ', 'abc', '1e', '1e400', '-', '.', '0x10', '1_000', 'Infinity', 'NaN', '1.2.3', '--1', '1 2'])('%j is missing, as numericCell says', (text) => {
    expect(numericCell(text)).toBeUndefined();
    expect(cell(text)).toBeUndefined();
  });

  it('reads whitespace around a number as numericCell does', () => {
    expect(cell(' 7 ')).toBe(7);
  });

  it('reads random doubles in every notation exactly', () => {
    let state = 12345;
    const random = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    const texts: string[] = [];
    for (let i = 0; i < 3000; i += 1) {
      const value = (random() - 0.5) * 10 ** Math.floor(random() * 24 - 12);
      texts.push(value.toPrecision(1 + Math.floor(random() * 17)), value.toExponential(Math.floor(random() * 16)), value.toFixed(Math.floor(random() * 12)), String(value));
    }
    const row = texts.join('\n');
    const records = parseCaptureLine(captureLine({ data: base64(row), encoding: 'BASE64' }), ONE).records;
    expect(records.map((r) => r[0])).toEqual(texts.map(Number));
  });
});

describe('numericText', () => {
  it.each(['1', '-1.5', '+.5', '5.', '1e3', ' 7', '7 ', '\t8\n', '', ' ', '0x1F', '0X1F', '0b1', '0o7', '00x1', '-0x1', 'Infinity', '+Infinity', '-Infinity', '1e400', '1_0', '.', '+', 'e5', '0e5', '12abc', 'NaN'])(
    '%j agrees with numericCell',
    (text) => {
      const expected = numericCell(text);
      const actual = numericText(text);
      if (expected === undefined) expect(actual).toBeNaN();
      else expect(actual).toBe(expected);
    },
  );
});

describe('isoMillis', () => {
  it('agrees with Date.parse on ISO times with and without fractions of a second', () => {
    let state = 99;
    for (let i = 0; i < 2000; i += 1) {
      state = (state * 1103515245 + 12345) % 2147483648;
      const iso = new Date(Math.floor((state / 2147483648) * 4102444800000)).toISOString();
      for (const time of [iso, `${iso.slice(0, 19)}Z`, `${iso.slice(0, 21)}Z`, `${iso.slice(0, 22)}Z`, `${iso.slice(0, 23)}456Z`]) expect(isoMillis(time)).toBe(Date.parse(time));
    }
  });

  it.each(['2024-02-29T12:00:00Z', '2026-01-31T23:59:59.999Z', '2026-11-22T10:20:31+01:00', '2026-11-22T24:00:00Z', '2026-13-01T00:00:00Z', '2026-11-22T10:20:31.Z', '2026-11-22 10:20:31Z', 'yesterday', ''])('%j agrees with Date.parse', (time) => {
    expect(isoMillis(time)).toEqual(Date.parse(time));
  });
});

describe('payloadFormat', () => {
  it.each([
    ['text/csv', 'csv'],
    ['text/csv; charset=utf-8', 'csv'],
    ['application/CSV', 'csv'],
    ['application/json', 'json'],
    ['application/json; charset=UTF-8', 'json'],
    ['application/vnd.api+json', 'json'],
    ['application/jsonlines', 'jsonl'],
    ['application/x-ndjson', 'jsonl'],
    ['application/x-image', undefined],
    ['', undefined],
  ])('%j → %s', (contentType, format) => {
    expect(payloadFormat(contentType)).toBe(format);
  });
});
