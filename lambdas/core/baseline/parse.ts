/**
 * Reads the baseline JSON a drift check compares traffic with, written by the pipeline's
 * baseline step or `gantry drift baseline`, wherever it was fetched from (S3, a local file).
 */
// zod/mini: the same checks as classic zod at a twentieth of the bundle size (cold starts).
import * as z from 'zod/mini';
import { BASELINE_FORMAT_VERSION, type Baseline } from '../../../lib/contract';
import { formatIssues } from '../input/issues';

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
