import { describe, expect, it } from 'vitest';
import { formatOfKey, InvalidCsvHeaderError, linesOf, newParseStats, parseCsv, parseJsonLines, parseRecords, splitCsvRecord, type DataRecord, type ParseStats } from '../../../../lambdas/core/records/parse';

async function collect(records: AsyncIterable<DataRecord>): Promise<DataRecord[]> {
  const out: DataRecord[] = [];
  for await (const record of records) out.push({ ...record });
  return out;
}

describe('splitCsvRecord', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['a,,', ['a', '', '']],
    ['', ['']],
    ['"a,b",c', ['a,b', 'c']],
    ['"say ""hi""",x', ['say "hi"', 'x']],
    ['"",""', ['', '']],
    ['x,"y"', ['x', 'y']],
    ['12" pizza,3', ['12" pizza', '3']],
    ['"line one\nline two",3', ['line one\nline two', '3']],
    ['"open,', 'open'],
    ['"a"b,c', 'unexpected character after a closing quote at column 4'],
    [',"a"', ['', 'a']],
    ['"a",,"b"', ['a', '', 'b']],
  ])('%j → %j', (text, cells) => {
    expect(splitCsvRecord(text)).toEqual(cells);
  });
});

describe('parseCsv', () => {
  it('keys rows by the header, skips blank lines, and joins quoted fields across lines', async () => {
    const stats = newParseStats();
    const text = 'label,plan,note\n1,pro,"multi\nline"\n\n0,basic,plain\n';
    expect(await collect(parseCsv(linesOf(text), stats))).toEqual([
      { label: '1', plan: 'pro', note: 'multi\nline' },
      { label: '0', plan: 'basic', note: 'plain' },
    ]);
    expect(stats).toEqual({ lines: 5, records: 2, malformed: 0, examples: [] });
  });

  it('counts and skips rows with the wrong number of fields or bad quoting, naming the line', async () => {
    const stats = newParseStats();
    const text = ['a,b', '1,2', '1,2,3', '4', '"x"y,2', '5,6'].join('\n');
    expect(await collect(parseCsv(linesOf(text), stats, { source: 's3://b/k.csv' }))).toEqual([{ a: '1', b: '2' }, { a: '5', b: '6' }]);
    expect(stats).toEqual({
      lines: 6,
      records: 2,
      malformed: 3,
      examples: [
        { source: 's3://b/k.csv', line: 3, reason: '3 fields where the header has 2' },
        { source: 's3://b/k.csv', line: 4, reason: '1 fields where the header has 2' },
        { source: 's3://b/k.csv', line: 5, reason: 'unexpected character after a closing quote at column 4' },
      ],
    });
  });

  it('counts a quote left open at the end of the input as one malformed record', async () => {
    const stats = newParseStats();
    expect(await collect(parseCsv(linesOf('a,b\n1,2\n3,"never closed\n4,5\n'), stats))).toEqual([{ a: '1', b: '2' }]);
    expect(stats.malformed).toBe(1);
    expect(stats.examples[0]).toMatchObject({ line: 3, reason: 'unterminated quoted field at the end of the input' });
  });

  it('takes the column names from options when the data has no header row', async () => {
    expect(await collect(parseCsv(linesOf('0.1\n0.9\n'), newParseStats(), { columns: ['prediction'] }))).toEqual([{ prediction: '0.1' }, { prediction: '0.9' }]);
  });

  it('treats a column named __proto__ as data', async () => {
    const [record] = await collect(parseCsv(linesOf('__proto__,a\nx,1'), newParseStats()));
    expect(Object.getOwnPropertyNames(record)).toEqual(['__proto__', 'a']);
  });

  it('trims header names and throws InvalidCsvHeaderError for a repeated one', async () => {
    expect(await collect(parseCsv(linesOf(' a , b\n1,2'), newParseStats()))).toEqual([{ a: '1', b: '2' }]);
    await expect(collect(parseCsv(linesOf('a,b,a\n1,2,3'), newParseStats(), { source: 'x.csv' }))).rejects.toThrow(new InvalidCsvHeaderError('x.csv', 'column "a" appears twice'));
  });

  it('names the source "input" when none is given', async () => {
    const stats = newParseStats();
    await collect(parseCsv(linesOf('a,b\n1'), stats));
    expect(stats.examples).toEqual([{ source: 'input', line: 2, reason: '1 fields where the header has 2' }]);
  });

  it('says which header column repeats, in an error named InvalidCsvHeaderError', async () => {
    const error = await collect(parseCsv(linesOf('a,b,a\n1,2,3'), newParseStats(), { source: 'x.csv' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidCsvHeaderError);
    expect((error as Error).name).toBe('InvalidCsvHeaderError');
    expect((error as Error).message).toBe('x.csv: invalid CSV header: column "a" appears twice');
  });

  // A record of exactly 1 MiB may still close on the next line; one longer is a stray quote.
  it('joins an open quoted field up to 1 MiB, and drops a longer one as a stray quote without losing the next rows', async () => {
    const limit = 1024 * 1024;
    const atLimit = `1,"${'x'.repeat(limit - 3)}`;
    expect(atLimit).toHaveLength(limit);
    const joined = newParseStats();
    const kept = await collect(parseCsv(linesOf(`a,b\n${atLimit}\ny"\n`), joined));
    expect(kept).toEqual([{ a: '1', b: `${'x'.repeat(limit - 3)}\ny` }]);
    expect(joined.malformed).toBe(0);

    const overLimit = newParseStats();
    const rows = await collect(parseCsv(linesOf(`a,b\n${atLimit}x\n2,3\n`), overLimit));
    expect(rows).toEqual([{ a: '2', b: '3' }]);
    expect(overLimit).toEqual({ lines: 3, records: 1, malformed: 1, examples: [{ source: 'input', line: 2, reason: 'unterminated quoted field' }] });
  });

  it('keeps at most five examples but counts every malformed line', async () => {
    const stats = newParseStats();
    await collect(parseCsv(linesOf(['a,b', ...Array(12).fill('x')].join('\n')), stats));
    expect(stats.malformed).toBe(12);
    expect(stats.examples).toHaveLength(5);
  });
});

describe('parseJsonLines', () => {
  it('yields objects, counts and skips lines that are not JSON objects', async () => {
    const stats = newParseStats();
    const text = '{"a":1,"b":"x"}\n\nnot json\n[1,2]\n"text"\n{"a":2}\n  \nnull\n';
    expect(await collect(parseJsonLines(linesOf(text), stats))).toEqual([{ a: 1, b: 'x' }, { a: 2 }]);
    expect(stats).toMatchObject({ lines: 8, records: 2, malformed: 4 });
    expect(stats.examples.map((e) => [e.source, e.line, e.reason])).toEqual([
      ['input', 3, 'not JSON'],
      ['input', 4, 'not a JSON object'],
      ['input', 5, 'not a JSON object'],
      ['input', 8, 'not a JSON object'],
    ]);
  });
});

describe('parseRecords', () => {
  it.each([
    ['\n\n{"a":1}\n{"a":2}', [{ a: 1 }, { a: 2 }], 4],
    ['a\n1\n2', [{ a: '1' }, { a: '2' }], 3],
    ['', [], 0],
    ['\n \n', [], 2],
    [' \n{"a":1}', [{ a: 1 }], 2],
    ['  {"a":1}', [{ a: 1 }], 1],
  ])('sniffs the format of %j from the first non-blank line', async (text, records, lines) => {
    const stats: ParseStats = newParseStats();
    expect(await collect(parseRecords(linesOf(text), stats))).toEqual(records);
    expect(stats.lines).toBe(lines);
  });

  it('uses the given format', async () => {
    expect(await collect(parseRecords(linesOf('{"a":1}'), newParseStats(), { format: 'csv' }))).toEqual([]);
    expect(await collect(parseRecords(linesOf('a\n1'), newParseStats(), { format: 'jsonl' }))).toEqual([]);
  });

  it('streams: it asks for a line only when the consumer asks for a record', async () => {
    let pulled = 0;
    async function* lines(): AsyncGenerator<string> {
      yield 'a,b';
      for (let i = 0; i < 1_000_000; i += 1) {
        pulled += 1;
        yield `${i},${i}`;
      }
    }
    for await (const record of parseRecords(lines(), newParseStats())) {
      if (record.a === '2') break;
    }
    expect(pulled).toBe(3);
  });
});

describe('formatOfKey', () => {
  it.each([
    ['data/train.csv', 'csv'],
    ['data/train.CSV.gz', 'csv'],
    ['data/part-0.jsonl', 'jsonl'],
    ['data/part-0.ndjson.gz', 'jsonl'],
    ['data/part-0.json', 'jsonl'],
    ['data/part-0', undefined],
    // Only a trailing .gz is a compression suffix.
    ['backup.gz.csv.gz', 'csv'],
  ])('%s → %s', (key, format) => {
    expect(formatOfKey(key)).toBe(format);
  });
});
