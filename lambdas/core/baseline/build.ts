/**
 * A dataset's baseline, in the two streaming passes of BaselineBuilder (pass 1 samples, pass 2
 * counts). Shared by the training pipeline's baseline step (S3 objects) and `gantry drift
 * baseline` (a local file or S3): each gives the data as parts whose lines can be read twice,
 * so neither ever holds the data in memory.
 */
import { BASELINE_FORMAT_VERSION, type Baseline, type BaselineFeature } from '../../../lib/contract';
import { newParseStats, parseCsv, parseRecords, type DataFormat, type DataRecord, type ParseStats } from '../records/parse';
import { BaselineBuilder, EmptyDataError, type BaselineBuilderOptions, type FeatureKind } from './statistics';

/** Column holding the label when none is named. */
export const DEFAULT_LABEL_COLUMN = 'label';

/** One part of a dataset (a file, an object). */
export interface DataPart {
  /** Names the part in malformed-line reports. */
  readonly source: string;
  /** @default sniffed from the first non-blank line (see parseRecords) */
  readonly format?: DataFormat;
  /** The part's lines. Called once per pass: both calls must give the same lines. */
  readonly lines: () => AsyncIterable<string>;
}

/** Sampling and category limits. @default the builder's defaults (100k values, 50 categories) */
export type BaselineStatisticsOptions = Pick<BaselineBuilderOptions, 'reservoirSize' | 'seed' | 'maxCategories' | 'candidateCategories'>;

export interface BuildFeaturesOptions {
  /** Names the data in errors. */
  readonly dataUri: string;
  /** Features in the order the endpoint receives them, with their kinds. @default every column but the label, kinds inferred */
  readonly features?: readonly { readonly name: string; readonly kind: FeatureKind }[];
  /** @default 'label' */
  readonly labelColumn?: string;
  readonly statistics?: BaselineStatisticsOptions;
}

export interface BuiltFeatures {
  readonly records: number;
  readonly features: BaselineFeature[];
  /** Pass 1's counters: lines, records, malformed lines and the first few of them. */
  readonly stats: ParseStats;
  /** Values sampled and categories tracked at the end of pass 1 (the memory used). */
  readonly footprint: ReturnType<BaselineBuilder['footprint']>;
}

/** The data has records but no column other than the label. */
export class NoFeaturesError extends Error {
  constructor(readonly uri: string, readonly labelColumn: string) {
    super(`${uri} has no feature column besides the label "${labelColumn}"`);
    this.name = 'NoFeaturesError';
  }
}

/** The predictions hold no prediction. */
export class InvalidPredictionsError extends Error {
  constructor(readonly source: string, reason: string, options?: { cause?: unknown }) {
    super(`${source}: ${reason}`, options);
    this.name = 'InvalidPredictionsError';
  }
}

/**
 * The feature statistics of a dataset of CSV (header row) or JSON Lines parts.
 * @throws EmptyDataError, NoFeaturesError, FeatureNotInDataError, InvalidCsvHeaderError, and whatever reading a part throws
 */
export async function buildFeatures(parts: readonly DataPart[], options: BuildFeaturesOptions): Promise<BuiltFeatures> {
  const labelColumn = options.labelColumn ?? DEFAULT_LABEL_COLUMN;
  const builder = new BaselineBuilder({ ...options.statistics, features: options.features, exclude: [labelColumn] });
  const stats = newParseStats();
  for await (const record of recordsOf(parts, stats)) builder.sample(record);
  if (builder.records === 0) throw new EmptyDataError(`${options.dataUri} holds no records (${parts.length} object(s), ${stats.lines} line(s), ${stats.malformed} malformed)`);
  const footprint = builder.footprint();
  builder.endSampling();
  for await (const record of recordsOf(parts, newParseStats())) builder.count(record);
  const features = builder.build();
  if (features.length === 0) throw new NoFeaturesError(options.dataUri, labelColumn);
  return { records: builder.records, features, stats, footprint };
}

/**
 * Statistics of a model's predictions: one per line, with an optional `prediction` header.
 * @throws InvalidPredictionsError when there is none
 */
export async function buildPredictionFeature(predictions: { readonly source: string; readonly lines: () => AsyncIterable<string> }, statistics?: BaselineStatisticsOptions): Promise<BaselineFeature> {
  const records = (): AsyncGenerator<DataRecord> => parseCsv(withoutHeader(predictions.lines()), newParseStats(), { source: predictions.source, columns: ['prediction'] });
  const builder = new BaselineBuilder({ ...statistics, features: [{ name: 'prediction' }] });
  for await (const record of records()) builder.sample(record);
  if (builder.records === 0) throw new InvalidPredictionsError(predictions.source, 'holds no prediction');
  builder.endSampling();
  for await (const record of records()) builder.count(record);
  const [feature] = builder.build();
  return feature!;
}

/** The baseline JSON of built statistics, in the current format. */
export function baselineOf(input: { readonly model: string; readonly createdAt: Date; readonly records: number; readonly features: readonly BaselineFeature[]; readonly prediction?: BaselineFeature }): Baseline {
  return {
    formatVersion: BASELINE_FORMAT_VERSION,
    model: input.model,
    createdAt: input.createdAt.toISOString(),
    records: input.records,
    features: input.features,
    ...(input.prediction === undefined ? {} : { prediction: input.prediction }),
  };
}

async function* recordsOf(parts: readonly DataPart[], stats: ParseStats): AsyncGenerator<DataRecord> {
  for (const part of parts) yield* parseRecords(part.lines(), stats, { source: part.source, format: part.format });
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
