/**
 * Turns lines of training data into records: CSV with a header row (RFC 4180 quoting, quoted
 * fields may span lines) or JSON Lines (one object per line). Lines are consumed one at a time
 * from any async iterable, so the source can be an S3 stream of any size. A line that cannot be
 * parsed is counted and skipped, never fatal: one bad row must not fail a training pipeline.
 */

export type DataFormat = 'csv' | 'jsonl';

/** A parsed row: column name → cell (CSV cells are strings, JSON Lines values are as parsed). */
export type DataRecord = Readonly<Record<string, unknown>>;

export interface MalformedLine {
  readonly source: string;
  readonly line: number;
  readonly reason: string;
}

/** Counters a parser updates as it goes; one object can be shared by several sources. */
export interface ParseStats {
  /** Physical lines read, blank ones included. */
  lines: number;
  records: number;
  malformed: number;
  /** The first few malformed lines, for the log. */
  readonly examples: MalformedLine[];
}

/** Thrown for a CSV header that cannot name records (a repeated column name). */
export class InvalidCsvHeaderError extends Error {
  constructor(readonly source: string, reason: string) {
    super(`${source}: invalid CSV header: ${reason}`);
    this.name = 'InvalidCsvHeaderError';
  }
}

const MAX_EXAMPLES = 5;
/** A quoted field left open this long is a stray quote, not a multi-line value. */
const MAX_RECORD_CHARS = 1024 * 1024;

export function newParseStats(): ParseStats {
  return { lines: 0, records: 0, malformed: 0, examples: [] };
}

/** The format a key's extension names, or undefined (the content decides). */
export function formatOfKey(key: string): DataFormat | undefined {
  const name = key.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson') || name.endsWith('.json')) return 'jsonl';
  return undefined;
}

export interface ParseOptions {
  /** Names the source in malformed-line reports. @default 'input' */
  readonly source?: string;
  /** @default the key's extension, else JSON Lines when the first non-blank line starts with `{`, else CSV */
  readonly format?: DataFormat;
  /** CSV only: the column names, when the data has no header row. */
  readonly columns?: readonly string[];
}

/** Records of CSV or JSON Lines, the format given or sniffed from the first non-blank line. */
export async function* parseRecords(lines: AsyncIterable<string>, stats: ParseStats, options: ParseOptions = {}): AsyncGenerator<DataRecord> {
  if (options.format === 'csv') return yield* parseCsv(lines, stats, options);
  if (options.format === 'jsonl') return yield* parseJsonLines(lines, stats, options);
  const iterator = lines[Symbol.asyncIterator]();
  const blanks: string[] = [];
  for (;;) {
    const next = await iterator.next();
    if (next.done === true) {
      stats.lines += blanks.length;
      return;
    }
    if (next.value.trim() === '') {
      blanks.push(next.value);
      continue;
    }
    const first = next.value;
    const replay: AsyncIterable<string> = {
      async *[Symbol.asyncIterator]() {
        yield* blanks;
        yield first;
        for (let rest = await iterator.next(); rest.done !== true; rest = await iterator.next()) yield rest.value;
      },
    };
    const format: DataFormat = first.trimStart().startsWith('{') ? 'jsonl' : 'csv';
    return yield* format === 'csv' ? parseCsv(replay, stats, options) : parseJsonLines(replay, stats, options);
  }
}

/** CSV records keyed by the header row (or `options.columns`). Blank lines are skipped. */
export async function* parseCsv(lines: AsyncIterable<string>, stats: ParseStats, options: Pick<ParseOptions, 'source' | 'columns'> = {}): AsyncGenerator<DataRecord> {
  const source = options.source ?? 'input';
  let columns = options.columns;
  let pending: string | undefined;
  let pendingStart = 0;
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    stats.lines += 1;
    const text = pending === undefined ? line : `${pending}\n${line}`;
    if (pending === undefined) {
      if (line.trim() === '') continue;
      pendingStart = lineNumber;
    }
    const cells = splitCsvRecord(text);
    if (cells === 'open') {
      // A quoted field holds a line break: the record continues on the next line.
      if (text.length > MAX_RECORD_CHARS) {
        malformed(stats, source, pendingStart, 'unterminated quoted field');
        pending = undefined;
      } else {
        pending = text;
      }
      continue;
    }
    pending = undefined;
    if (typeof cells === 'string') {
      malformed(stats, source, pendingStart, cells);
      continue;
    }
    if (columns === undefined) {
      columns = headerColumns(cells, source);
      continue;
    }
    if (cells.length !== columns.length) {
      malformed(stats, source, pendingStart, `${cells.length} fields where the header has ${columns.length}`);
      continue;
    }
    // No prototype: a column named "__proto__" is then just a column.
    const record = Object.create(null) as Record<string, string>;
    for (let i = 0; i < columns.length; i += 1) record[columns[i]!] = cells[i]!;
    stats.records += 1;
    yield record;
  }
  if (pending !== undefined) malformed(stats, source, pendingStart, 'unterminated quoted field at the end of the input');
}

/** JSON Lines records: each non-blank line must be a JSON object. */
export async function* parseJsonLines(lines: AsyncIterable<string>, stats: ParseStats, options: Pick<ParseOptions, 'source'> = {}): AsyncGenerator<DataRecord> {
  const source = options.source ?? 'input';
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    stats.lines += 1;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      malformed(stats, source, lineNumber, 'not JSON');
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      malformed(stats, source, lineNumber, 'not a JSON object');
      continue;
    }
    stats.records += 1;
    yield value as DataRecord;
  }
}

/**
 * The fields of one CSV record; `'open'` when a quoted field is still open at the end of the
 * text; a reason string when the text is not valid CSV.
 */
export function splitCsvRecord(text: string): string[] | 'open' | string {
  if (!text.includes('"')) return text.split(',');
  const cells: string[] = [];
  let at = 0;
  for (;;) {
    if (text[at] === '"') {
      let value = '';
      let from = at + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote < 0) return 'open';
        value += text.slice(from, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          from = quote + 2;
          continue;
        }
        at = quote + 1;
        break;
      }
      cells.push(value);
      if (at === text.length) return cells;
      if (text[at] !== ',') return `unexpected character after a closing quote at column ${at + 1}`;
      at += 1;
    } else {
      // An unquoted field runs to the next comma; a stray quote inside it is taken literally.
      const comma = text.indexOf(',', at);
      if (comma < 0) {
        cells.push(text.slice(at));
        return cells;
      }
      cells.push(text.slice(at, comma));
      at = comma + 1;
    }
  }
}

/** Splits an in-memory text into lines (LF or CRLF), as readline does for a stream. */
export async function* linesOf(text: string): AsyncGenerator<string> {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  yield* lines;
}

function headerColumns(cells: readonly string[], source: string): string[] {
  const columns = cells.map((cell) => cell.trim());
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column)) throw new InvalidCsvHeaderError(source, `column "${column}" appears twice`);
    seen.add(column);
  }
  return columns;
}

function malformed(stats: ParseStats, source: string, line: number, reason: string): void {
  stats.malformed += 1;
  if (stats.examples.length < MAX_EXAMPLES) stats.examples.push({ source, line, reason });
}
