/**
 * The line-level rules of the capture decoder: reading a capture line's fields (SageMaker's exact
 * layout by the decoder's pattern, anything else by JSON.parse, and both must agree), the input's
 * encodings and content types, JSON payload shapes, and reading the output's predictions.
 *
 * The capture line's shape is SageMaker Model Monitor's data capture format
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture-endpoint.html):
 * captureData.endpointInput / endpointOutput with observedContentType, mode, data and encoding
 * (CSV, JSON or BASE64), then eventMetadata (eventId, optional inferenceId, inferenceTime) and
 * eventVersion. SageMaker base64-encodes a payload whose content type it was not told is CSV or
 * JSON (DataCaptureConfig.CaptureContentTypeHeader,
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DataCaptureConfig.html).
 */
import { describe, expect, it } from 'vitest';
import { CaptureDecoder, parseCaptureLine, payloadFormat, type CaptureWindow } from '../../../../lambdas/core/drift/capture';
import type { MalformedReason } from '../../../../lambdas/core/drift/types';
import type { Baseline, BaselineFeature } from '../../../../lib/contract';
import { mulberry32 } from '../../../../lambdas/core/baseline/statistics';

type CaptureBaseline = Pick<Baseline, 'features' | 'prediction'>;

const numeric = (name: string): BaselineFeature => ({ name, kind: 'numeric', count: 10, missing: 0, binEdges: [1, 2, 3, 4, 5, 6, 7, 8, 9], proportions: new Array<number>(10).fill(0.1) });
const categorical = (name: string): BaselineFeature => ({ name, kind: 'categorical', count: 10, missing: 0, categories: { basic: 0.6, gold: 0.3 }, other: 0.1 });

/** x, y, z numeric, a numeric prediction. */
const XYZ: CaptureBaseline = { features: [numeric('x'), numeric('y'), numeric('z')], prediction: numeric('score') };
/** tenure numeric, plan categorical, a categorical prediction. */
const MIXED: CaptureBaseline = { features: [numeric('tenure'), categorical('plan')], prediction: categorical('label') };
/** One numeric feature, a numeric prediction. */
const ONE: CaptureBaseline = { features: [numeric('v')], prediction: numeric('score') };

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

interface Side {
  data: string;
  encoding?: string;
  contentType?: string;
}

/** A capture line as SageMaker writes it: its keys in its order, no whitespace. */
function captureLine(input: Side, output?: Side, inferenceTime = '2026-11-22T10:20:31Z'): string {
  const side = (s: Side, mode: string) => ({ observedContentType: s.contentType ?? 'text/csv', mode, data: s.data, encoding: s.encoding ?? 'CSV' });
  return JSON.stringify({
    captureData: { endpointInput: side(input, 'INPUT'), ...(output && { endpointOutput: side(output, 'OUTPUT') }) },
    eventMetadata: { eventId: '8f45e35c-fa44-40d2-8ed3-1bcab3a596f3', inferenceTime },
    eventVersion: '0',
  });
}

/** The same event with spaces after the separators: valid JSON the pattern does not take, so JSON.parse reads it. */
const spaced = (line: string): string => JSON.stringify(JSON.parse(line), null, 1).replace(/\n */g, ' ');

const JSON_TYPE = 'application/json';
const WINDOW: CaptureWindow = { from: new Date('2026-11-22T10:00:00Z'), to: new Date('2026-11-22T11:00:00Z') };

interface Decoded {
  records: (number | string | undefined)[][];
  predictions: (number | string | undefined)[];
  malformed: Partial<Record<MalformedReason, number>>;
}

/**
 * Several lines through ONE decoder, as the drift accumulator feeds a file: the decoder reuses its
 * buffers and per-line fields, so nothing of one line may leak into the next.
 */
function decodeAll(lines: readonly string[], baseline: CaptureBaseline, window?: CaptureWindow): Decoded {
  const kinds = baseline.features.map((feature) => feature.kind);
  const out: Decoded = { records: [], predictions: [], malformed: {} };
  const decoder = new CaptureDecoder(baseline, window);
  for (const line of lines) {
    decoder.decode(line, {
      addRecord: (numbers, labels) => out.records.push(kinds.map((kind, i) => (kind === 'numeric' ? (Number.isNaN(numbers[i]) ? undefined : numbers[i]) : labels[i]))),
      addPrediction: (value) => out.predictions.push(typeof value === 'number' && Number.isNaN(value) ? undefined : value),
      addMalformed: (reason) => {
        out.malformed[reason] = (out.malformed[reason] ?? 0) + 1;
      },
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Both ways of reading a line's fields agree: a differential test over a seeded table.
// ---------------------------------------------------------------------------------------------

/**
 * Labels whose JSON text differs from their value (a quote, a backslash, a tab, non-ASCII when
 * escaped) next to plain ones: a pattern that took such a string off the line would read the
 * escape, not the value.
 */
const LABELS = ['gold', 'basic', 'café', '☕ tea', 'a\\b', 'say "hi"', 'tab\there', 'x/y', 'plat, inum', 'ünï'];

/** Output labels: the CSV predictions reader splits on commas and unquotes whole cells only, so none holds a comma or a quote. */
const PREDICTION_LABELS = ['churn', 'stay', 'café', '☕ tea', 'a\\b', 'tab\there', 'x/y', 'ünï'];

const csvCell = (label: string): string => (/[",\n]/.test(label) ? `"${label.replace(/"/g, '""')}"` : label);

/** An event as nested [key, value] pairs, so each layout can order, space and escape it its own way. */
type Node = string | readonly (readonly [string, Node])[];

interface Generated {
  event: Node;
  expected: Decoded;
}

function generate(random: () => number): Generated {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const count = 1 + Math.floor(random() * 3);
  const rows = Array.from({ length: count }, () => ({ tenure: Number((random() * 1000).toFixed(Math.floor(random() * 3))), plan: pick(LABELS) }));
  const csv = rows.map((row) => `${row.tenure},${csvCell(row.plan)}`).join('\n');
  const input: [string, string, string] = pick<[string, string, string]>([
    ['text/csv', csv, 'CSV'],
    ['text/csv', base64(csv), 'BASE64'],
    [JSON_TYPE, JSON.stringify({ instances: rows }), 'JSON'],
    [JSON_TYPE, base64(JSON.stringify({ instances: rows.map((row) => [row.tenure, row.plan]) })), 'BASE64'],
  ]);
  const labels = rows.map(() => pick(PREDICTION_LABELS));
  // CSV predictions as a CSV writer may quote them, with LF or CRLF, one per line or comma-joined.
  const cells = labels.map((label) => (random() < 0.3 ? `"${label}"` : label));
  const csvOut = random() < 0.2 ? cells.join(',') : cells.join(random() < 0.5 ? '\n' : '\r\n') + pick(['', '\n', '\r\n']);
  const output = pick<[string, string, string] | undefined>([
    undefined,
    ['text/csv', csvOut, 'CSV'],
    ['text/csv', base64(csvOut), 'BASE64'],
    [JSON_TYPE, JSON.stringify({ predictions: labels.map((label) => ({ predicted_label: label })) }), 'JSON'],
  ]);
  // Inside the window, or an hour either side of it.
  const minutes = Math.floor(random() * 180) - 60;
  const instant = new Date(WINDOW.from.getTime() + minutes * 60_000 + Math.floor(random() * 60_000));
  const time = random() < 0.5 ? `${instant.toISOString().slice(0, 19)}Z` : instant.toISOString();
  const inside = instant >= WINDOW.from && instant < WINDOW.to;
  const side = ([type, data, encoding]: [string, string, string], mode: string): Node => [
    ['observedContentType', type],
    ['mode', mode],
    ['data', data],
    ['encoding', encoding],
  ];
  const metadata: [string, Node][] = [['eventId', Math.floor(random() * 2 ** 32).toString(16)]];
  if (random() < 0.5) metadata.push(['inferenceId', `inference-${Math.floor(random() * 1000)}`]);
  metadata.push(['inferenceTime', time]);
  const event: Node = [
    ['captureData', [['endpointInput', side(input, 'INPUT')], ...(output ? [['endpointOutput', side(output, 'OUTPUT')] as const] : [])]],
    ['eventMetadata', metadata],
    ['eventVersion', '0'],
  ];
  const expected: Decoded = inside
    ? { records: rows.map((row) => [row.tenure, row.plan]), predictions: output ? labels : [], malformed: {} }
    : { records: [], predictions: [], malformed: {} };
  return { event, expected };
}

interface Layout {
  /** How a string value is written; its JSON value must stay the same. */
  value?: (text: string) => string;
  separator?: string;
  colon?: string;
  reorder?: boolean;
  /** An extra key appended to every object. */
  extra?: boolean;
}

function serialize(node: Node, layout: Layout): string {
  if (typeof node === 'string') return (layout.value ?? JSON.stringify)(node);
  const pairs = layout.reorder ? [...node].reverse() : [...node];
  const members = pairs.map(([key, value]) => `${JSON.stringify(key)}${layout.colon ?? ':'}${serialize(value, layout)}`);
  if (layout.extra) members.push(`"customAttributes"${layout.colon ?? ':'}"x"`);
  return `{${members.join(layout.separator ?? ',')}}`;
}

const unicodeEscape = (char: string): string => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

const LINE_LAYOUTS: [string, Layout][] = [
  ["SageMaker's own", {}],
  // Each value's first character as a \u escape: the same string to JSON, an escape on the line.
  ['values opening with a \\u escape', { value: (text) => (text === '' ? '""' : `"${unicodeEscape(text[0]!)}${JSON.stringify(text.slice(1)).slice(1)}`) }],
  ['non-ASCII written as \\u escapes', { value: (text) => JSON.stringify(text).replace(/[^\x00-\x7f]/g, unicodeEscape) }],
  ['a / written as \\/', { value: (text) => JSON.stringify(text).replace(/\//g, '\\/') }],
  ['spaces after the separators', { separator: ', ', colon: ': ' }],
  ['keys in another order', { reorder: true }],
  ['an extra key in every object', { extra: true }],
];

describe('reading a line: SageMaker layout by the pattern and any other JSON layout by JSON.parse agree', () => {
  const random = mulberry32(20261122);
  const table = Array.from({ length: 150 }, () => generate(random));

  it.each(LINE_LAYOUTS)('%s layout gives the generated records and predictions, line by line and through one decoder', (_name, layout) => {
    const lines = table.map(({ event }) => serialize(event, layout));
    for (const [i, line] of lines.entries()) expect(parseCaptureLine(line, MIXED, WINDOW), line).toEqual(table[i]!.expected);
    expect(decodeAll(lines, MIXED, WINDOW)).toEqual({
      records: table.flatMap(({ expected }) => expected.records),
      predictions: table.flatMap(({ expected }) => expected.predictions),
      malformed: {},
    });
  });

  it('the generated table has lines with and without escapes, in and out of the window, with and without predictions', () => {
    // Guards the table itself: without these kinds of line the agreement above would prove little.
    const lines = table.map(({ event }) => serialize(event, {}));
    expect(lines.filter((line) => line.includes('\\')).length).toBeGreaterThan(20);
    expect(lines.filter((line) => !line.includes('\\')).length).toBeGreaterThan(20);
    expect(table.filter(({ expected }) => expected.records.length === 0).length).toBeGreaterThan(20);
    expect(table.filter(({ expected }) => expected.predictions.length > 0).length).toBeGreaterThan(20);
  });
});

describe('reading a line: each field of the SageMaker layout', () => {
  const line = (input: Side, output?: Side) => captureLine(input, output);

  it.each([
    ['the input content type', { data: base64('{"instances":[[1,2,3]]}'), encoding: 'BASE64', contentType: JSON_TYPE }, [[1, 2, 3]]],
    ['the input encoding', { data: base64('4,5,6'), encoding: 'BASE64' }, [[4, 5, 6]]],
    ['the input data', { data: '7,8,9' }, [[7, 8, 9]]],
  ])('reads %s off the line', (_name, input, records) => {
    for (const text of [line(input), spaced(line(input))]) expect(parseCaptureLine(text, XYZ).records).toEqual(records);
  });

  it.each([
    ['CSV', { data: '0.5' }, [0.5]],
    ['JSON Lines, by its content type', { data: '{"score":0.25}\n{"score":0.75}\n', encoding: 'JSON', contentType: 'application/jsonlines' }, [0.25, 0.75]],
    ['base64 JSON, by its content type', { data: base64('{"predictions":[0.25,0.75]}'), encoding: 'BASE64', contentType: JSON_TYPE }, [0.25, 0.75]],
    ['base64 CSV', { data: base64('0.25\n0.75'), encoding: 'BASE64' }, [0.25, 0.75]],
  ])('reads the output type, data and encoding off the line: %s', (_name, output, predictions) => {
    const input = { data: predictions.length === 1 ? '1,2,3' : '1,2,3\n4,5,6' };
    for (const text of [line(input, output), spaced(line(input, output))]) expect(parseCaptureLine(text, XYZ)).toEqual({ records: predictions.length === 1 ? [[1, 2, 3]] : [[1, 2, 3], [4, 5, 6]], predictions, malformed: {} });
  });

  it.each([
    ['2026-11-22T10:59:59Z', 1],
    ['2026-11-22T11:00:00Z', 0],
  ])('reads the inferenceTime off the line: %s → %i record(s)', (time, count) => {
    const text = captureLine({ data: '1,2,3' }, undefined, time);
    expect(parseCaptureLine(text, XYZ, WINDOW).records).toHaveLength(count);
    expect(parseCaptureLine(spaced(text), XYZ, WINDOW).records).toHaveLength(count);
  });
});

describe('reading a line: text in SageMaker’s key order that is not JSON is not-json', () => {
  const good = captureLine({ data: '1,2,3' });

  it.each([
    ['the values the decoder skips left out after their colons', good.replace(/"(mode|eventId|eventVersion)":"[^"]*"/g, '"$1":')],
    ['the values the decoder reads left out after their colons', good.replace(/"(observedContentType|data|encoding|inferenceTime)":"[^"]*"/g, '"$1":')],
    ['the brace closing captureData left out', good.replace('"CSV"}}', '"CSV"}')],
    ['a raw tab inside a string (JSON wants \\t)', good.replace('1,2,3', '1,2,3\t')],
    ['text after the closing brace', `${good}x`],
    ['text before the opening brace', `x${good}`],
  ])('%s', (_name, line) => {
    expect(() => JSON.parse(line)).toThrow(SyntaxError);
    expect(parseCaptureLine(line, XYZ)).toEqual({ records: [], predictions: [], malformed: { 'not-json': 1 } });
  });
});

describe('reading a line by JSON.parse: fields of the wrong type', () => {
  const event = (captureData: unknown, inferenceTime: unknown = '2026-11-22T10:20:31Z') => JSON.stringify({ captureData, eventMetadata: { eventId: 'e', inferenceTime }, eventVersion: '0' });
  const input = { observedContentType: 'text/csv', mode: 'INPUT', data: '1,2,3', encoding: 'CSV' };

  it.each([
    ['captureData null', null],
    ['captureData a string', 'x'],
    ['endpointInput null', { endpointInput: null }],
    ['endpointInput an array', { endpointInput: [input] }],
    ['an observedContentType that is no string', { endpointInput: { ...input, observedContentType: 5 } }],
    ['data that is no string', { endpointInput: { ...input, data: [1, 2, 3] } }],
    ['an encoding that is no string', { endpointInput: { ...input, encoding: null } }],
  ])('%s → missing-field, no record', (_name, captureData) => {
    expect(parseCaptureLine(event(captureData), XYZ)).toEqual({ records: [], predictions: [], malformed: { 'missing-field': 1 } });
  });

  it.each([
    ['null', null],
    ['a string', 'OUTPUT'],
    ['without data', { observedContentType: 'text/csv', mode: 'OUTPUT', encoding: 'CSV' }],
    ['with numeric data', { observedContentType: 'text/csv', mode: 'OUTPUT', data: 0.5, encoding: 'CSV' }],
    ['without an encoding', { observedContentType: 'text/csv', mode: 'OUTPUT', data: '0.5' }],
    ['base64 without a content type', { mode: 'OUTPUT', data: base64('0.5'), encoding: 'BASE64' }],
  ])('an endpointOutput %s → prediction-mismatch, the record still counts', (_name, endpointOutput) => {
    expect(parseCaptureLine(event({ endpointInput: input, endpointOutput }), XYZ)).toEqual({ records: [[1, 2, 3]], predictions: [], malformed: { 'prediction-mismatch': 1 } });
  });

  it.each([
    ['CSV', { mode: 'OUTPUT', data: '0.5', encoding: 'CSV' }, [0.5]],
    ['JSON', { mode: 'OUTPUT', data: '0.5', encoding: 'JSON' }, [0.5]],
  ])('an endpointOutput without a content type is still read as %s', (_name, endpointOutput, predictions) => {
    expect(parseCaptureLine(event({ endpointInput: input, endpointOutput }), XYZ)).toEqual({ records: [[1, 2, 3]], predictions, malformed: {} });
  });

  it.each([
    ['a number', 1_795_000_000_000],
    ['null', null],
    ['an object', { epoch: 1 }],
  ])('an inferenceTime that is %s is no time: missing-field with a window, read without one', (_name, time) => {
    expect(parseCaptureLine(event({ endpointInput: input }, time), XYZ, WINDOW)).toEqual({ records: [], predictions: [], malformed: { 'missing-field': 1 } });
    expect(parseCaptureLine(event({ endpointInput: input }, time), XYZ)).toEqual({ records: [[1, 2, 3]], predictions: [], malformed: {} });
  });

  it('an eventMetadata that is no object has no time', () => {
    const line = JSON.stringify({ captureData: { endpointInput: input }, eventMetadata: '2026-11-22T10:20:31Z' });
    expect(parseCaptureLine(line, XYZ, WINDOW).malformed).toEqual({ 'missing-field': 1 });
  });
});

describe('one decoder over many lines', () => {
  it('keeps no field of a line for the next: output, time, data', () => {
    const withOutput = captureLine({ data: '1,2,3' }, { data: '0.5' });
    const withoutOutput = captureLine({ data: '4,5,6' });
    const noMetadata = JSON.stringify({ captureData: { endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: '7,8,9', encoding: 'CSV' } } });
    const noData = JSON.stringify({ captureData: { endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', encoding: 'CSV' } }, eventMetadata: { eventId: 'e', inferenceTime: '2026-11-22T10:20:31Z' } });
    expect(decodeAll([withOutput, withoutOutput, spaced(withOutput), spaced(withoutOutput), noData, withOutput], XYZ)).toEqual({
      records: [[1, 2, 3], [4, 5, 6], [1, 2, 3], [4, 5, 6], [1, 2, 3]],
      predictions: [0.5, 0.5, 0.5],
      malformed: { 'missing-field': 1 },
    });
    expect(decodeAll([withOutput, noMetadata, withoutOutput], XYZ, WINDOW)).toEqual({ records: [[1, 2, 3], [4, 5, 6]], predictions: [0.5], malformed: { 'missing-field': 1 } });
  });

  it('reads no output of an earlier line for a line whose endpointOutput cannot be read', () => {
    const readable = captureLine({ data: '1,2,3' }, { data: '0.5' });
    const unreadable = JSON.stringify({ captureData: { endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: '4,5,6', encoding: 'CSV' }, endpointOutput: null } });
    expect(decodeAll([readable, unreadable], XYZ)).toEqual({ records: [[1, 2, 3], [4, 5, 6]], predictions: [0.5], malformed: { 'prediction-mismatch': 1 } });
  });

  it('counts a batch by its own records, not the previous line’s', () => {
    const three = captureLine({ data: '1,2,3\n4,5,6\n7,8,9' }, { data: '[0.1,0.2,0.3]', encoding: 'JSON', contentType: JSON_TYPE });
    const two = captureLine({ data: '1,2,3\n4,5,6' }, { data: '[0.25,0.75]', encoding: 'JSON', contentType: JSON_TYPE });
    const single = captureLine({ data: '7,8,9' }, { data: '0.5' });
    expect(decodeAll([three, two, single, two], XYZ)).toEqual({
      records: [[1, 2, 3], [4, 5, 6], [7, 8, 9], [1, 2, 3], [4, 5, 6], [7, 8, 9], [1, 2, 3], [4, 5, 6]],
      predictions: [0.1, 0.2, 0.3, 0.25, 0.75, 0.5, 0.25, 0.75],
      malformed: {},
    });
  });

  describe('payloads larger than the decoder’s first buffer (16 KiB)', () => {
    const rows = Array.from({ length: 4000 }, (_, i) => `${i},${i + 1},${i + 2}`);
    const big = rows.join('\n');
    const expected = rows.map((_, i) => [i, i + 1, i + 2]);

    it.each([
      ['plain CSV', { data: big }],
      // Decoded, it is over twice the first buffer, so one doubling is not enough.
      ['base64 CSV', { data: base64(big), encoding: 'BASE64' }],
    ])('%s, in a fresh decoder and between small lines', (_name, input) => {
      expect(big.length).toBeGreaterThan(2 * 16 * 1024);
      expect(parseCaptureLine(captureLine(input), XYZ)).toEqual({ records: expected, predictions: [], malformed: {} });
      expect(decodeAll([captureLine({ data: '1,2,3' }), captureLine(input), captureLine({ data: '1,2,3' })], XYZ).records).toEqual([[1, 2, 3], ...expected, [1, 2, 3]]);
    });
  });

  it('hands each record over in arrays of exactly the baseline’s width', () => {
    const seen: [number[], (string | undefined)[]][] = [];
    const decoder = new CaptureDecoder(XYZ);
    const sink = { addRecord: (numbers: Float64Array, labels: readonly (string | undefined)[]) => seen.push([[...numbers], [...labels]]), addPrediction: () => {}, addMalformed: () => {} };
    for (const data of ['1,2,3', '[4,5,6]', '{"x":7,"y":8,"z":9}']) decoder.decode(captureLine({ data, encoding: data.startsWith('1') ? 'CSV' : 'JSON', contentType: JSON_TYPE }), sink);
    expect(seen).toEqual([
      [[1, 2, 3], [undefined, undefined, undefined]],
      [[4, 5, 6], [undefined, undefined, undefined]],
      [[7, 8, 9], [undefined, undefined, undefined]],
    ]);
  });
});

describe('the input payload', () => {
  const parse = (input: Side, output?: Side, baseline: CaptureBaseline = XYZ) => parseCaptureLine(captureLine(input, output), baseline);

  it.each([
    ['BASE64 with two padding characters', { data: base64('1,2,345'), encoding: 'BASE64' }, [[1, 2, 345]]],
    ['BASE64 with one', { data: base64('1,2,3456'), encoding: 'BASE64' }, [[1, 2, 3456]]],
    ['BASE64 without padding', { data: base64('1,2,34'), encoding: 'BASE64' }, [[1, 2, 34]]],
    ['an encoding with spaces and mixed case', { data: base64('1,2,3'), encoding: ' Base64 ' }, [[1, 2, 3]]],
    ['a lower-case json encoding', { data: '[1,2,3]', encoding: 'json', contentType: JSON_TYPE }, [[1, 2, 3]]],
    ['a JSON document over several lines', { data: '{\n "instances": [\n  [1, 2, 3],\n  [4, 5, 6]\n ]\n}\n', encoding: 'JSON', contentType: JSON_TYPE }, [[1, 2, 3], [4, 5, 6]]],
    ['JSON Lines in a JSON encoding, by the content type, blank lines skipped', { data: '[1,2,3]\r\n\r\n \n{"x":4,"y":5,"z":6}\r\n', encoding: 'JSON', contentType: 'application/jsonlines' }, [[1, 2, 3], [4, 5, 6]]],
    ['base64 JSON Lines of several lines', { data: base64('{"x":1,"y":2,"z":3}\n{"x":4,"y":5,"z":6}'), encoding: 'BASE64', contentType: 'application/x-ndjson' }, [[1, 2, 3], [4, 5, 6]]],
    ['an empty base64 payload: no record, nothing wrong', { data: '', encoding: 'BASE64' }, []],
    ['an empty JSON array: no record, nothing wrong', { data: '[]', encoding: 'JSON', contentType: JSON_TYPE }, []],
  ])('%s', (_name, input, records) => {
    expect(parse(input)).toEqual({ records, predictions: [], malformed: {} });
  });

  it.each([
    ['bad-base64', { data: 'MSwy!DM=', encoding: 'BASE64' }],
    ['bad-json-payload', { data: '[1,2,3]\n[4,5', encoding: 'JSON', contentType: 'application/jsonlines' }],
    ['bad-json-payload', { data: '"a string"', encoding: 'JSON', contentType: JSON_TYPE }],
    ['unknown-encoding', { data: '1,2,3', encoding: 'GZIP' }],
    ['unsupported-content-type', { data: base64('1,2,3'), encoding: 'BASE64', contentType: '' }],
  ])('%s for %j, and its output is not read', (reason, input) => {
    expect(parse(input, { data: '0.5' })).toEqual({ records: [], predictions: [], malformed: { [reason]: 1 } });
  });

  it('reads the output of a JSON input', () => {
    expect(parse({ data: '{"instances":[[1,2,3],[4,5,6]]}', encoding: 'JSON', contentType: JSON_TYPE }, { data: '0.25\n0.75' })).toEqual({ records: [[1, 2, 3], [4, 5, 6]], predictions: [0.25, 0.75], malformed: {} });
    expect(parse({ data: base64('[1,2,3]'), encoding: 'BASE64', contentType: JSON_TYPE }, { data: '0.5' })).toEqual({ records: [[1, 2, 3]], predictions: [0.5], malformed: {} });
  });
});

describe('JSON records', () => {
  const parse = (data: string, baseline: CaptureBaseline = XYZ) => parseCaptureLine(captureLine({ data, encoding: 'JSON', contentType: JSON_TYPE }), baseline);
  const FEATURES_COLUMN: CaptureBaseline = { features: [categorical('features'), numeric('x')] };
  const PROTO: CaptureBaseline = { features: [categorical('__proto__'), categorical('constructor'), numeric('toString')] };

  it.each([
    ['a bare array of arrays and a lone value: each element is a record', '[[1,2,3],5]', XYZ, [[1, 2, 3]], { 'wrong-column-count': 1 }],
    ['a bare array of plain values is one record', '[1,null,"3"]', XYZ, [[1, undefined, 3]], {}],
    ['a null instance is a lone value', '{"instances":[null,[1,2,3]]}', ONE, [[undefined]], { 'wrong-column-count': 1 }],
    ['a "features" key that is no array is just a key', '{"features":5,"x":1,"y":2,"z":3}', XYZ, [[1, 2, 3]], {}],
    ['an instance whose "features" key is no array is read by name', '{"instances":[{"features":"1,2,3","x":1,"y":2,"z":3}]}', XYZ, [[1, 2, 3]], {}],
    ['"features" is a column when the baseline has one', '{"features":["a","b"],"x":1}', FEATURES_COLUMN, [['["a","b"]', 1]], {}],
    ['"features" rows are read by position when it is not a column', '{"instances":[{"features":["a",1]}]}', { features: [categorical('plan'), numeric('x')] }, [['a', 1]], {}],
    ['a feature named like an Object.prototype member reads only the record’s own keys', '[{}, {"__proto__":"p","constructor":"c","toString":"4"}]', PROTO, [[undefined, undefined, undefined], ['p', 'c', 4]], {}],
  ])('%s', (_name, data, baseline, records, malformed) => {
    expect(parse(data, baseline)).toEqual({ records, predictions: [], malformed });
  });
});

describe('predictions', () => {
  const parse = (input: string, output: Side, baseline: CaptureBaseline = XYZ) => parseCaptureLine(captureLine({ data: input }, output), baseline);
  const two = '1,2,3\n4,5,6';

  it.each<[string, string, Side, CaptureBaseline, (number | string | undefined)[]]>([
    ['the first column of a one-record multi-class CSV row', '1,2,3', { data: '0.25,0.1,0.9' }, XYZ, [0.25]],
    ['one line per record, not a comma-joined batch, when there are as many lines as records', two, { data: '0.25,0.1\n0.75,0.2' }, XYZ, [0.25, 0.75]],
    ['a one-record CSV label ending in a newline, without it', '1,gold', { data: 'churn\n' }, MIXED, ['churn']],
    ['CRLF CSV labels, without the CR', '1,gold\n2,basic', { data: 'churn\r\nstay\r\n' }, MIXED, ['churn', 'stay']],
    ['CRLF CSV numbers, without the CR', two, { data: '0.25\r\n0.75\r\n' }, XYZ, [0.25, 0.75]],
    ['quoted CSV labels, unquoted', '1,gold\n2,basic', { data: '"churn"\n"stay"' }, MIXED, ['churn', 'stay']],
    ['a comma-joined batch of quoted labels, each unquoted, CR and all', '1,gold\n2,basic', { data: '"churn","stay"\r\n' }, MIXED, ['churn', 'stay']],
    ['an empty quoted label is missing', '1,gold\n2,basic', { data: '""\nstay' }, MIXED, [undefined, 'stay']],
    ['a label that only opens or closes with a quote, or is one quote, is kept as it is', '1,a\n2,b\n3,c', { data: '"churn\nstay"\n"' }, MIXED, ['"churn', 'stay"', '"']],
    ['a one-record JSON string label, unquoted', '1,gold', { data: '"churn"', encoding: 'JSON', contentType: JSON_TYPE }, MIXED, ['churn']],
    ['a JSON document over several lines, as one document', two, { data: '{\n "predictions": [\n  0.25,\n  0.75\n ]\n}\n', encoding: 'JSON', contentType: JSON_TYPE }, XYZ, [0.25, 0.75]],
    ['a one-record JSON array', '1,2,3', { data: '[0.5]', encoding: 'JSON', contentType: JSON_TYPE }, XYZ, [0.5]],
    ['a one-record JSON score object', '1,2,3', { data: '{"score":0.5}', encoding: 'JSON', contentType: JSON_TYPE }, XYZ, [0.5]],
    ['a JSON null: the record counts, its prediction is missing', '1,2,3', { data: 'null', encoding: 'JSON', contentType: JSON_TYPE }, XYZ, [undefined]],
    ['JSON Lines with a trailing newline, one per record', two, { data: '{"score":0.25}\n{"score":0.75}\n', encoding: 'JSON', contentType: 'application/jsonlines' }, XYZ, [0.25, 0.75]],
    ['base64 JSON Lines, blank lines skipped', two, { data: base64('[0.25]\r\n\r\n[0.75]\r\n'), encoding: 'BASE64', contentType: 'application/jsonlines' }, XYZ, [0.25, 0.75]],
    ['base64 CSV', two, { data: base64('0.25\n0.75'), encoding: 'BASE64' }, XYZ, [0.25, 0.75]],
    ['the first column of a one-record CSV output of class and probability', '1,2,3', { data: '1,0.9' }, XYZ, [1]],
    ['a blank line between CSV predictions, skipped', two, { data: '0.25\n \n0.75' }, XYZ, [0.25, 0.75]],
    // One record, one CSV value: the fast path must read it as the general path does.
    ['a one-record quoted CSV label, unquoted', '1,gold', { data: '"churn"' }, MIXED, ['churn']],
    ['a one-record quoted CSV number', '1,2,3', { data: '"0.5"' }, XYZ, [0.5]],
    ['a one-record CSV label ending in a CR, without it', '1,gold', { data: 'churn\r' }, MIXED, ['churn']],
    ['a one-record CSV label that opens with a quote only, as it is', '1,gold', { data: '"churn' }, MIXED, ['"churn']],
    ['a lower-case base64 encoding', two, { data: base64('0.25\n0.75'), encoding: 'base64', contentType: 'text/csv' }, XYZ, [0.25, 0.75]],
  ])('%s', (_name, input, output, baseline, predictions) => {
    expect(parse(input, output, baseline)).toEqual({ records: parseCaptureLine(captureLine({ data: input }), baseline).records, predictions, malformed: {} });
  });

  it.each<[string, unknown, number | string | undefined]>([
    ['score', { score: 0.9 }, 0.9],
    ['predicted_label', { predicted_label: 1 }, 1],
    ['label', { label: 0 }, 0],
    ['prediction', { prediction: 0.3 }, 0.3],
    ['score before predicted_label', { predicted_label: 1, score: 0.9 }, 0.9],
    ['predicted_label before label', { label: 0, predicted_label: 1 }, 1],
    ['label before prediction', { prediction: 0.3, label: 0 }, 0],
    ['a one-element array in a key', { score: [0.9] }, 0.9],
    ['a nested prediction object', { prediction: { score: 0.4 } }, 0.4],
    ['none of the keys: missing', { probability: 0.9 }, undefined],
    ['a two-element array (class probabilities): missing', [0.1, 0.9], undefined],
  ])('a JSON prediction object reads its %s', (_name, prediction, value) => {
    expect(parse('1,2,3', { data: JSON.stringify({ predictions: [prediction] }), encoding: 'JSON', contentType: JSON_TYPE })).toEqual({ records: [[1, 2, 3]], predictions: [value], malformed: {} });
  });

  it.each<[string, string, Side, CaptureBaseline, Partial<Record<MalformedReason, number>>]>([
    ['two output lines for one record', '1,2,3', { data: '0.5\n0.7' }, XYZ, { 'prediction-mismatch': 1 }],
    ['a comma-joined batch longer than the records', two, { data: '0.1,0.2,0.3' }, XYZ, { 'prediction-mismatch': 1 }],
    ['one prediction for an input without records', '', { data: '0.5' }, XYZ, { 'prediction-mismatch': 1 }],
    ['two one-character output lines for one record', '1,2,3', { data: '0\n1' }, XYZ, { 'prediction-mismatch': 1 }],
    ['an empty output for one record', '1,2,3', { data: '' }, XYZ, { 'prediction-mismatch': 1 }],
    ['a blank output for one record', '1,gold', { data: ' ' }, MIXED, { 'prediction-mismatch': 1 }],
    ['an output without an encoding name', '1,2,3', { data: '0.5', encoding: '' }, XYZ, { 'prediction-mismatch': 1 }],
    ['a base64 output of a type that is neither CSV nor JSON, even when it holds JSON', '1,2,3', { data: base64('0.5'), encoding: 'BASE64', contentType: 'application/octet-stream' }, XYZ, { 'prediction-mismatch': 1 }],
    ['a {"predictions": …} that is no array', '1,2,3', { data: '{"predictions":0.5}', encoding: 'JSON', contentType: JSON_TYPE }, XYZ, {}],
  ])('%s', (_name, input, output, baseline, malformed) => {
    const result = parse(input, output, baseline);
    expect(result.malformed).toEqual(malformed);
    expect(result.predictions).toEqual(Object.keys(malformed).length === 0 ? [undefined] : []);
  });

  it.each([
    ['the fast path (one CSV value)', { data: '0.5' }],
    ['the general path', { data: '[0.5]', encoding: 'JSON', contentType: JSON_TYPE }],
  ])('gives no prediction for a record that was not used, by %s', (_name, output) => {
    expect(parse('1,2', output)).toEqual({ records: [], predictions: [], malformed: { 'wrong-column-count': 1 } });
  });

  it('lines predictions up with records past the 64th, and past the 128th', () => {
    // 64 is the first size of the per-record "used" flags; every 7th record is short, so unused.
    const rows = Array.from({ length: 150 }, (_, i) => (i % 7 === 3 ? `${i},0` : `${i},0,0`));
    const result = parse(rows.join('\n'), { data: rows.map((_, i) => String(i)).join('\n') });
    const used = rows.flatMap((_, i) => (i % 7 === 3 ? [] : [i]));
    expect(result).toEqual({ records: used.map((i) => [i, 0, 0]), predictions: used, malformed: { 'wrong-column-count': 150 - used.length } });
  });
});

describe('payloadFormat, beyond the common types', () => {
  it.each([
    ['Application/JSON', 'json'],
    ['application/json ; charset=utf-8', 'json'],
    [' text/csv', 'csv'],
    ['application/x-json', undefined],
    ['application/json-seq', undefined],
    ['application/jsonlines; charset=utf-8', 'jsonl'],
    ['Application/JSONLines', 'jsonl'],
    ['json', 'json'],
  ])('%j → %s', (contentType, format) => {
    expect(payloadFormat(contentType)).toBe(format);
  });
});
