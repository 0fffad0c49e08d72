import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/setup.ts'],
    pool: 'forks',
    // vitest leaves one core idle by default; on a 2-core machine that halves the suite's speed.
    maxWorkers: 2,
    // For s3rver instances started inside a test worker: it encrypts
    // ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only has in
    // the legacy provider. The shared s3rver from global-setup runs in its own
    // child process with the same flag, since execArgv only reaches workers.
    execArgv: ['--openssl-legacy-provider'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
