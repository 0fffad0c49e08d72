/** The drift monitor's pure core; see `types.ts` for the flow and the API. */
export * from './types';
export { DriftAccumulator, InvalidBaselineError, type DriftAccumulatorOptions } from './accumulator';
export { CaptureDecoder, parseCaptureLine, payloadFormat, type CaptureSink, type CaptureWindow } from './capture';
export { chiSquarePValue, chiSquareStatistic, ksDistance, logGamma, psi, PSI_EPSILON, regularizedGammaQ } from './statistics';
export { CAPTURE_SETTLE_MINUTES, captureHourPrefixes, driftPersists, windowEndingBefore, windowId } from './window';
