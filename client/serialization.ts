/**
 * Request and response bodies for SageMaker endpoints (pure: no I/O, no SDK).
 */
import type { FeatureValue, ModelServingContract } from '../lib/contract';
import { InvalidInputError } from './errors';

/** The request content types a model can declare in its serving contract. */
export type ContentType = ModelServingContract['contentType'];

/** One instance to score: feature name → value. */
export type FeatureRecord = Readonly<Record<string, FeatureValue>>;

/** Any JSON value, as a prediction decoded from a response body. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A cell of a CSV response: a number when it parses as one, else the text. */
export type CsvCell = number | string;

export interface SerializeOptions {
  /** The model's features, in its order. Required for CSV; for JSON, when absent, each record is sent as given. */
  readonly featureNames?: readonly string[];
  /** How error messages name each row, e.g. its entity id. @default `features[<index>]` */
  readonly rowLabels?: readonly string[];
}

/**
 * The request body for `rows`: CSV is one line per row, values in feature order, no header
 * and no trailing newline; JSON is `{"instances":[{feature: value, ...}, ...]}`.
 * Throws InvalidInputError naming the row and feature of the first value it cannot send.
 */
export function serializeRequest(contentType: ContentType, rows: readonly FeatureRecord[], options: SerializeOptions = {}): string {
  const label = (i: number): string => options.rowLabels?.[i] ?? `features[${i}]`;
  const names = options.featureNames;
  if (contentType === 'text/csv') {
    if (names === undefined) throw new InvalidInputError('CSV needs the model\'s feature names to order the columns');
    return rows.map((row, i) => names.map((name) => csvValue(checkedValue(row, name, label(i), true))).join(',')).join('\n');
  }
  const instances = rows.map((row, i) => {
    const fields = names ?? ownFields(row, label(i));
    return Object.fromEntries(fields.map((name) => [name, checkedValue(row, name, label(i), false)]));
  });
  return JSON.stringify({ instances });
}

/**
 * Decodes a response body by its content type. JSON (and JSON Lines) bodies give their
 * `predictions` field when they have one, else the whole body; anything else is read as CSV,
 * one array of cells per non-blank line. Throws SyntaxError on invalid JSON.
 */
export function parseResponse(body: string, contentType: string): JsonValue {
  if (/jsonlines|x-ndjson/i.test(contentType)) {
    return body
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '')
      .map((line) => unwrapPredictions(JSON.parse(line) as JsonValue));
  }
  if (/json/i.test(contentType)) return unwrapPredictions(JSON.parse(body) as JsonValue);
  return parseCsv(body);
}

/** RFC 4180 CSV: quoted cells may hold commas, quotes ("") and line breaks; blank lines are skipped. */
export function parseCsv(text: string): CsvCell[][] {
  const rows: CsvCell[][] = [];
  let row: CsvCell[] = [];
  let cell = '';
  let inQuotes = false;
  let quoted = false;
  const endCell = (): void => {
    row.push(quoted ? cell : toCell(cell));
    cell = '';
    quoted = false;
  };
  const endRow = (): void => {
    const blank = row.length === 0 && !quoted && cell.trim() === '';
    if (!blank) {
      endCell();
      rows.push(row);
    }
    row = [];
    cell = '';
    quoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch !== '"') cell += ch;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else inQuotes = false;
    } else if (ch === '"' && cell.trim() === '' && !quoted) {
      inQuotes = true;
      quoted = true;
      cell = '';
    } else if (ch === ',') endCell();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else if (!quoted) cell += ch;
  }
  endRow();
  return rows;
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function toCell(raw: string): CsvCell {
  const text = raw.trim();
  return NUMBER.test(text) ? Number(text) : text;
}

function unwrapPredictions(value: JsonValue): JsonValue {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, 'predictions')) {
    return (value as { readonly [key: string]: JsonValue }).predictions;
  }
  return value;
}

function ownFields(row: FeatureRecord, label: string): string[] {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new InvalidInputError(`${label} must be an object of feature values`);
  const fields = Object.keys(row);
  if (fields.length === 0) throw new InvalidInputError(`${label} has no features`);
  return fields;
}

// CSV containers (XGBoost, scikit-learn) split on commas without honouring quotes, so a
// value that would need quoting cannot be sent safely.
const CSV_UNSAFE = /[",\r\n]/;

function checkedValue(row: FeatureRecord, name: string, label: string, csv: boolean): string | number | boolean {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new InvalidInputError(`${label} must be an object of feature values`);
  const where = `${label}, feature "${name}"`;
  const value: unknown = Object.hasOwn(row, name) ? row[name] : undefined;
  if (value === undefined || value === null) throw new InvalidInputError(`${where}: value is missing`);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidInputError(`${where}: ${value} is not a finite number`);
    return value;
  }
  if (typeof value === 'string') {
    if (csv && CSV_UNSAFE.test(value)) throw new InvalidInputError(`${where}: ${JSON.stringify(value)} holds a comma, quote or line break, which a CSV model cannot read`);
    return value;
  }
  if (typeof value === 'boolean') return value;
  throw new InvalidInputError(`${where}: expected a number, string or boolean, got ${Array.isArray(value) ? 'an array' : typeof value}`);
}

// CSV models read numbers only, so booleans travel as 1 and 0.
function csvValue(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}
