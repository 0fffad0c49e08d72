/**
 * Compares captured traffic with a baseline: the one comparison behind the scheduled drift
 * check (`check.ts`) and `gantry drift check`, whichever store the baseline and the capture
 * files come from.
 */
import type { Baseline } from '../../../lib/contract';
import { InvalidBaselineError } from '../baseline/parse';
import { DriftAccumulator, type DriftAccumulatorOptions } from './accumulator';
import type { DriftReport } from './types';

/** Port: reads a stored baseline. @throws InvalidBaselineError when it is absent or not a baseline */
export interface BaselineSource {
  read(uri: string): Promise<Baseline>;
}

/** One SageMaker data-capture file (JSON Lines). */
export interface CaptureFile {
  /** The file's lines, without line endings. */
  readonly lines: () => AsyncIterable<string>;
}

/** The accumulator of a baseline; the core's objections to it name the URI. @throws InvalidBaselineError */
export function accumulatorFor(baseline: Baseline, uri: string, options: DriftAccumulatorOptions): DriftAccumulator {
  try {
    return new DriftAccumulator(baseline, options);
  } catch (error) {
    if ((error as Error).name === 'InvalidBaselineError') throw new InvalidBaselineError(uri, (error as Error).message, { cause: error });
    throw error;
  }
}

/**
 * The drift report of the files' lines against the baseline, read one file after the other and
 * one line at a time, so memory stays the baseline's size. The baseline is checked before the
 * first file is asked for, so a bad one costs no listing. @throws InvalidBaselineError
 */
export async function compareCapture(baseline: Baseline, baselineUri: string, files: Iterable<CaptureFile> | AsyncIterable<CaptureFile>, options: DriftAccumulatorOptions & { readonly model: string }): Promise<DriftReport> {
  const { model, ...accumulatorOptions } = options;
  const accumulator = accumulatorFor(baseline, baselineUri, accumulatorOptions);
  for await (const file of files) for await (const line of file.lines()) accumulator.addLine(line);
  return accumulator.report(model);
}
