/**
 * Scores a Stryker JSON report (mutation-testing-report-schema) per file, with the mutants
 * listed as equivalent taken out of the count. Pure: the report and the list come in as data.
 */

/** The mutant fields of Stryker's JSON report that the score needs. */
export interface ReportMutant {
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly location: { readonly start: Position; readonly end: Position };
}

/** 1-based line and column, as in Stryker's report. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface MutationReport {
  readonly files: Readonly<Record<string, { readonly source: string; readonly mutants: readonly ReportMutant[] }>>;
}

/**
 * A mutant that no test can kill because the program behaves the same with it. Located by its
 * code, not its line, so the entry survives edits elsewhere in the file.
 */
export interface EquivalentMutant {
  /** Repo-relative path of the mutated file. */
  readonly file: string;
  /** Stryker's mutator name, e.g. `ConditionalExpression`. */
  readonly mutator: string;
  /** The source text the mutant replaces (whitespace is not significant). */
  readonly original: string;
  /** The text Stryker puts in its place (whitespace is not significant). */
  readonly replacement: string;
  /**
   * Text of the mutant's line(s) around it, when the original alone occurs more than once in
   * the file and only some of those mutants are equivalent. @default any occurrence matches
   */
  readonly within?: string;
  /** Why no behaviour a user could observe changes. */
  readonly reason: string;
}

export interface FileScore {
  readonly file: string;
  readonly killed: number;
  readonly timeout: number;
  readonly survived: number;
  readonly noCoverage: number;
  /** Survived or no-coverage mutants that are listed as equivalent. */
  readonly equivalent: number;
  /** Stryker's score: detected / (detected + undetected), in percent; undefined without mutants. */
  readonly raw: number | undefined;
  /** The same with listed equivalents taken out of the undetected; the thresholds apply to it. */
  readonly score: number | undefined;
}

/** An undetected mutant that is not in the list: a test is missing, or an entry is. */
export interface Miss {
  readonly file: string;
  readonly line: number;
  readonly mutator: string;
  readonly original: string;
  readonly replacement: string;
  readonly status: string;
}

export interface Scores {
  readonly files: readonly FileScore[];
  readonly total: FileScore;
  readonly misses: readonly Miss[];
  /** Entries of the list that match no undetected mutant of a file in the report (killed since, or the code moved). */
  readonly stale: readonly EquivalentMutant[];
}

const UNDETECTED = new Set(['Survived', 'NoCoverage']);

const squash = (code: string): string => code.replace(/\s+/g, ' ').trim();

/** The source text between two 1-based positions. */
export function sourceAt(source: string, start: Position, end: Position): string {
  const lines = source.split('\n');
  const offset = (p: Position) => lines.slice(0, p.line - 1).reduce((sum, line) => sum + line.length + 1, 0) + p.column - 1;
  return source.slice(offset(start), offset(end));
}

function percent(detected: number, undetected: number): number | undefined {
  const all = detected + undetected;
  return all === 0 ? undefined : (100 * detected) / all;
}

function fileScore(file: string, counts: Omit<FileScore, 'file' | 'raw' | 'score'>): FileScore {
  const detected = counts.killed + counts.timeout;
  const undetected = counts.survived + counts.noCoverage;
  return { file, ...counts, raw: percent(detected, undetected), score: percent(detected, undetected - counts.equivalent) };
}

export function score(report: MutationReport, equivalents: readonly EquivalentMutant[]): Scores {
  const used = new Set<EquivalentMutant>();
  const misses: Miss[] = [];
  const files = Object.entries(report.files)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, { source, mutants }]) => {
      const count = (status: string) => mutants.filter((m) => m.status === status).length;
      let equivalent = 0;
      for (const mutant of mutants.filter((m) => UNDETECTED.has(m.status))) {
        const original = sourceAt(source, mutant.location.start, mutant.location.end);
        const replacement = mutant.replacement ?? '';
        const lines = squash(source.split('\n').slice(mutant.location.start.line - 1, mutant.location.end.line).join('\n'));
        const entry = equivalents.find(
          (e) =>
            e.file === file &&
            e.mutator === mutant.mutatorName &&
            squash(e.original) === squash(original) &&
            squash(e.replacement) === squash(replacement) &&
            (e.within === undefined || lines.includes(squash(e.within))),
        );
        if (entry === undefined) {
          misses.push({ file, line: mutant.location.start.line, mutator: mutant.mutatorName, original, replacement, status: mutant.status });
        } else {
          equivalent += 1;
          used.add(entry);
        }
      }
      return fileScore(file, { killed: count('Killed'), timeout: count('Timeout'), survived: count('Survived'), noCoverage: count('NoCoverage'), equivalent });
    });
  const sum = (key: 'killed' | 'timeout' | 'survived' | 'noCoverage' | 'equivalent') => files.reduce((total, f) => total + f[key], 0);
  const total = fileScore('All files', { killed: sum('killed'), timeout: sum('timeout'), survived: sum('survived'), noCoverage: sum('noCoverage'), equivalent: sum('equivalent') });
  const stale = equivalents.filter((e) => e.file in report.files && !used.has(e));
  return { files, total, misses, stale };
}
