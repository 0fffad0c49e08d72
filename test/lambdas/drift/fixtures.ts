/**
 * Drift fixtures shared by the drift function's tests and `gantry drift`'s: a baseline, and
 * capture lines exactly as SageMaker writes them.
 */
import { randomUUID } from 'node:crypto';
import type { Baseline } from '../../../lib/contract';

const TENTHS = Array<number>(10).fill(0.1);

/** tenure deciles 10..90, plan half basic half pro, a score with deciles 0.1..0.9. */
export const BASELINE: Baseline = {
  formatVersion: 1,
  model: 'churn',
  createdAt: '2026-11-01T00:00:00.000Z',
  records: 1000,
  features: [
    { name: 'tenure', kind: 'numeric', count: 1000, missing: 0, binEdges: [10, 20, 30, 40, 50, 60, 70, 80, 90], proportions: TENTHS },
    { name: 'plan', kind: 'categorical', count: 1000, missing: 0, categories: { basic: 0.5, pro: 0.5 }, other: 0 },
  ],
  prediction: { name: 'prediction', kind: 'numeric', count: 1000, missing: 0, binEdges: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], proportions: TENTHS },
};

export interface TrafficRecord {
  readonly tenure: number;
  readonly plan: string;
  readonly score: number;
}

/** `n` records spread like the baseline: one per decile, plans alternating. */
export function steady(n: number): TrafficRecord[] {
  return Array.from({ length: n }, (_, i) => ({ tenure: 5 + 10 * (i % 10), plan: i % 2 === 0 ? 'basic' : 'pro', score: 0.05 + 0.1 * (i % 10) }));
}

/** `n` records all in the top bins and the first category: far from the baseline. */
export function drifted(n: number): TrafficRecord[] {
  return Array.from({ length: n }, () => ({ tenure: 95, plan: 'basic', score: 0.95 }));
}

interface Payload {
  readonly observedContentType: string;
  readonly encoding: string;
  readonly data: string;
}

/** A CSV request as SageMaker captures a binary-safe payload: base64 of the rows, no header. */
export function base64Csv(records: readonly TrafficRecord[], extraRows: readonly string[] = []): { input: Payload; output: Payload } {
  const rows = [...records.map((r) => `${r.tenure},${r.plan}`), ...extraRows];
  return {
    input: { observedContentType: 'text/csv', encoding: 'BASE64', data: Buffer.from(rows.join('\n')).toString('base64') },
    output: { observedContentType: 'text/csv; charset=utf-8', encoding: 'CSV', data: [...records.map((r) => r.score), ...extraRows.map(() => 0.5)].join('\n') },
  };
}

/** A JSON request captured as text: `{"instances":[{…}]}`, and `{"predictions":[{"score":…}]}`. */
export function json(records: readonly TrafficRecord[]): { input: Payload; output: Payload } {
  return {
    input: { observedContentType: 'application/json', encoding: 'JSON', data: JSON.stringify({ instances: records.map(({ tenure, plan }) => ({ tenure, plan })) }) },
    output: { observedContentType: 'application/json', encoding: 'JSON', data: JSON.stringify({ predictions: records.map(({ score }) => ({ score })) }) },
  };
}

/** One capture line: the SageMaker data-capture JSON of one invocation. */
export function captureLine(inferenceTime: string, payload: { input: Payload; output: Payload }): string {
  return JSON.stringify({
    captureData: { endpointInput: { ...payload.input, mode: 'INPUT' }, endpointOutput: { ...payload.output, mode: 'OUTPUT' } },
    eventMetadata: { eventId: randomUUID(), inferenceTime },
    eventVersion: '0',
  });
}

/** Lines that are malformed, one for each reason named. */
export const MALFORMED_LINES = {
  'not-json': '{"captureData": {"endpointInput"',
  'unknown-encoding': (time: string) => JSON.stringify({ captureData: { endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', encoding: 'XML', data: '<x/>' } }, eventMetadata: { inferenceTime: time } }),
  'bad-base64': (time: string) => JSON.stringify({ captureData: { endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', encoding: 'BASE64', data: '@@@@not base64' } }, eventMetadata: { inferenceTime: time } }),
} as const;

/** A capture file's key as SageMaker names it: `<endpoint>/<variant>/yyyy/mm/dd/hh/<mm-ss-mmm>-<uuid>.jsonl` (UTC). */
export function captureKey(endpoint: string, writtenAt: string): string {
  const iso = new Date(writtenAt).toISOString();
  return `${endpoint}/primary/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(11, 13)}/${iso.slice(14, 16)}-${iso.slice(17, 19)}-${iso.slice(20, 23)}-${randomUUID()}.jsonl`;
}

/** PSI by its definition: Σ (o − e) · ln(o / e), proportions below 1e-4 raised to 1e-4. */
export function psiOf(expected: readonly number[], observed: readonly number[]): number {
  return expected.reduce((sum, e, i) => {
    const [a, b] = [Math.max(e, 1e-4), Math.max(observed[i]!, 1e-4)];
    return sum + (b - a) * Math.log(b / a);
  }, 0);
}

/** The PSI of a decile feature whose every value lands in the top bin. */
export const TOP_BIN_PSI = psiOf(TENTHS, [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
/** The PSI of plan when every record is basic (baseline: basic, pro, other = 0.5, 0.5, 0). */
export const ALL_BASIC_PSI = psiOf([0.5, 0.5, 0], [1, 0, 0]);
