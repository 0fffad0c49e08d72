import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
// zod/mini: the same checks as classic zod at a twentieth of the bundle size (cold starts).
import * as z from 'zod/mini';
import type { BaselineEvent, BaselineFeature, BaselineResult } from '../../lib/contract';
import { readTarGzMember } from '../adapters/s3-archive';
import { listDataObjects, objectLines, parseS3Uri, s3Uri } from '../adapters/s3-objects';
import { baselineOf, buildFeatures, buildPredictionFeature, DEFAULT_LABEL_COLUMN, type BaselineStatisticsOptions, type DataPart } from '../core/baseline/build';
import { formatOfKey, linesOf } from '../core/records/parse';
import { modelNameSchema } from '../core/input/model-name';
import { InvalidEventError, parseEvent } from '../shared/invalid-event';
import { logger, tracer } from '../shared/observability';
import { lazyHandler } from '../shared/lazy-handler';

/**
 * The training pipeline's baseline step: streams the training data twice (pass 1 samples,
 * pass 2 counts; see core/baseline/build) and the job's predictions into the baseline the
 * drift monitor compares live traffic against, and writes it as JSON. Memory stays bounded
 * whatever the data's size. Errors are named classes the pipeline catches by name:
 * InvalidEventError, DataNotFoundError, EmptyDataError, FeatureNotInDataError,
 * NoFeaturesError, DataChangedError, CorruptDataError, InvalidCsvHeaderError,
 * InvalidPredictionsError and the archive errors.
 */
export interface BaselineDeps {
  readonly s3: S3Client;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** Sampling and category limits. @default the builder's defaults (100k values, 50 categories) */
  readonly statistics?: BaselineStatisticsOptions;
}

export { InvalidPredictionsError, NoFeaturesError } from '../core/baseline/build';

/** The member of the job's output.tar.gz that holds the validation predictions. */
export const PREDICTIONS_MEMBER = 'predictions.csv';

const S3_BUCKET = '[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]';
const objectUri = z.string().check(z.regex(new RegExp(`^s3://${S3_BUCKET}/.+$`), 'must be an s3://bucket/key URI'));
const dataUri = z.string().check(z.regex(new RegExp(`^s3://${S3_BUCKET}(/.*)?$`), 'must be an s3://bucket/key or s3://bucket/prefix/ URI'));
const columnName = z.string().check(z.minLength(1, 'must not be empty'));

const eventSchema = z.strictObject({
  model: modelNameSchema,
  dataUri,
  outputUri: z.optional(objectUri),
  baselineUri: objectUri,
  features: z.optional(z.array(z.strictObject({ name: columnName, kind: z.enum(['numeric', 'categorical']) })).check(z.minLength(1, 'must list at least one feature'))),
  labelColumn: z.optional(columnName),
});

export function makeHandler(deps: BaselineDeps): (event: unknown) => Promise<BaselineResult> {
  const now = deps.now ?? (() => new Date());
  return async (raw) => {
    const event = parseBaselineEvent(raw);
    const objects = await listDataObjects(deps.s3, event.dataUri);
    // Each part is re-read pinned to the ETag listed, so both passes see the same data.
    const parts: DataPart[] = objects.map((ref) => ({ source: s3Uri(ref), format: formatOfKey(ref.key), lines: () => objectLines(deps.s3, ref) }));
    const built = await buildFeatures(parts, { dataUri: event.dataUri, features: event.features, labelColumn: event.labelColumn, statistics: deps.statistics });

    const prediction = event.outputUri === undefined ? undefined : await predictionFeature(deps.s3, event.outputUri, deps.statistics);
    const baseline = baselineOf({ model: event.model, createdAt: now(), records: built.records, features: built.features, prediction });
    const target = parseS3Uri(event.baselineUri);
    await deps.s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: target.key, Body: JSON.stringify(baseline), ContentType: 'application/json' }));

    const { stats, footprint } = built;
    if (stats.malformed > 0) logger.warn('skipped malformed lines', { model: event.model, malformed: stats.malformed, examples: stats.examples });
    logger.info('wrote baseline', { model: event.model, baselineUri: event.baselineUri, objects: objects.length, records: built.records, features: built.features.length, footprint });
    return { baselineUri: event.baselineUri, records: built.records, features: built.features.length };
  };
}

/** Validates an untrusted event, including what a schema cannot see across fields. @throws InvalidEventError */
export function parseBaselineEvent(raw: unknown): BaselineEvent {
  const event: BaselineEvent = parseEvent(eventSchema, raw);
  const issues: string[] = [];
  const labelColumn = event.labelColumn ?? DEFAULT_LABEL_COLUMN;
  const seen = new Set<string>();
  event.features?.forEach(({ name }, i) => {
    // The endpoint never receives the label, so a baseline of it could never be compared.
    if (name === labelColumn) issues.push(`features.${i}.name: "${name}" is the label column`);
    else if (seen.has(name)) issues.push(`features.${i}.name: "${name}" is listed twice`);
    seen.add(name);
  });
  if (issues.length > 0) throw new InvalidEventError(issues);
  return event;
}

/**
 * Statistics of the model's validation predictions. The file is small (the archive reader caps
 * it), so both passes read it from memory.
 */
async function predictionFeature(s3: S3Client, outputUri: string, statistics: BaselineDeps['statistics']): Promise<BaselineFeature> {
  const text = (await readTarGzMember(s3, outputUri, PREDICTIONS_MEMBER)).toString('utf8');
  return buildPredictionFeature({ source: `${outputUri} ${PREDICTIONS_MEMBER}`, lines: () => linesOf(text) }, statistics);
}

function defaultDeps(): BaselineDeps {
  return { s3: tracer.captureAWSv3Client(new S3Client({})) };
}

/** The Lambda entry point; its clients are created once per execution environment. */
export const handler = lazyHandler(makeHandler, defaultDeps);
