/**
 * Decodes SageMaker data-capture lines into records of feature values and predictions.
 *
 * A capture file is JSON Lines; each line is one invocation:
 *   {"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"MSwyLDM=","encoding":"BASE64"},
 *                   "endpointOutput":{"observedContentType":"text/csv","mode":"OUTPUT","data":"0.5","encoding":"CSV"}},
 *    "eventMetadata":{"eventId":"…","inferenceTime":"2026-11-22T10:20:31Z"},"eventVersion":"0"}
 * `encoding` says how `data` is stored: CSV and JSON are the payload as text, BASE64 is the
 * payload's bytes, whose format the content type tells. A payload may hold a batch: several CSV
 * lines, or a JSON `instances` array; each of its records is one record here.
 *
 * The drift check reads millions of lines, so the hot path (a CSV payload, plain or base64)
 * allocates nothing per record: the payload is decoded into a reused byte buffer, cells are
 * split and their numbers parsed from the bytes, and a record is handed over in reused arrays.
 * A problem is counted by reason through the sink, never thrown.
 */
import { categoryCell, numericCell } from '../baseline/statistics';
import type { Baseline, BaselineFeature } from '../../../lib/contract';
import type { MalformedReason } from './types';

/** A time window, `from` inclusive, `to` exclusive. */
export interface CaptureWindow {
  readonly from: Date;
  readonly to: Date;
}

/** Where decoded records go. The arrays are reused from one call to the next: read, don't keep. */
export interface CaptureSink {
  /**
   * One record, in the baseline's feature order: `numbers[i]` for a numeric feature (NaN when
   * missing or not a number), `labels[i]` for a categorical one (undefined when missing).
   */
  addRecord(numbers: Float64Array, labels: readonly (string | undefined)[]): void;
  /** The prediction of one record: a number (NaN when missing) or a label (undefined when missing), by the baseline prediction's kind. */
  addPrediction(value: number | string | undefined): void;
  addMalformed(reason: MalformedReason): void;
}

type PayloadFormat = 'csv' | 'json' | 'jsonl';

const LF = 0x0a;
const CR = 0x0d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/** Powers of ten a double holds exactly: a mantissa below 2^53 times or over one of them is correctly rounded. */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** Integers up to this are exact doubles. */
const MAX_EXACT_MANTISSA = 2 ** 53;

const ABSENT = 0;
const READABLE = 1;
/** endpointOutput is there but without a string data or encoding. */
const UNREADABLE = 2;
type OutputState = typeof ABSENT | typeof READABLE | typeof UNREADABLE;

/** A JSON string without escapes or control characters: its text is its value. */
const PLAIN_STRING = String.raw`"([^"\\\x00-\x1f]*)"`;
const SKIPPED_STRING = String.raw`"[^"\\\x00-\x1f]*"`;
/**
 * A capture line exactly as SageMaker writes it: these keys in this order, no whitespace, string
 * values without escapes. Such a line parses to exactly these strings, so reading them off the
 * match gives what JSON.parse would, for a third of its cost (the drift check's largest cost
 * after the payload itself). Any other line, valid JSON or not, goes to JSON.parse.
 * Groups: input type, data, encoding; output type, data, encoding; inference time.
 */
const CAPTURE_LINE = new RegExp(
  [
    String.raw`^\{"captureData":\{"endpointInput":\{"observedContentType":${PLAIN_STRING},"mode":${SKIPPED_STRING},"data":${PLAIN_STRING},"encoding":${PLAIN_STRING}\}`,
    String.raw`(?:,"endpointOutput":\{"observedContentType":${PLAIN_STRING},"mode":${SKIPPED_STRING},"data":${PLAIN_STRING},"encoding":${PLAIN_STRING}\})?\}`,
    String.raw`,"eventMetadata":\{"eventId":${SKIPPED_STRING}(?:,"inferenceId":${SKIPPED_STRING})?,"inferenceTime":${PLAIN_STRING}\},"eventVersion":${SKIPPED_STRING}\}$`,
  ].join(''),
);

/** Decodes capture lines for one baseline's features; holds the reused buffers. */
export class CaptureDecoder {
  private readonly width: number;
  private readonly names: readonly string[];
  /** 1 for a numeric feature, 0 for a categorical one. */
  private readonly numericAt: Uint8Array;
  private readonly hasFeaturesColumn: boolean;
  private readonly predictionKind: BaselineFeature['kind'] | undefined;
  private readonly fromMs: number;
  private readonly toMs: number;
  private readonly numbers: Float64Array;
  private readonly labels: (string | undefined)[];
  private scratch = Buffer.allocUnsafe(16 * 1024);
  /** Per record of the current payload: 1 when it was used, so predictions line up with records. */
  private used = new Uint8Array(64);
  private rows = 0;
  // The current line's fields, reused from line to line.
  private inType = '';
  private inData: string | undefined;
  private inEncoding = '';
  private output: OutputState = ABSENT;
  private outType = '';
  private outData = '';
  private outEncoding = '';
  private time: string | undefined;

  constructor(baseline: Pick<Baseline, 'features' | 'prediction'>, window?: CaptureWindow) {
    this.width = baseline.features.length;
    this.names = baseline.features.map((feature) => feature.name);
    this.numericAt = Uint8Array.from(baseline.features, (feature) => (feature.kind === 'numeric' ? 1 : 0));
    this.hasFeaturesColumn = this.names.includes('features');
    this.predictionKind = baseline.prediction?.kind;
    this.fromMs = window ? window.from.getTime() : -Infinity;
    this.toMs = window ? window.to.getTime() : Infinity;
    this.numbers = new Float64Array(this.width);
    this.labels = new Array<string | undefined>(this.width).fill(undefined);
  }

  /** One capture line: its records and predictions go to the sink, and so do its problems. */
  decode(line: string, sink: CaptureSink): void {
    if (!this.readFields(line, sink)) return;
    if (this.fromMs !== -Infinity || this.toMs !== Infinity) {
      const ms = this.time === undefined ? NaN : isoMillis(this.time);
      if (Number.isNaN(ms)) {
        sink.addMalformed('missing-field');
        return;
      }
      if (ms < this.fromMs || ms >= this.toMs) return;
    }
    if (this.inData === undefined) {
      sink.addMalformed('missing-field');
      return;
    }
    this.rows = 0;
    if (!this.decodeInput(this.inData, this.inEncoding, this.inType, sink)) return;
    // Without a prediction baseline there is nothing to compare the output with.
    if (this.predictionKind === undefined || this.output === ABSENT) return;
    if (this.output === UNREADABLE) sink.addMalformed('prediction-mismatch');
    else this.decodeOutput(this.outData, this.outEncoding, this.outType, sink);
  }

  /**
   * Reads the fields of a line into this decoder: by CAPTURE_LINE when the line has SageMaker's
   * exact layout, else by JSON.parse. false when the line is no JSON object (counted).
   */
  private readFields(line: string, sink: CaptureSink): boolean {
    const match = CAPTURE_LINE.exec(line);
    if (match !== null) {
      this.inType = match[1]!;
      this.inData = match[2]!;
      this.inEncoding = match[3]!;
      this.output = match[6] === undefined ? ABSENT : READABLE;
      this.outType = match[4] ?? '';
      this.outData = match[5] ?? '';
      this.outEncoding = match[6] ?? '';
      this.time = match[7]!;
      return true;
    }
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      // A blank line (a file's trailing newline) is no record, not a malformed one.
      if (line.trim() !== '') sink.addMalformed('not-json');
      return false;
    }
    if (!isObject(event)) {
      sink.addMalformed('not-json');
      return false;
    }
    const time = isObject(event.eventMetadata) ? event.eventMetadata.inferenceTime : undefined;
    this.time = typeof time === 'string' ? time : undefined;
    const capture = isObject(event.captureData) ? event.captureData : {};
    const input = capture.endpointInput;
    const valid = isObject(input) && typeof input.data === 'string' && typeof input.encoding === 'string' && typeof input.observedContentType === 'string';
    this.inData = valid ? (input.data as string) : undefined;
    this.inEncoding = valid ? (input.encoding as string) : '';
    this.inType = valid ? (input.observedContentType as string) : '';
    const output = capture.endpointOutput;
    if (output === undefined) this.output = ABSENT;
    else if (isObject(output) && typeof output.data === 'string' && typeof output.encoding === 'string') {
      this.output = READABLE;
      this.outData = output.data;
      this.outEncoding = output.encoding;
      this.outType = typeof output.observedContentType === 'string' ? output.observedContentType : '';
    } else this.output = UNREADABLE;
    return true;
  }

  /** false when the payload as a whole was malformed (counted). */
  private decodeInput(data: string, encoding: string, contentType: string, sink: CaptureSink): boolean {
    switch (normalEncoding(encoding)) {
      case 'CSV':
        this.csv(this.utf8(data), sink);
        return true;
      case 'JSON':
        return this.json(data, payloadFormat(contentType) === 'jsonl' ? 'jsonl' : 'json', sink);
      case 'BASE64': {
        const format = payloadFormat(contentType);
        if (format === undefined) {
          sink.addMalformed('unsupported-content-type');
          return false;
        }
        const length = this.base64(data);
        if (length < 0) {
          sink.addMalformed('bad-base64');
          return false;
        }
        if (format === 'csv') {
          this.csv(length, sink);
          return true;
        }
        return this.json(this.scratch.toString('utf8', 0, length), format, sink);
      }
      default:
        sink.addMalformed('unknown-encoding');
        return false;
    }
  }

  /** Writes text into the scratch buffer as UTF-8; returns its byte length. */
  private utf8(text: string): number {
    this.reserve(text.length * 3);
    return this.scratch.write(text, 0, 'utf8');
  }

  /**
   * Decodes base64 into the scratch buffer; returns its byte length, or -1 when it is not base64.
   * Node's decoder skips or stops at characters outside the alphabet instead of failing, so
   * each one shows as fewer bytes than the text's length promises.
   */
  private base64(text: string): number {
    let end = text.length;
    if (end % 4 === 1) return -1;
    if (end > 0 && text.charCodeAt(end - 1) === 0x3d) end -= 1;
    if (end > 0 && text.charCodeAt(end - 1) === 0x3d) end -= 1;
    const expected = Math.floor((end * 3) / 4);
    this.reserve(expected + 3);
    try {
      return this.scratch.write(text, 0, 'base64') === expected ? expected : -1;
    } catch {
      return -1;
    }
  }

  private reserve(bytes: number): void {
    if (this.scratch.length < bytes) this.scratch = Buffer.allocUnsafe(Math.max(bytes, this.scratch.length * 2));
  }

  /**
   * The CSV payload in scratch[0, end): one record per line, no header, RFC 4180 quotes. A
   * numeric cell's number is parsed in the same pass that finds its end.
   */
  private csv(end: number, sink: CaptureSink): void {
    const buf = this.scratch;
    const width = this.width;
    const numericAt = this.numericAt;
    const numbers = this.numbers;
    let pos = 0;
    while (pos < end) {
      const first = buf[pos]!;
      if (first === LF) {
        pos += 1;
        continue;
      }
      if (first === CR && (pos + 1 === end || buf[pos + 1] === LF)) {
        pos += 2;
        continue;
      }
      let column = 0;
      for (;;) {
        let next: number;
        if (pos < end && buf[pos] === QUOTE) {
          next = this.quotedCell(buf, pos, end, column);
        } else if (column < width && numericAt[column] === 1) {
          const value = plainNumber(buf, pos, end);
          if (value === value) {
            numbers[column] = value;
            next = cursor;
          } else {
            next = separator(buf, cursor, end);
            const cellEnd = withoutCr(buf, pos, next, end);
            numbers[column] = cellEnd === pos ? NaN : numericText(buf.toString('utf8', pos, cellEnd));
          }
        } else {
          next = separator(buf, pos, end);
          const cellEnd = withoutCr(buf, pos, next, end);
          if (column < width) this.labels[column] = cellEnd === pos ? undefined : categoryCell(buf.toString('utf8', pos, cellEnd));
        }
        column += 1;
        if (next < end && buf[next] === COMMA) {
          pos = next + 1;
          continue;
        }
        pos = next < end ? next + 1 : end;
        break;
      }
      this.endRecord(column === width, sink);
    }
  }

  /**
   * A cell that opens with a quote: `""` is a quote, and the cell may span lines. Text after the
   * closing quote up to the next separator is kept, as lenient readers do. Returns the position
   * of the separator (or end).
   */
  private quotedCell(buf: Buffer, start: number, end: number, column: number): number {
    const parts: string[] = [];
    let pos = start + 1;
    let from = pos;
    while (pos < end) {
      if (buf[pos] === QUOTE) {
        if (pos + 1 < end && buf[pos + 1] === QUOTE) {
          parts.push(buf.toString('utf8', from, pos + 1));
          pos += 2;
          from = pos;
          continue;
        }
        break;
      }
      pos += 1;
    }
    parts.push(buf.toString('utf8', from, pos));
    pos = Math.min(pos + 1, end);
    const stop = separator(buf, pos, end);
    const tail = withoutCr(buf, pos, stop, end);
    if (tail > pos) parts.push(buf.toString('utf8', pos, tail));
    if (column < this.width) this.setValue(column, parts.join(''));
    return stop;
  }

  /** A cell given as a JSON value or a string. */
  private setValue(column: number, cell: unknown): void {
    if (this.numericAt[column] === 1) this.numbers[column] = numericCell(cell) ?? NaN;
    else this.labels[column] = categoryCell(cell);
  }

  /** Hands the record over when it is whole; remembers whether it was, for the predictions. */
  private endRecord(whole: boolean, sink: CaptureSink): void {
    if (this.rows === this.used.length) {
      const grown = new Uint8Array(this.used.length * 2);
      grown.set(this.used);
      this.used = grown;
    }
    this.used[this.rows] = whole ? 1 : 0;
    this.rows += 1;
    if (whole) sink.addRecord(this.numbers, this.labels);
    else sink.addMalformed('wrong-column-count');
  }

  /** A JSON (or JSON Lines) payload; false when it holds no recognisable records (counted). */
  private json(text: string, format: 'json' | 'jsonl', sink: CaptureSink): boolean {
    const documents = format === 'json' ? [text] : text.split('\n').filter((line) => line.trim() !== '');
    const values: unknown[] = [];
    for (const document of documents) {
      try {
        values.push(JSON.parse(document));
      } catch {
        sink.addMalformed('bad-json-payload');
        return false;
      }
    }
    const records: unknown[] = [];
    for (const value of values) {
      const found = jsonRecords(value, this.hasFeaturesColumn);
      if (found === undefined) {
        sink.addMalformed('bad-json-payload');
        return false;
      }
      for (const record of found) records.push(record);
    }
    for (const record of records) this.jsonRecord(record, sink);
    return true;
  }

  /** One JSON record: an object maps by feature name, an array (or a lone value) by position. */
  private jsonRecord(record: unknown, sink: CaptureSink): void {
    const row = featuresArray(record, this.hasFeaturesColumn) ?? (isObject(record) ? undefined : [record]);
    if (row !== undefined) {
      const whole = row.length === this.width;
      if (whole) for (let i = 0; i < this.width; i += 1) this.setValue(i, row[i]);
      this.endRecord(whole, sink);
      return;
    }
    const object = record as Record<string, unknown>;
    for (let i = 0; i < this.width; i += 1) {
      const name = this.names[i]!;
      // hasOwn, so a feature named like an Object.prototype member never reads the prototype.
      this.setValue(i, Object.hasOwn(object, name) ? object[name] : undefined);
    }
    this.endRecord(true, sink);
  }

  /**
   * The output's predictions, one per record of the input. When they do not line up (or the
   * output cannot be read), none is used and 'prediction-mismatch' is counted: the features
   * still count.
   */
  private decodeOutput(data: string, encoding: string, contentType: string, sink: CaptureSink): void {
    // The common case, one record and one CSV value, without building arrays: only a value the general path would read as it is (no quotes to strip, no CR, not blank).
    if (this.rows === 1 && normalEncoding(encoding) === 'CSV' && data.indexOf(',') === -1 && data.indexOf('\n') === -1 && data.charCodeAt(0) !== QUOTE && data.charCodeAt(data.length - 1) !== CR && data.trim() !== '') {
      if (this.used[0] === 1) sink.addPrediction(this.predictionKind === 'numeric' ? numericText(data) : categoryCell(data));
      return;
    }
    const predictions = readPredictions(data, encoding, contentType, this.rows);
    if (predictions === undefined || predictions.length !== this.rows) {
      sink.addMalformed('prediction-mismatch');
      return;
    }
    for (let i = 0; i < predictions.length; i += 1) {
      if (this.used[i] !== 1) continue;
      const value = predictions[i];
      sink.addPrediction(this.predictionKind === 'numeric' ? (numericCell(value) ?? NaN) : categoryCell(value));
    }
  }
}

/**
 * A line decoded into plain arrays, for tests and for looking at one line by hand: records as
 * arrays in the baseline's feature order (undefined for a missing value), the predictions of the
 * records used, and the problems counted.
 */
export function parseCaptureLine(
  line: string,
  baseline: Pick<Baseline, 'features' | 'prediction'>,
  window?: CaptureWindow,
): { records: (number | string | undefined)[][]; predictions: (number | string | undefined)[]; malformed: Partial<Record<MalformedReason, number>> } {
  const kinds = baseline.features.map((feature) => feature.kind);
  const records: (number | string | undefined)[][] = [];
  const predictions: (number | string | undefined)[] = [];
  const malformed: Partial<Record<MalformedReason, number>> = {};
  new CaptureDecoder(baseline, window).decode(line, {
    addRecord: (numbers, labels) => records.push(kinds.map((kind, i) => (kind === 'numeric' ? (Number.isNaN(numbers[i]) ? undefined : numbers[i]) : labels[i]))),
    addPrediction: (value) => predictions.push(typeof value === 'number' && Number.isNaN(value) ? undefined : value),
    addMalformed: (reason) => {
      malformed[reason] = (malformed[reason] ?? 0) + 1;
    },
  });
  return { records, predictions, malformed };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function normalEncoding(encoding: string): string {
  return encoding === 'CSV' || encoding === 'JSON' || encoding === 'BASE64' ? encoding : encoding.trim().toUpperCase();
}

/** The payload format a content type names (parameters such as `; charset=utf-8` aside), or undefined. */
export function payloadFormat(contentType: string): PayloadFormat | undefined {
  if (contentType === 'text/csv') return 'csv';
  if (contentType === 'application/json') return 'json';
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  const subtype = type.slice(type.indexOf('/') + 1);
  if (subtype.includes('csv')) return 'csv';
  if (subtype.includes('jsonlines') || subtype.includes('ndjson')) return 'jsonl';
  if (subtype === 'json' || subtype.endsWith('+json')) return 'json';
  return undefined;
}

/**
 * The records of a JSON payload: `{"instances":[…]}`, a bare array of records (or, when it
 * holds only plain values, one record), `{"features":[…]}`, or a single object. undefined when
 * the payload is none of these.
 */
function jsonRecords(value: unknown, hasFeaturesColumn: boolean): readonly unknown[] | undefined {
  if (Array.isArray(value)) return value.length > 0 && value.every(isPlain) ? [value] : value;
  if (!isObject(value)) return undefined;
  if (Object.hasOwn(value, 'instances')) return Array.isArray(value.instances) ? value.instances : undefined;
  return [featuresArray(value, hasFeaturesColumn) ?? value];
}

/** The row of a record given as an array or as `{"features":[…]}` (SageMaker's dense JSON format). */
function featuresArray(record: unknown, hasFeaturesColumn: boolean): readonly unknown[] | undefined {
  if (Array.isArray(record)) return record;
  if (!hasFeaturesColumn && isObject(record) && Array.isArray(record.features)) return record.features;
  return undefined;
}

function isPlain(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

/**
 * The output's predictions, or undefined when it cannot be read. CSV: one per line, the first
 * column (a multi-class output's label), or all on one line when there are as many as records
 * (a comma-joined batch). JSON: `{"predictions":[…]}`, an array, or one value; a prediction
 * object gives its `score`, `predicted_label`, `label` or `prediction`.
 */
function readPredictions(data: string, encoding: string, contentType: string, records: number): unknown[] | undefined {
  let format: PayloadFormat | undefined;
  let text = data;
  switch (normalEncoding(encoding)) {
    case 'CSV':
      format = 'csv';
      break;
    case 'JSON':
      format = payloadFormat(contentType) === 'jsonl' ? 'jsonl' : 'json';
      break;
    case 'BASE64':
      format = payloadFormat(contentType);
      text = Buffer.from(data, 'base64').toString('utf8');
      break;
    default:
      return undefined;
  }
  if (format === 'csv') return csvPredictions(text, records);
  if (format === 'json') {
    try {
      return jsonPredictions(JSON.parse(text));
    } catch {
      return undefined;
    }
  }
  if (format === 'jsonl') {
    try {
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .flatMap((line) => jsonPredictions(JSON.parse(line)));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function csvPredictions(text: string, records: number): string[] {
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line)).filter((line) => line.trim() !== '');
  const cells = (line: string): string[] => line.split(',').map((cell) => (cell.length >= 2 && cell.startsWith('"') && cell.endsWith('"') ? cell.slice(1, -1) : cell));
  if (lines.length === 1 && records > 1) {
    const row = cells(lines[0]!);
    if (row.length === records) return row;
  }
  return lines.map((line) => cells(line)[0]!);
}

function jsonPredictions(value: unknown): unknown[] {
  const list = Array.isArray(value) ? value : isObject(value) && Array.isArray(value.predictions) ? value.predictions : [value];
  return list.map(predictionValue);
}

function predictionValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 1 ? predictionValue(value[0]) : undefined;
  if (!isObject(value)) return value;
  for (const key of ['score', 'predicted_label', 'label', 'prediction']) if (Object.hasOwn(value, key)) return predictionValue(value[key]);
  return undefined;
}

/**
 * Milliseconds since the epoch of an ISO 8601 UTC time as SageMaker writes inferenceTime
 * (`2026-11-22T10:20:31Z`, or with a fraction of a second), read digit by digit: Date.parse
 * costs as much as a tenth of the whole line. Any other form, and days past the 28th (whose
 * validity depends on the month), go to Date.parse. NaN when it is no time.
 */
export function isoMillis(time: string): number {
  const n = time.length;
  if (n < 20 || time.charCodeAt(n - 1) !== 0x5a || time.charCodeAt(4) !== 0x2d || time.charCodeAt(7) !== 0x2d || time.charCodeAt(10) !== 0x54 || time.charCodeAt(13) !== 0x3a || time.charCodeAt(16) !== 0x3a) return Date.parse(time);
  const year = digits(time, 0, 4);
  const month = digits(time, 5, 2);
  const day = digits(time, 8, 2);
  const hour = digits(time, 11, 2);
  const minute = digits(time, 14, 2);
  const second = digits(time, 17, 2);
  let millis = 0;
  if (n > 20) {
    if (n === 21 || time.charCodeAt(19) !== DOT) return Date.parse(time);
    const fraction = digits(time, 20, n - 21);
    if (fraction < 0) return Date.parse(time);
    // The first three digits are the milliseconds; finer ones are dropped, as Date.parse does.
    millis = n - 21 >= 3 ? digits(time, 20, 3) : fraction * (n - 21 === 1 ? 100 : 10);
  }
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return Date.parse(time);
  return daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + millis;
}

/** The decimal number of `count` digits at `start`, or -1 when one is not a digit. */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i += 1) {
    const d = text.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Where `plainNumber` stopped. A module variable, so the hot loop gets two results without allocating. */
let cursor = 0;

/**
 * The number of a CSV cell starting at `start`, parsed from the bytes, when the cell has the
 * plain form `[+-]digits[.digits][(e|E)[+-]digits]` up to a separator (comma, newline or the
 * end), its digits fit below 2^53 and its power of ten lies within ±22: then one multiplication
 * or division of two exact doubles is correctly rounded (Clinger's fast path), so the value
 * equals `Number(text)` bit for bit and falls in the same bin as the training data's. Otherwise
 * NaN, and the caller reads the cell by `numericCell`'s rules. `cursor` is left where parsing
 * stopped: on the separator when the number was plain.
 */
function plainNumber(buf: Buffer, start: number, end: number): number {
  let i = start;
  let negative = false;
  let c = i < end ? buf[i]! : LF;
  if (c === MINUS || c === PLUS) {
    negative = c === MINUS;
    i += 1;
  }
  let mantissa = 0;
  let scale = 0;
  let digits = 0;
  for (; i < end; i += 1) {
    c = buf[i]!;
    if (c < ZERO || c > NINE) break;
    mantissa = mantissa * 10 + (c - ZERO);
    digits += 1;
  }
  if (i < end && buf[i] === DOT) {
    for (i += 1; i < end; i += 1) {
      c = buf[i]!;
      if (c < ZERO || c > NINE) break;
      mantissa = mantissa * 10 + (c - ZERO);
      scale -= 1;
      digits += 1;
    }
  }
  cursor = i;
  if (digits === 0) return NaN;
  if (i < end && (buf[i] === LOWER_E || buf[i] === UPPER_E)) {
    i += 1;
    let exponentNegative = false;
    if (i < end && (buf[i] === MINUS || buf[i] === PLUS)) {
      exponentNegative = buf[i] === MINUS;
      i += 1;
    }
    let exponent = 0;
    const exponentStart = i;
    for (; i < end && i - exponentStart < 4; i += 1) {
      c = buf[i]!;
      if (c < ZERO || c > NINE) break;
      exponent = exponent * 10 + (c - ZERO);
    }
    cursor = i;
    if (i === exponentStart) return NaN;
    scale += exponentNegative ? -exponent : exponent;
  }
  if (i < end && buf[i] !== COMMA && buf[i] !== LF) return NaN;
  // The mantissa only grows, so ending below 2^53 means every step was exact; 2^53 itself may be 2^53 + 1 rounded.
  if (mantissa >= MAX_EXACT_MANTISSA || scale < -22 || scale > 22) return NaN;
  const value = scale < 0 ? mantissa / EXACT_POWERS_OF_TEN[-scale]! : mantissa * EXACT_POWERS_OF_TEN[scale]!;
  return negative ? -value : value;
}

/** The position of the comma or newline that ends the cell at `pos`, or `end`. */
function separator(buf: Buffer, pos: number, end: number): number {
  let i = pos;
  while (i < end) {
    const c = buf[i]!;
    if (c === COMMA || c === LF) break;
    i += 1;
  }
  return i;
}

/** The end of the cell [start, stop) without the CR of a CRLF line ending. */
function withoutCr(buf: Buffer, start: number, stop: number, end: number): number {
  return stop > start && buf[stop - 1] === CR && (stop === end || buf[stop] === LF) ? stop - 1 : stop;
}

/**
 * A text's number by `numericCell`'s rules, NaN when it is none. When the text starts with a
 * digit (not `0x`, `0b`, `0o`), a sign or a dot, Number() accepts exactly the decimal forms that
 * numericCell's pattern does (an infinite result aside), and costs a fraction of the pattern.
 */
export function numericText(text: string): number {
  const first = text.charCodeAt(0);
  if ((first >= ZERO && first <= NINE && !(first === ZERO && isRadixLetter(text.charCodeAt(1)))) || first === MINUS || first === PLUS || first === DOT) {
    const value = Number(text);
    return Number.isFinite(value) ? value : NaN;
  }
  return numericCell(text) ?? NaN;
}

/** x, X, b, B, o, O: after a leading 0, Number() reads hexadecimal, binary or octal. */
function isRadixLetter(code: number): boolean {
  const lower = code | 0x20;
  return lower === 0x78 || lower === 0x62 || lower === 0x6f;
}
