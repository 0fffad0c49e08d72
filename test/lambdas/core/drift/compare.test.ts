import { describe, expect, it } from 'vitest';
import { compareCapture, type CaptureFile } from '../../../../lambdas/core/drift/compare';
import type { Baseline } from '../../../../lib/contract';
import { BASELINE, captureLine, drifted, json, MALFORMED_LINES, steady } from '../../drift/fixtures';

const file = (...lines: string[]): CaptureFile => ({
  lines: async function* () {
    yield* lines;
  },
});

describe('compareCapture', () => {
  it.each<[string, CaptureFile[], { window?: { from: Date; to: Date } }, { records: number; drifted: boolean; noData: boolean; malformed: object }]>([
    ['no file', [], {}, { records: 0, drifted: false, noData: true, malformed: {} }],
    ['steady traffic over two files', [file(captureLine('2026-11-22T10:05:00Z', json(steady(10)))), file(captureLine('2026-11-22T10:06:00Z', json(steady(10))))], {}, { records: 20, drifted: false, noData: false, malformed: {} }],
    ['drifted traffic and a malformed line', [file(captureLine('2026-11-22T10:05:00Z', json(drifted(4))), MALFORMED_LINES['not-json'])], {}, { records: 4, drifted: true, noData: false, malformed: { 'not-json': 1 } }],
    [
      'records outside the window left out',
      [file(captureLine('2026-11-22T09:59:59Z', json(drifted(4))), captureLine('2026-11-22T10:05:00Z', json(steady(10))))],
      { window: { from: new Date('2026-11-22T10:00:00Z'), to: new Date('2026-11-22T10:15:00Z') } },
      { records: 10, drifted: false, noData: false, malformed: {} },
    ],
  ])('%s', async (_, files, options, expected) => {
    expect(await compareCapture(BASELINE, 'mem://baseline', files, { model: 'churn', ...options })).toMatchObject({ model: 'churn', ...expected });
  });

  it('throws InvalidBaselineError naming the URI before asking for the first file', async () => {
    const broken = { ...BASELINE, features: [{ ...BASELINE.features[0]!, binEdges: [1, 2], proportions: [1] }] } as Baseline;
    let asked = false;
    async function* files(): AsyncGenerator<CaptureFile> {
      asked = true;
      yield file();
    }
    const error = await compareCapture(broken, 'mem://baseline', files(), { model: 'churn' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidBaselineError', uri: 'mem://baseline' });
    // The accumulator's own objection is kept as the cause, for the log.
    expect((error as Error).cause).toMatchObject({ name: 'InvalidBaselineError' });
    expect((error as Error).message).toBe(`baseline mem://baseline: ${((error as Error).cause as Error).message}`);
    expect(asked).toBe(false);
  });

  it('passes an objection to the options, not the baseline, through as it is, without a URI', async () => {
    const error = await compareCapture(BASELINE, 'mem://baseline', [], { model: 'churn', thresholds: { psi: -1, ks: 0.1 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect(error).not.toHaveProperty('uri');
  });
});
