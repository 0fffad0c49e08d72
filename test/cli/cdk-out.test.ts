import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthReason } from '../../cli/cdk-out';

describe('synthReason (when cdk.out is synthesized again)', () => {
  const root = mkdtempSync(join(tmpdir(), 'gantry-stale-'));
  const out = join(root, 'cdk.out');
  const at = (path: string, iso: string) => utimesSync(join(root, path), new Date(iso), new Date(iso));

  beforeAll(() => {
    for (const dir of ['lib/config', 'bin', 'lambdas/core', 'cdk.out', 'node_modules/x']) mkdirSync(join(root, dir), { recursive: true });
    for (const file of ['lib/config/dev.ts', 'bin/main.ts', 'lambdas/core/x.ts', 'cdk.json', 'cdk.out/manifest.json', 'node_modules/x/index.js', 'README.md']) writeFileSync(join(root, file), '{}');
    for (const file of ['lib/config/dev.ts', 'bin/main.ts', 'lambdas/core/x.ts', 'cdk.json']) at(file, '2026-11-01T00:00:00Z');
    // Neither dependencies nor files outside the app's sources make cdk.out stale.
    at('node_modules/x/index.js', '2026-11-20T00:00:00Z');
    at('README.md', '2026-11-20T00:00:00Z');
    at('cdk.out/manifest.json', '2026-11-10T00:00:00Z');
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is undefined when the manifest is newer than every source', () => {
    expect(synthReason(out, root)).toBeUndefined();
  });

  it.each([['lib/config/dev.ts'], ['bin/main.ts'], ['lambdas/core/x.ts'], ['cdk.json']])('names %s when it changed after the synthesis', (file) => {
    at(file, '2026-11-15T00:00:00Z');
    try {
      expect(synthReason(out, root)).toBe(`${file} changed after the last synthesis`);
    } finally {
      at(file, '2026-11-01T00:00:00Z');
    }
  });

  it('says so when there is no manifest', () => {
    expect(synthReason(join(root, 'nowhere'), root)).toBe(`${join(root, 'nowhere')} holds no synthesized app`);
  });
});
