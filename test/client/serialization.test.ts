import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../client/errors';
import { parseCsv, parseResponse, serializeRequest, type ContentType, type FeatureRecord, type JsonValue } from '../../client/serialization';

const NAMES = ['age', 'plan', 'active'];

describe('serializeRequest', () => {
  const cases: { name: string; type: ContentType; rows: FeatureRecord[]; names?: string[]; expected: string }[] = [
    {
      name: 'CSV: one line per row, model order, no header, no trailing newline',
      type: 'text/csv',
      rows: [
        { plan: 'basic', age: 31, active: true },
        { active: false, age: 45.5, plan: 'pro' },
      ],
      names: NAMES,
      expected: '31,basic,1\n45.5,pro,0',
    },
    {
      name: 'CSV: features outside the model are left out',
      type: 'text/csv',
      rows: [{ age: 1, plan: 'x', active: true, extra: 'ignored' }],
      names: NAMES,
      expected: '1,x,1',
    },
    {
      name: 'CSV: negative, exponent and empty string values',
      type: 'text/csv',
      rows: [{ a: -0.25, b: 1e21, c: '' }],
      names: ['a', 'b', 'c'],
      expected: '-0.25,1e+21,',
    },
    {
      name: 'JSON: instances in model order, booleans kept',
      type: 'application/json',
      rows: [{ plan: 'basic', age: 31, active: true, extra: 1 }],
      names: NAMES,
      expected: '{"instances":[{"age":31,"plan":"basic","active":true}]}',
    },
    {
      name: 'JSON: strings CSV cannot carry are fine',
      type: 'application/json',
      rows: [{ note: 'a,b "c"\nd' }],
      names: ['note'],
      expected: '{"instances":[{"note":"a,b \\"c\\"\\nd"}]}',
    },
    {
      name: 'JSON without feature names: records sent as given',
      type: 'application/json',
      rows: [{ x: 1 }, { y: 'two' }],
      expected: '{"instances":[{"x":1},{"y":"two"}]}',
    },
  ];
  it.each(cases)('$name', ({ type, rows, names, expected }) => {
    expect(serializeRequest(type, rows, { featureNames: names })).toBe(expected);
  });

  const invalid: { name: string; type: ContentType; rows: unknown[]; names?: string[]; message: RegExp }[] = [
    { name: 'missing feature', type: 'text/csv', rows: [{ age: 1, plan: 'x' }], names: NAMES, message: /features\[0\], feature "active": value is missing/ },
    { name: 'null value', type: 'application/json', rows: [{ age: null, plan: 'x', active: true }], names: NAMES, message: /feature "age": value is missing/ },
    { name: 'NaN', type: 'text/csv', rows: [{ a: Number.NaN }], names: ['a'], message: /NaN is not a finite number/ },
    { name: 'Infinity', type: 'application/json', rows: [{ a: Infinity }], names: ['a'], message: /Infinity is not a finite number/ },
    { name: 'object value', type: 'application/json', rows: [{ a: { nested: 1 } }], names: ['a'], message: /expected a number, string or boolean, got object/ },
    { name: 'array value', type: 'text/csv', rows: [{ a: [1, 2] }], names: ['a'], message: /got an array/ },
    { name: 'CSV string with comma', type: 'text/csv', rows: [{ a: 'x,y' }], names: ['a'], message: /comma, quote or line break/ },
    { name: 'CSV string with newline', type: 'text/csv', rows: [{ a: 'x\ny' }], names: ['a'], message: /comma, quote or line break/ },
    { name: 'CSV string with quote', type: 'text/csv', rows: [{ a: 'say "hi"' }], names: ['a'], message: /comma, quote or line break/ },
    { name: 'CSV without feature names', type: 'text/csv', rows: [{ a: 1 }], message: /feature names/ },
    { name: 'record that is not an object', type: 'application/json', rows: [[1, 2]], message: /must be an object/ },
    { name: 'empty record without feature names', type: 'application/json', rows: [{}], message: /has no features/ },
    { name: 'second row is named', type: 'text/csv', rows: [{ a: 1 }, { a: 'b,c' }], names: ['a'], message: /^features\[1\], feature "a"/ },
  ];
  it.each(invalid)('throws InvalidInputError on $name', ({ type, rows, names, message }) => {
    const call = () => serializeRequest(type, rows as FeatureRecord[], { featureNames: names });
    expect(call).toThrow(InvalidInputError);
    expect(call).toThrow(message);
  });

  it('names rows by their labels', () => {
    expect(() => serializeRequest('text/csv', [{ a: Number.NaN }], { featureNames: ['a'], rowLabels: ['entity "u-1"'] })).toThrow(
      /^entity "u-1", feature "a"/,
    );
  });
});

describe('parseResponse', () => {
  const cases: { name: string; body: string; type: string; expected: JsonValue }[] = [
    { name: 'CSV: one number', body: '0.73', type: 'text/csv', expected: [[0.73]] },
    { name: 'CSV: a line per row, trailing newline', body: '0.1\n0.9\n', type: 'text/csv', expected: [[0.1], [0.9]] },
    { name: 'CSV: several columns, CRLF', body: '1,0.2,0.8\r\n0,0.9,0.1', type: 'text/csv; charset=utf-8', expected: [[1, 0.2, 0.8], [0, 0.9, 0.1]] },
    { name: 'CSV: non-numeric cells stay strings', body: 'churn, 0.9 ,NaN,1e-3', type: 'text/csv', expected: [['churn', 0.9, 'NaN', 0.001]] },
    { name: 'CSV: quoted cells', body: '"a,b","say ""hi""",3\n" 7 "', type: 'text/csv', expected: [['a,b', 'say "hi"', 3], [' 7 ']] },
    { name: 'CSV: blank lines skipped, empty cells kept', body: '\n1,,2\n\n', type: 'text/csv', expected: [[1, '', 2]] },
    { name: 'CSV: empty body', body: '', type: 'text/csv', expected: [] },
    { name: 'JSON: predictions field', body: '{"predictions":[{"score":0.4}],"model":"x"}', type: 'application/json', expected: [{ score: 0.4 }] },
    { name: 'JSON: body without predictions', body: '{"scores":[0.4]}', type: 'application/json', expected: { scores: [0.4] } },
    { name: 'JSON: bare array', body: '[0.4,0.6]', type: 'application/json; charset=utf-8', expected: [0.4, 0.6] },
    { name: 'JSON Lines', body: '{"predictions":1}\n{"score":2}\n', type: 'application/jsonlines', expected: [1, { score: 2 }] },
  ];
  it.each(cases)('$name', ({ body, type, expected }) => {
    expect(parseResponse(body, type)).toEqual(expected);
  });

  it('throws SyntaxError on invalid JSON', () => {
    expect(() => parseResponse('not json', 'application/json')).toThrow(SyntaxError);
  });

  it('parseCsv keeps line breaks inside quotes', () => {
    expect(parseCsv('"a\nb",1')).toEqual([['a\nb', 1]]);
  });
});
