import { describe, expect, it } from 'vitest';
import { categoryCell, mulberry32, numericCell } from '../../../../lambdas/core/baseline/statistics';
import { CaptureDecoder, type CaptureSink, numericText, parseCaptureLine } from '../../../../lambdas/core/drift/capture';
import type { Baseline, BaselineFeature } from '../../../../lib/contract';
import type { MalformedReason } from '../../../../lambdas/core/drift/types';

// The decoder reads CSV payloads from bytes, and parses plain numbers there (Clinger's fast path),
// for speed. Its contract is the slow, obvious reading: RFC 4180 records, and each numeric cell
// the number numericCell gives the same text on the training side, bit for bit, so that it falls
// in the same bin. Most cases below are differential: the decoder against a naive reference over
// a seeded generated table.

const numeric = (name: string): BaselineFeature => ({ name, kind: 'numeric', count: 10, missing: 0, binEdges: [1, 2, 3, 4, 5, 6, 7, 8, 9], proportions: new Array<number>(10).fill(0.1) });
const categorical = (name: string): BaselineFeature => ({ name, kind: 'categorical', count: 10, missing: 0, categories: { basic: 0.6, gold: 0.3 }, other: 0.1 });
type Features = Pick<Baseline, 'features' | 'prediction'>;

const XYZ: Features = { features: [numeric('x'), numeric('y'), numeric('z')] };
const ONE: Features = { features: [numeric('v')] };
const LABEL: Features = { features: [categorical('plan')] };
/** numeric, categorical, numeric: both kinds of cell, next to each other. */
const MIXED: Features = { features: [numeric('tenure'), categorical('plan'), numeric('spend')] };

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** A capture line as SageMaker writes it (keys in its order, no whitespace), input only. */
function captureLine(data: string, encoding = 'CSV'): string {
  return JSON.stringify({
    captureData: { endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data, encoding } },
    eventMetadata: { eventId: '8f45e35c-fa44-40d2-8ed3-1bcab3a596f3', inferenceTime: '2026-11-22T10:20:31Z' },
    eventVersion: '0',
  });
}

const parse = (payload: string, features: Features = XYZ) => parseCaptureLine(captureLine(payload), features);

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const digitString = (random: () => number, count: number): string => Array.from({ length: count }, () => String(Math.floor(random() * 10))).join('');

/**
 * The cells of a CSV payload, read character by character as RFC 4180 says, with the decoder's
 * documented leniencies: blank lines (LF, CRLF, a CR ending the payload) are no records; a CR is
 * part of the line ending only right before LF or at the end; text after a closing quote is kept;
 * an unclosed quote runs to the end of the payload.
 */
function referenceCsv(text: string): string[][] {
  const rows: string[][] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (text[i] === '\n') {
      i += 1;
      continue;
    }
    if (text[i] === '\r' && (i + 1 === n || text[i + 1] === '\n')) {
      i += 2;
      continue;
    }
    const row: string[] = [];
    for (;;) {
      let cell = '';
      if (text[i] === '"') {
        i += 1;
        while (i < n) {
          if (text[i] === '"') {
            i += 1;
            if (text[i] !== '"') break;
          }
          cell += text[i];
          i += 1;
        }
      }
      let rest = '';
      while (i < n && text[i] !== ',' && text[i] !== '\n') {
        rest += text[i];
        i += 1;
      }
      if (rest.endsWith('\r') && (i === n || text[i] === '\n')) rest = rest.slice(0, -1);
      row.push(cell + rest);
      if (text[i] === ',') {
        i += 1;
        continue;
      }
      i += 1;
      break;
    }
    rows.push(row);
  }
  return rows;
}

/** What parseCaptureLine must give for a payload, by the reference reading and the training side's cell rules. */
function expected(payload: string, features: Features) {
  const records: (number | string | undefined)[][] = [];
  let wrong = 0;
  for (const row of referenceCsv(payload)) {
    if (row.length !== features.features.length) wrong += 1;
    else records.push(features.features.map((feature, i) => (feature.kind === 'numeric' ? numericCell(row[i]) : categoryCell(row[i]))));
  }
  return { records, predictions: [], malformed: wrong === 0 ? {} : { 'wrong-column-count': wrong } };
}

describe('the reference CSV reader itself', () => {
  // The reference is only worth what its own reading of RFC 4180 is worth.
  it.each([
    ['plain cells', 'a,b\nc,d', [['a', 'b'], ['c', 'd']]],
    ['a quoted comma and newline', '"a,b","c\nd"', [['a,b', 'c\nd']]],
    ['"" as a quote', '"say ""hi"""', [['say "hi"']]],
    ['CRLF and blank lines', '\r\na\r\n\r\nb\r\n\n', [['a'], ['b']]],
    ['a CR that ends no line', 'a\r,b\rc', [['a\r', 'b\rc']]],
    ['text after a closing quote', '"a"b,c', [['ab', 'c']]],
    ['an unclosed quote', '"a,b\nc', [['a,b\nc']]],
    ['a trailing comma', 'a,', [['a', '']]],
  ])('%s', (_name, text, rows) => {
    expect(referenceCsv(text)).toEqual(rows);
  });
});

describe('CSV records', () => {
  it.each([
    ['LF between records', '1,2,3\n4,5,6', [[1, 2, 3], [4, 5, 6]]],
    ['CRLF between records', '1,2,3\r\n4,5,6', [[1, 2, 3], [4, 5, 6]]],
    ['a trailing LF ends the last record, it opens none', '1,2,3\n', [[1, 2, 3]]],
    ['a trailing CRLF likewise', '1,2,3\r\n', [[1, 2, 3]]],
    ['a blank LF line is no record', '1,2,3\n\n4,5,6', [[1, 2, 3], [4, 5, 6]]],
    ['a blank CRLF line is no record', '1,2,3\r\n\r\n4,5,6', [[1, 2, 3], [4, 5, 6]]],
    ['a blank CRLF line first', '\r\n1,2,3', [[1, 2, 3]]],
    ['a CR ending the payload is a blank line', '1,2,3\n\r', [[1, 2, 3]]],
    ['empty cells are missing values', ',,\n1,,3', [[undefined, undefined, undefined], [1, undefined, 3]]],
  ])('%s', (_name, payload, records) => {
    expect(parse(payload)).toEqual({ records, predictions: [], malformed: {} });
  });

  it.each([
    // One-character lines: their second byte is the LF, as after a blank CRLF line's CR.
    ['one-character lines are records', '7\n8', [[7], [8]]],
    ['a one-character last line', '7\n8\n9', [[7], [8], [9]]],
    // A CR that is no line ending is whitespace before the number, as numericCell reads it.
    ['a line opening with a lone CR', '1\n\r5', [[1], [5]]],
    ['a payload opening with a lone CR', '\r5\n6', [[5], [6]]],
  ])('%s (one numeric feature)', (_name, payload, records) => {
    expect(parse(payload, ONE)).toEqual({ records, predictions: [], malformed: {} });
  });

  it.each([
    ['too few cells', '1,2', 1],
    ['too many cells', '1,2,3,4', 1],
    ['a trailing comma is one more, empty, cell', '1,2,3,', 1],
    ['a line of spaces is a record of one cell', '1,2,3\n \n4,5,6', 1],
  ])('%s → wrong-column-count', (_name, payload, count) => {
    expect(parse(payload).malformed).toEqual({ 'wrong-column-count': count });
  });

  it.each([
    ['a plain label', 'gold', 'gold'],
    ['a label before CRLF loses the CR', 'gold\r\n', 'gold'],
    ['a label at the end of the payload loses a final CR', 'gold\r', 'gold'],
    ['a CR inside a label stays', 'go\rld', 'go\rld'],
    ['a quoted label with a comma', '"gold, yearly"', 'gold, yearly'],
    ['a quoted label over two lines', '"gold\nyearly"', 'gold\nyearly'],
    ['a quoted label with "" as a quote', '"the ""gold"" plan"', 'the "gold" plan'],
    ['text after the closing quote is kept', '"gold"en', 'golden'],
    ['text after the closing quote loses the CRLF CR', '"gold"en\r\n', 'golden'],
    ['a CR inside quotes stays', '"gold\r"', 'gold\r'],
    ['an unclosed quote runs to the end', '"gold', 'gold'],
    ['a quote inside an unquoted cell is text', 'go"ld', 'go"ld'],
    ['a quoted empty label is missing', '""', undefined],
    ['multi-byte UTF-8', '"gölд €"', 'gölд €'],
  ])('%s', (_name, payload, label) => {
    expect(parse(payload, LABEL)).toEqual({ records: [[label]], predictions: [], malformed: {} });
  });

  it.each([
    ['a CR before a comma is part of the cell', 'go\r,ld', ['go\r', 'ld']],
    ['a quoted cell then an unquoted one', '"a,b",c', ['a,b', 'c']],
    ['"" mid-cell, then the next cell', '"a""b",c', ['a"b', 'c']],
  ])('%s (two categorical features)', (_name, payload, labels) => {
    expect(parse(payload, { features: [categorical('a'), categorical('b')] }).records).toEqual([labels]);
  });

  it.each([
    ['a quoted number', '"1.5",2,3', [1.5, 2, 3]],
    ['a quoted number with text after the quote', '"1"5,2,3', [15, 2, 3]],
    ['a number spanning a quoted newline is no number', '"1\n5",2,3', [undefined, 2, 3]],
  ])('%s is read by numericCell', (_name, payload, record) => {
    expect(parse(payload).records).toEqual([record]);
  });

  it('each cell goes by its own feature kind', () => {
    expect(parse('12,34,56\n-7,gold,8.5', MIXED).records).toEqual([
      [12, '34', 56],
      [-7, 'gold', 8.5],
    ]);
  });

  it('agrees with the reference reader on generated payloads, plain and base64', () => {
    const random = mulberry32(4180);
    // Pieces that meet at every boundary the reader has: separators, CRs, quotes of each kind.
    const cells = ['', '1', '-2.5', '1e3', ' 7 ', '12345678901234567890', 'gold', 'a b', 'é€', '"x,y"', '"he said ""hi"""', '"two\nlines"', '"q"tail', '""', '"', 'a"b', '\r', 'x\r'];
    const separators = [',', ',', ',', '\n', '\r\n', '\n\n', '\r\n\r\n', '\r'];
    for (let i = 0; i < 400; i += 1) {
      let payload = '';
      const pieces = 1 + Math.floor(random() * 12);
      for (let p = 0; p < pieces; p += 1) payload += pick(random, cells) + (p + 1 < pieces ? pick(random, separators) : pick(random, ['', '\n', '\r\n', '\r', ',']));
      for (const features of [MIXED, ONE, LABEL]) {
        const want = expected(payload, features);
        expect([payload, parse(payload, features)]).toEqual([payload, want]);
        expect([payload, parseCaptureLine(captureLine(base64(payload), 'BASE64'), features)]).toEqual([payload, want]);
      }
    }
  });
});

/** Every text of a numeric-cell table: the forms numericCell accepts and the ones it refuses. */
function numberTexts(seed: number, count: number): string[] {
  const random = mulberry32(seed);
  const texts: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const sign = pick(random, ['', '', '-', '+']);
    const integer = digitString(random, pick(random, [0, 1, 1, 2, 3, 8, 15, 16, 17, 18, 20]));
    const fraction = pick(random, ['', '', '.', `.${digitString(random, pick(random, [1, 2, 5, 10, 16, 19, 22, 23, 25]))}`]);
    // Exponents near ±22, where the fast path must hand over to Number(), padded to 1..5 digits.
    const exponentValue = pick(random, [0, 1, 5, 15, 21, 22, 23, 24, 30, 308, 400]);
    const exponent = pick(random, ['', '', 'e', 'E']);
    const exponentText = exponent === '' ? '' : exponent + pick(random, ['', '-', '+']) + pick(random, ['', String(exponentValue), String(exponentValue).padStart(5, '0')]);
    const space = () => pick(random, ['', '', '', ' ', '\t', '\u00a0']);
    const junk = pick(random, ['', '', '', '', '', ':', '/', 'x', '_0', ' 1', 'e', '.', '-']);
    texts.push(space() + sign + integer + fraction + exponentText + junk + space());
  }
  return texts;
}

/**
 * Mantissas about 2^53 = 9007199254740992, where digit-by-digit accumulation starts rounding:
 * 9007199254740993 accumulates to 2^53 exactly, so scaled by a power of ten it must still be read
 * by Number()'s single rounding (9007199254740993e1 is 90071992547409940, not 2^53 * 10).
 */
const AROUND_2_53 = ['9007199254740991', '9007199254740992', '9007199254740993', '9007199254740994', '9007199254740995', '18014398509481985', '90071992547409931', '123456789012345678'];

describe('numbers in CSV cells', () => {
  const cellValues = (texts: readonly string[], line: (text: string) => string, column: number) =>
    parse(texts.map(line).join(''), XYZ).records.map((record, i) => [texts[i], record[column]]);

  // Each text as the first, the middle and the last cell, so it ends at a comma, an LF, a CRLF
  // or the end of the payload.
  const PLACES: [string, (text: string) => string, number][] = [
    ['first, before a comma', (text) => `${text},0,0\n`, 0],
    ['middle, between commas', (text) => `0,${text},0\n`, 1],
    ['last, before LF', (text) => `0,0,${text}\n`, 2],
    ['last, before CRLF', (text) => `0,0,${text}\r\n`, 2],
    ['quoted', (text) => `0,"${text}",0\n`, 1],
  ];

  describe.each(PLACES)('as the %s cell', (_place, line, column) => {
    it('is numericCell of its text, bit for bit, over a generated table', () => {
      const texts = numberTexts(53 + column, 3000);
      expect(cellValues(texts, line, column)).toEqual(texts.map((text) => [text, numericCell(text)]));
    });

    it.each([
      ['mantissas about 2^53, unscaled', AROUND_2_53],
      ['mantissas about 2^53, scaled', AROUND_2_53.flatMap((m) => [`${m}e1`, `${m}e-1`, `${m}e-22`, `${m}e22`, `${m.slice(0, 14)}.${m.slice(14)}`, `0.${m}`])],
      // Leading zeros cost no mantissa digits, so a long fraction of them and an exponent can
      // still meet within ±22: the exponent's digits must be read as digits.
      ['long zero fractions with an exponent', ['0.000000000000000000000000000001e0', '0.0000000000000000000000000000015e25', `0.${'0'.repeat(95)}1e0`, `-0.${'0'.repeat(99)}1e+5`, `0.${'0'.repeat(104)}1e9`]],
      ['powers of ten about ±22', ['1e21', '1e22', '1e23', '1e-21', '1e-22', '1e-23', '12.5e21', '0.5e23', '1.5e-21', '5e-24', '123e-25', '0.000001e28', '1000e20']],
      ['exponents of 1 to 5 digits', ['1e5', '1e05', '1e005', '1e0005', '1e00005', '1e-00005', '1e+00022', '1e00023', '1e12345', '1e']],
      ['signs', ['-0', '+0', '-5', '+5', '-.5', '+5.', '--5', '+-5', '-', '+', '-e5']],
      ['dots', ['.5', '5.', '.', '..5', '5..', '1.2.3', '.e5', '5.e5', '.5e-5']],
      ['radix prefixes and names', ['0x1F', '0X1f', '0b101', '0B1', '0o17', '0O7', '00x1', 'Infinity', '-Infinity', 'NaN', '1_000']],
      ['bytes just outside the digits', ['1:', '1/', '1.5:', '1.5/', '1e1:', '1e1/', '1e:', '1e-/', '1;', '1e0;']],
      ['whitespace', ['', ' ', ' 7', '7 ', '\t7\t', '\u00a07', '7\u00a0', ' 0x10', '\u00a0']],
    ])('is numericCell of its text for %s', (_name, texts) => {
      expect(cellValues(texts, line, column)).toEqual(texts.map((text) => [text, numericCell(text)]));
    });
  });

  it('a cell after an exponent with no digits is its own cell', () => {
    // `1e` is no number; the comma after it still ends the cell, and the next one is read.
    expect(parse('1e,5,1E+,6', { features: [numeric('a'), numeric('b'), numeric('c'), numeric('d')] }).records).toEqual([[undefined, 5, undefined, 6]]);
  });

  it('a negative number after a comma', () => {
    expect(parse('-1,-.5,-2e1')).toEqual({ records: [[-1, -0.5, -20]], predictions: [], malformed: {} });
  });
});

describe('numericText', () => {
  // numericText(t) is numericCell(t) ?? NaN, with Number() as a shortcut for texts that open
  // like a decimal number; Number() reads more forms (hex, binary, octal, blanks as 0), which the
  // shortcut must leave to numericCell.
  it.each([
    ['radix prefixes', ['0x1F', '0X1F', '0xz', '0b1', '0B1', '0o7', '0O7', '0x', '00x1', '10x1', '0.5', '0', '0e5', '0a']],
    ['blanks, which Number() reads as 0', ['', ' ', '\t', '\n', '\r\n', '\u00a0', '\ufeff', '\u2028', '\u3000']],
    ['radix prefixes after blanks, which Number() reads', [' 0x10', '\t0b1', '\u00a00x10', '\ufeff0o7', '\u30000x1']],
    ['names', ['Infinity', '+Infinity', '-Infinity', 'NaN', 'infinity']],
    ['signs and dots alone', ['-', '+', '.', '-.', '+.e1', '-0', '+0']],
    ['decimal forms', ['1', '-1.5', '+.5', '5.', '1e3', '1e400', '-1e400', '1e-400', ' 7', '7 ', '\t8\n', '1_0', '12abc', 'e5', '9.', '9e9']],
  ])('agrees with numericCell on %s', (_name, texts) => {
    expect(texts.map((text) => [text, numericText(text)])).toEqual(texts.map((text) => [text, numericCell(text) ?? NaN]));
  });

  it('agrees with numericCell over a generated table', () => {
    const texts = numberTexts(686, 4000);
    expect(texts.map((text) => [text, numericText(text)])).toEqual(texts.map((text) => [text, numericCell(text) ?? NaN]));
  });
});

/** A sink that keeps copies of what it is handed (the decoder reuses its arrays), shaped as parseCaptureLine's result. */
function recorder(features: Features) {
  const records: (number | string | undefined)[][] = [];
  const malformed: Partial<Record<MalformedReason, number>> = {};
  const sink: CaptureSink = {
    addRecord: (numbers, labels) => records.push(features.features.map((feature, i) => (feature.kind === 'numeric' ? (Number.isNaN(numbers[i]) ? undefined : numbers[i]) : labels[i]))),
    addPrediction: () => undefined,
    addMalformed: (reason) => {
      malformed[reason] = (malformed[reason] ?? 0) + 1;
    },
  };
  return { sink, result: { records, predictions: [], malformed } };
}

describe('a reused decoder', () => {
  // One decoder reads a whole capture file through one scratch buffer: what a longer payload
  // left past the end of a shorter one must never be read as part of it. The expected values
  // come from the reference reader, not from a fresh decoder, whose new buffer may hold the
  // same leftover bytes.
  const decodeAll = (features: Features, payloads: readonly string[]) => {
    const decoder = new CaptureDecoder(features);
    return payloads.map((payload) => {
      const { sink, result } = recorder(features);
      decoder.decode(captureLine(payload), sink);
      return [payload, result];
    });
  };
  const reference = (features: Features, payloads: readonly string[]) => payloads.map((payload) => [payload, expected(payload, features)]);

  it.each([
    ['an exponent letter after a number', ONE, ['11e5', '11']],
    ['an exponent digit after an exponent', ONE, ['1e55', '1e5']],
    ['an exponent sign after an exponent letter', ONE, ['1e-5', '1e']],
    ['an exponent digit after an exponent letter', ONE, ['1e5', '1e']],
    ['an exponent digit after an exponent sign', ONE, ['1e-5', '1e-']],
    ['fraction digits after a trailing dot', ONE, ['1.55', '1.']],
    ['a digit after an empty last cell', XYZ, ['1,2,35', '1,2,']],
    ['a sign after an empty last cell', XYZ, ['1,2,-5', '1,2,']],
    ['a dot after an integer', ONE, ['1.5', '1']],
    ['a comma after the last cell', ONE, ['11,2', '11']],
    ['an LF after the last cell', ONE, ['11\n2', '11']],
    ['a digit after a number read by numericCell', ONE, [' 77', ' 7']],
    ['a letter after a label', LABEL, ['abc', 'ab']],
    ['a quote after a closing quote', LABEL, ['"ab""', '"ab"']],
    ['a byte after an unclosed quote', LABEL, ['"abcd', '"abc']],
    ['a quote after an empty last cell', { features: [categorical('a'), categorical('b')] }, ['a,"b"', 'a,']],
    ['an LF after a CR that ends the payload', ONE, ['1\r\n', '1\r']],
    ['a CR after the last byte', LABEL, ['ab\r', 'ab']],
  ])('reads a payload as the reference does after one that left %s', (_name, features, payloads) => {
    expect(decodeAll(features, payloads)).toEqual(reference(features, payloads));
  });

  it('reads generated payloads one after another as the reference reads each', () => {
    const random = mulberry32(1115);
    const cells = ['', '1', '11', '-5', '1e5', '1e-5', '1.5', ' 7 ', '"q"', '"a""b"', '"open', 'gold', '\r'];
    const payloads = Array.from({ length: 300 }, () => {
      let payload = '';
      const pieces = 1 + Math.floor(random() * 6);
      for (let p = 0; p < pieces; p += 1) payload += pick(random, cells) + pick(random, [',', ',', '\n', '\r\n', '']);
      return payload;
    });
    for (const features of [MIXED, ONE, LABEL]) expect(decodeAll(features, payloads)).toEqual(reference(features, payloads));
  });

  it('hands over labels with one entry per feature, even after a record with extra cells', () => {
    const features: Features = { features: [numeric('tenure'), categorical('plan')] };
    const { sink, result } = recorder(features);
    const lengths: number[] = [];
    // The extra cells sit right past the last feature, one quoted and one not.
    new CaptureDecoder(features).decode(captureLine('1,gold,"quoted extra"\n3,plus,extra\n2,basic'), {
      ...sink,
      addRecord: (numbers, labels) => {
        lengths.push(labels.length);
        sink.addRecord(numbers, labels);
      },
    });
    expect({ lengths, result }).toEqual({ lengths: [2], result: { records: [[2, 'basic']], predictions: [], malformed: { 'wrong-column-count': 2 } } });
  });
});
