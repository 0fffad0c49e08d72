import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('bench/drift.bench.ts', () => {
  it('prints one drift-check JSON line with every figure present and positive', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(__dirname, '../../bench/drift.bench.ts')], {
      env: { ...process.env, GANTRY_BENCH_RECORDS: '20000' },
      timeout: 120_000,
    });
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const figures = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(figures)).toEqual(['bench', 'records', 'seconds', 'recordsPerSec', 'parseOnlyRecordsPerSec', 'ratio', 'peakRssMB']);
    expect(figures.bench).toBe('drift-check');
    expect(figures.records).toBe(20000);
    for (const key of ['seconds', 'recordsPerSec', 'parseOnlyRecordsPerSec', 'ratio', 'peakRssMB']) {
      expect(typeof figures[key], key).toBe('number');
      expect(figures[key] as number, key).toBeGreaterThan(0);
    }
  });
});
