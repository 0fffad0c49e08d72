import { defineConfig } from 'vitest/config';

// The mutation run's test selection: the pure core's mirror tests only. No global setup, since
// those tests touch no DynamoDB Local or s3rver; the *.local.test.ts files that do are left out,
// and so are the *.scale.test.ts benchmarks, which would run for seconds under every mutant.
export default defineConfig({
  test: {
    include: ['test/lambdas/core/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/lambdas/core/**/*.local.test.ts', 'test/lambdas/core/**/*.scale.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
  },
});
