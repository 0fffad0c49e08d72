// @ts-check
/**
 * Mutation testing of the pure core (`npm run mutation`, not part of `npm test`).
 * See docs/mutation-testing.md for the thresholds and the list of equivalent mutants.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  mutate: ['lambdas/core/**/*.ts'],
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.mts' },
  coverageAnalysis: 'perTest',
  // The machine's two cores; more workers only queue.
  concurrency: 2,
  incremental: false,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  // The sandbox is a copy of the project; build outputs and scratch space only slow that copy.
  ignorePatterns: ['cdk.out', 'cdk.out.*', 'scratch', 'bench/.data', 'coverage', '.vitest-tmp', '.scratch'],
  // tools/mutation/report.ts applies the thresholds, after listed equivalents are excluded.
  thresholds: { high: 90, low: 80, break: null },
  // A mutant that loops forever is detected either way; waiting long for it only stalls the run.
  timeoutMS: 3_000,
  cleanTempDir: 'always',
};
