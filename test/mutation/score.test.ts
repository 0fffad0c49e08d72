import { describe, expect, it } from 'vitest';
import { score, sourceAt, type EquivalentMutant, type MutationReport, type ReportMutant } from '../../tools/mutation/score';

const source = ['const a = x > 0;', 'const b = "n";', ''].join('\n');
const mutant = (status: string, mutatorName: string, line: number, start: number, end: number, replacement: string): ReportMutant => ({
  status,
  mutatorName,
  replacement,
  location: { start: { line, column: start }, end: { line, column: end } },
});
const report = (...mutants: ReportMutant[]): MutationReport => ({ files: { 'lambdas/core/x.ts': { source, mutants } } });
const listed: EquivalentMutant = { file: 'lambdas/core/x.ts', mutator: 'StringLiteral', original: '"n"', replacement: '""', reason: 'the value is never read' };

describe('sourceAt', () => {
  it('cuts the text between 1-based positions, across lines', () => {
    expect(sourceAt(source, { line: 1, column: 11 }, { line: 1, column: 16 })).toBe('x > 0');
    expect(sourceAt(source, { line: 1, column: 11 }, { line: 2, column: 6 })).toBe('x > 0;\nconst');
  });
});

describe('score', () => {
  it('counts detected over detected and undetected, and leaves listed equivalents out of the thresholded score', () => {
    const result = score(
      report(
        mutant('Killed', 'EqualityOperator', 1, 11, 16, 'x >= 0'),
        mutant('Timeout', 'ConditionalExpression', 1, 11, 16, 'true'),
        mutant('Killed', 'ConditionalExpression', 1, 11, 16, 'false'),
        mutant('Survived', 'StringLiteral', 2, 11, 14, '""'),
        mutant('CompileError', 'StringLiteral', 2, 11, 14, '"x"'),
      ),
      [listed],
    );
    expect(result.files).toEqual([{ file: 'lambdas/core/x.ts', killed: 2, timeout: 1, survived: 1, noCoverage: 0, equivalent: 1, raw: 75, score: 100 }]);
    expect(result.total).toMatchObject({ file: 'All files', raw: 75, score: 100 });
    expect(result.misses).toEqual([]);
    expect(result.stale).toEqual([]);
  });

  it('reports an undetected mutant that is not listed, with its line and code', () => {
    const result = score(report(mutant('NoCoverage', 'EqualityOperator', 1, 11, 16, 'x <= 0')), [listed]);
    expect(result.misses).toEqual([{ file: 'lambdas/core/x.ts', line: 1, mutator: 'EqualityOperator', original: 'x > 0', replacement: 'x <= 0', status: 'NoCoverage' }]);
    expect(result.files[0]).toMatchObject({ raw: 0, score: 0 });
  });

  it('matches on file, mutator, original and replacement, whatever the line and the spacing', () => {
    const moved = { files: { 'lambdas/core/x.ts': { source: `\n\n${source}`, mutants: [mutant('Survived', 'StringLiteral', 4, 11, 14, '""')] } } };
    expect(score(moved, [{ ...listed, original: ' "n" ' }]).misses).toEqual([]);
    expect(score(moved, [{ ...listed, mutator: 'Regex' }]).misses).toHaveLength(1);
    expect(score(moved, [{ ...listed, file: 'lambdas/core/y.ts' }]).misses).toHaveLength(1);
    expect(score(moved, [{ ...listed, replacement: '"Stryker was here!"' }]).misses).toHaveLength(1);
  });

  it('tells apart equal originals by the text of their line when the entry names it', () => {
    const twice = { files: { 'lambdas/core/x.ts': { source: 'const a = "n";\nconst b = "n";\n', mutants: [mutant('Survived', 'StringLiteral', 1, 11, 14, '""'), mutant('Survived', 'StringLiteral', 2, 11, 14, '""')] } } };
    expect(score(twice, [listed]).misses).toEqual([]);
    expect(score(twice, [{ ...listed, within: 'const b =' }]).misses).toEqual([{ file: 'lambdas/core/x.ts', line: 1, mutator: 'StringLiteral', original: '"n"', replacement: '""', status: 'Survived' }]);
  });

  it('calls an entry stale when its mutant is killed now, but not when its file was not mutated in this run', () => {
    const killed = report(mutant('Killed', 'StringLiteral', 2, 11, 14, '""'));
    expect(score(killed, [listed]).stale).toEqual([listed]);
    expect(score(killed, [{ ...listed, file: 'lambdas/core/other.ts' }]).stale).toEqual([]);
  });

  it('has no score for a file without mutants', () => {
    expect(score({ files: { 'lambdas/core/types.ts': { source: 'export type A = 1;', mutants: [] } } }, []).files[0]).toMatchObject({ raw: undefined, score: undefined });
  });
});
