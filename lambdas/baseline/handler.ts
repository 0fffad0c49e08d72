import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
// zod/mini: the same checks as classic zod at a twentieth of the bundle size (cold starts).
import * as z from 'zod/mini';
import { BASELINE_FORMAT_VERSION, type Baseline, type BaselineEvent, type BaselineFeature, type BaselineResult } from '../../lib/contract/pipeline';
import { readTarGzMember } from '../adapters/s3-archive';
import { listDataObjects, objectLines, parseS3Uri, s3Uri, type S3ObjectRef } from '../adapters/s3-lines';
import { formatOfKey, linesOf, newParseStats, parseCsv, parseRecords, type DataRecord, type ParseStats } from '../core/baseline/records';
import { BaselineBuilder, EmptyDataError, type BaselineBuilderOptions } from '../core/baseline/statistics';
import { modelNameSchema } from '../core/registry/validation';
import { InvalidEventError, parseEvent } from '../shared/invalid-event';
import { logger, tracer } from '../shared/observability';
import { lazyHandler } from '../shared/lazy-handler';

/**
 * The training pipeline's baseline step: streams the training data twice (pass 1 samples,
 * pass 2 counts; see core/baseline/statistics) and the job's predictions into the baseline the
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
  readonly statistics?: Pick<BaselineBuilderOptions, 'reservoirSize' | 'seed' | 'maxCategories' | 'candidateCategories'>;
}

/** The member of the job's output.tar.gz that holds the validation predictions. */
export const PREDICTIONS_MEMBER = 'predictions.csv';
const DEFAULT_LABEL_COLUMN = 'label';

/** The data has records but no column other than the label. */
export class NoFeaturesError extends Error {
  constructor(readonly uri: string, readonly labelColumn: string) {
    super(`${uri} has no feature column besides the label "${labelColumn}"`);
    this.name = 'NoFeaturesError';
  }
}

/** predictions.csv holds no prediction. */
export class InvalidPredictionsError extends Error {
  constructor(readonly uri: string, reason: string, options?: { cause?: unknown }) {
    super(`${uri} ${PREDICTIONS_MEMBER}: ${reason}`, options);
    this.name = 'InvalidPredictionsError';
  }
}

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
    const labelColumn = event.labelColumn ?? DEFAULT_LABEL_COLUMN;
    const objects = await listDataObjects(deps.s3, event.dataUri);

    const builder = new BaselineBuilder({ ...deps.statistics, features: event.features, exclude: [labelColumn] });
    const pass1 = newParseStats();
    for await (const record of dataRecords(deps.s3, objects, pass1)) builder.sample(record);
    if (builder.records === 0) throw new EmptyDataError(`${event.dataUri} holds no records (${objects.length} object(s), ${pass1.lines} line(s), ${pass1.malformed} malformed)`);
    const footprint = builder.footprint();
    builder.endSampling();
    // Objects are re-read pinned to the ETags listed in pass 1, so both passes see the same data.
    for await (const record of dataRecords(deps.s3, objects, newParseStats())) builder.count(record);
    const features = builder.build();
    if (features.length === 0) throw new NoFeaturesError(event.dataUri, labelColumn);

    const prediction = event.outputUri === undefined ? undefined : await predictionFeature(deps.s3, event.outputUri, deps.statistics);
    const baseline: Baseline = {
      formatVersion: BASELINE_FORMAT_VERSION,
      model: event.model,
      createdAt: now().toISOString(),
      records: builder.records,
      features,
      ...(prediction === undefined ? {} : { prediction }),
    };
    const target = parseS3Uri(event.baselineUri);
    await deps.s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: target.key, Body: JSON.stringify(baseline), ContentType: 'application/json' }));

    if (pass1.malformed > 0) logger.warn('skipped malformed lines', { model: event.model, malformed: pass1.malformed, examples: pass1.examples });
    logger.info('wrote baseline', { model: event.model, baselineUri: event.baselineUri, objects: objects.length, records: builder.records, features: features.length, footprint });
    return { baselineUri: event.baselineUri, records: builder.records, features: features.length };
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

async function* dataRecords(s3: S3Client, objects: readonly S3ObjectRef[], stats: ParseStats): AsyncGenerator<DataRecord> {
  for (const ref of objects) yield* parseRecords(objectLines(s3, ref), stats, { source: s3Uri(ref), format: formatOfKey(ref.key) });
}

/**
 * Statistics of the model's validation predictions: one per line, with an optional `prediction`
 * header. The file is small (the archive reader caps it), so both passes read it from memory.
 */
async function predictionFeature(s3: S3Client, outputUri: string, statistics: BaselineDeps['statistics']): Promise<BaselineFeature> {
  const text = (await readTarGzMember(s3, outputUri, PREDICTIONS_MEMBER)).toString('utf8');
  const records = (): AsyncGenerator<DataRecord> => parseCsv(withoutHeader(linesOf(text)), newParseStats(), { source: `${outputUri} ${PREDICTIONS_MEMBER}`, columns: ['prediction'] });
  const builder = new BaselineBuilder({ ...statistics, features: [{ name: 'prediction' }] });
  for await (const record of records()) builder.sample(record);
  if (builder.records === 0) throw new InvalidPredictionsError(outputUri, 'holds no prediction');
  builder.endSampling();
  for await (const record of records()) builder.count(record);
  const [feature] = builder.build();
  return feature!;
}

async function* withoutHeader(lines: AsyncIterable<string>): AsyncGenerator<string> {
  let first = true;
  for await (const line of lines) {
    if (first && line.trim() !== '') {
      first = false;
      if (/^\s*"?prediction"?\s*$/i.test(line)) continue;
    }
    yield line;
  }
}

function defaultDeps(): BaselineDeps {
  return { s3: tracer.captureAWSv3Client(new S3Client({})) };
}

/** The Lambda entry point; its clients are created once per execution environment. */
export const handler = lazyHandler(makeHandler, defaultDeps);
