/**
 * Reads the baseline JSON a drift check compares traffic with, written by the pipeline's
 * baseline step or `gantry drift baseline`. Shared by the drift function and `gantry drift check`.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
// zod/mini: the same checks as classic zod at a twentieth of the bundle size (cold starts).
import * as z from 'zod/mini';
import { BASELINE_FORMAT_VERSION, type Baseline } from '../../lib/contract';
import { isS3Error, parseS3Uri } from '../adapters/s3-objects';
import { DriftAccumulator, type DriftAccumulatorOptions } from '../core/drift';
import { formatIssues } from '../core/input/issues';

/** The baseline is missing, not JSON, of another format version, or not shaped as one. */
export class InvalidBaselineError extends Error {
  constructor(readonly uri: string, reason: string, options?: { cause?: unknown }) {
    super(`baseline ${uri}: ${reason}`, options);
    this.name = 'InvalidBaselineError';
  }
}

const count = z.number().check(z.int(), z.gte(0, 'must not be negative'));
const share = z.number().check(z.gte(0, 'must be a proportion'), z.lte(1, 'must be a proportion'));
const featureName = z.string().check(z.minLength(1, 'must not be empty'));

const numericFeature = z
  .object({ name: featureName, kind: z.literal('numeric'), count, missing: count, binEdges: z.array(z.number()), proportions: z.array(share) })
  // No edges: the training data had no value, and one bin holds everything.
  .check(z.refine((f) => (f.binEdges.length === 0 ? f.proportions.length <= 1 : f.proportions.length === f.binEdges.length + 1), { message: 'must hold one proportion per bin (bin edges + 1)', path: ['proportions'] }));
const categoricalFeature = z.object({ name: featureName, kind: z.literal('categorical'), count, missing: count, categories: z.record(z.string(), share), other: share });
const feature = z.discriminatedUnion('kind', [numericFeature, categoricalFeature]);

const baselineSchema = z.object({
  formatVersion: z.literal(BASELINE_FORMAT_VERSION),
  model: z.string(),
  createdAt: z.string(),
  records: count,
  features: z.array(feature).check(z.minLength(1, 'must list at least one feature')),
  prediction: z.optional(feature),
});

/** A baseline's JSON text, checked. @throws InvalidBaselineError naming the URI and what is wrong */
export function parseBaseline(text: string, uri: string): Baseline {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidBaselineError(uri, `not JSON: ${(error as Error).message}`, { cause: error });
  }
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (version !== BASELINE_FORMAT_VERSION) throw new InvalidBaselineError(uri, `formatVersion is ${JSON.stringify(version)}, this monitor reads ${BASELINE_FORMAT_VERSION}`);
  const result = baselineSchema.safeParse(json, { reportInput: true });
  if (!result.success) throw new InvalidBaselineError(uri, formatIssues(result.error.issues).join('; '), { cause: result.error });
  return result.data;
}

/** The baseline at an s3:// URI. @throws InvalidBaselineError when it is absent or not a baseline */
export async function readBaseline(s3: S3Client, uri: string): Promise<Baseline> {
  let location;
  try {
    location = parseS3Uri(uri);
  } catch (error) {
    throw new InvalidBaselineError(uri, 'is not an s3://bucket/key URI', { cause: error });
  }
  let text: string;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
    text = (await object.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    if (isS3Error(error, 'NoSuchKey') || isS3Error(error, 'NoSuchBucket')) throw new InvalidBaselineError(uri, 'no such object', { cause: error });
    throw error;
  }
  return parseBaseline(text, uri);
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
