/**
 * `npm run mutation`, after Stryker: prints the score per module and in total, and fails when
 * the total is under 90 %, a module is under 80 %, an undetected mutant is not listed as
 * equivalent, or a listed one no longer matches.
 *
 *   tsx tools/mutation/report.ts [report.json] [equivalent-mutants.json]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as z from 'zod/mini';
import { formatIssues } from '../../lambdas/core/input/issues';
import { score, type FileScore, type MutationReport } from './score';

export const TOTAL_THRESHOLD = 90;
export const MODULE_THRESHOLD = 80;

const equivalentsSchema = z.array(
  z.strictObject({
    file: z.string().check(z.minLength(1)),
    mutator: z.string().check(z.minLength(1)),
    original: z.string().check(z.minLength(1)),
    replacement: z.string(),
    within: z.optional(z.string().check(z.minLength(1))),
    // The reason is the point of the list: an entry without one is a silenced test gap.
    reason: z.string().check(z.minLength(20, 'must say why the mutant is equivalent')),
  }),
);

const pct = (value: number | undefined): string => (value === undefined ? 'n/a' : `${value.toFixed(2)} %`);

function table(rows: readonly FileScore[], total: FileScore): string {
  const header = ['module', 'score', 'raw', 'killed', 'timeout', 'survived', 'no cov', 'equivalent'];
  const line = (f: FileScore) => [f.file, pct(f.score), pct(f.raw), ...[f.killed, f.timeout, f.survived, f.noCoverage, f.equivalent].map(String)];
  const cells = [header, ...rows.map(line), line(total)];
  const widths = header.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  const render = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ');
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-');
  return [render(header), rule, ...rows.map((r) => render(line(r))), rule, render(line(total))].join('\n');
}

function main(reportPath: string, equivalentsPath: string): number {
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as MutationReport;
  const parsed = equivalentsSchema.safeParse(JSON.parse(readFileSync(equivalentsPath, 'utf8')));
  if (!parsed.success) {
    console.error(`${equivalentsPath}:\n  ${formatIssues(parsed.error.issues).join('\n  ')}`);
    return 1;
  }
  const { files, total, misses, stale } = score(report, parsed.data);
  console.log(table(files, total));
  console.log(
    `\n"score" leaves out the mutants listed in ${equivalentsPath}; "raw" is Stryker's own. ` +
      `The thresholds apply to "score": ${TOTAL_THRESHOLD} % in total, ${MODULE_THRESHOLD} % per module.`,
  );
  const failures: string[] = [];
  if (total.score !== undefined && total.score < TOTAL_THRESHOLD) failures.push(`total ${pct(total.score)} is under ${TOTAL_THRESHOLD} %`);
  for (const f of files) if (f.score !== undefined && f.score < MODULE_THRESHOLD) failures.push(`${f.file} ${pct(f.score)} is under ${MODULE_THRESHOLD} %`);
  for (const m of misses) {
    failures.push(`${m.status} mutant not listed as equivalent: ${m.file}:${m.line} ${m.mutator} ${JSON.stringify(m.original)} -> ${JSON.stringify(m.replacement)}`);
  }
  for (const e of stale) failures.push(`listed equivalent matches no surviving mutant (killed now, or the code changed): ${e.file} ${e.mutator} ${JSON.stringify(e.original)} -> ${JSON.stringify(e.replacement)}`);
  if (failures.length > 0) {
    console.error(`\nFAILED:\n  ${failures.join('\n  ')}`);
    return 1;
  }
  console.log('\nOK');
  return 0;
}

process.exitCode = main(resolve(process.argv[2] ?? 'reports/mutation/mutation.json'), resolve(process.argv[3] ?? 'test/mutation/equivalent-mutants.json'));
