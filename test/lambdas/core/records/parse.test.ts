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
    const text = '{"a":1,"b":"x"}\n\nnot json\n[1,2]\n"text"\n{"a":2}\n';
    expect(await collect(parseJsonLines(linesOf(text), stats))).toEqual([{ a: 1, b: 'x' }, { a: 2 }]);
    expect(stats).toMatchObject({ lines: 6, records: 2, malformed: 3 });
    expect(stats.examples.map((e) => [e.line, e.reason])).toEqual([
      [3, 'not JSON'],
      [4, 'not a JSON object'],
      [5, 'not a JSON object'],
    ]);
  });
});

describe('parseRecords', () => {
  it.each([
    ['\n\n{"a":1}\n{"a":2}', [{ a: 1 }, { a: 2 }]],
    ['a\n1\n2', [{ a: '1' }, { a: '2' }]],
    ['', []],
  ])('sniffs the format of %j from the first non-blank line', async (text, records) => {
    const stats: ParseStats = newParseStats();
    expect(await collect(parseRecords(linesOf(text), stats))).toEqual(records);
    expect(stats.lines).toBe(text === '' ? 0 : text.split('\n').length);
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
  ])('%s → %s', (key, format) => {
    expect(formatOfKey(key)).toBe(format);
  });
});
