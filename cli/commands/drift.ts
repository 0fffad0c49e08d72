import { createReadStream, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as z from 'zod/mini';
import { S3BaselineSource } from '../../lambdas/adapters/s3-baselines';
import { S3CaptureSource } from '../../lambdas/adapters/s3-capture';
import { listDataObjects, objectLines, parseS3Uri, s3Uri as s3UriOf, streamLines } from '../../lambdas/adapters/s3-objects';
import { baselineOf, buildFeatures, DEFAULT_LABEL_COLUMN, type DataPart } from '../../lambdas/core/baseline/build';
import { parseBaseline } from '../../lambdas/core/baseline/parse';
import { DEFAULT_THRESHOLDS, type DriftReport, type FeatureDrift } from '../../lambdas/core/drift';
import { compareCapture, type CaptureFile } from '../../lambdas/core/drift/compare';
import { formatIssues } from '../../lambdas/core/input/issues';
import { modelNameSchema } from '../../lambdas/core/input/model-name';
import { isoTimestamp } from '../../lambdas/core/input/timestamp';
import { formatOfKey } from '../../lambdas/core/records/parse';
import { parseFlags, required, UsageError } from '../args';
import type { CliClients, CliIo } from '../context';
import { print } from '../output';

export const DRIFT_HELP = `gantry drift <command> [flags]

  check     --baseline FILE|S3URI --capture DIR|S3URI [--from ISO --to ISO] [--model NAME]
            Compares captured traffic with a baseline, as the stage's drift check does: the
            SageMaker data-capture files (*.jsonl) found under the directory (recursively) or
            the S3 prefix, streamed in key order. --from/--to keep the records whose inference
            time is in [from, to). Prints the records used, the malformed lines by reason, each
            feature's PSI, KS and chi-square p-value, and whether the traffic drifted (PSI above
            ${DEFAULT_THRESHOLDS.psi} or KS above ${DEFAULT_THRESHOLDS.ks}). --model names the report (default: the baseline's model).
            Exits 0 whether or not the traffic drifted (see "drifted"); 1 when an input
            cannot be read.
  baseline  --data FILE|S3URI --out FILE [--schema FILE] [--model NAME]
            Builds the baseline JSON from training data (CSV with a header row, or JSON Lines;
            gzipped too; an S3 prefix reads every object under it) with the training pipeline's
            own builder. --schema FILE is JSON: {"features":[{"name":"…","kind":"numeric"|
            "categorical"}],"labelColumn":"label","model":"churn"}, every key optional; without
            features, every column but the label is one, its kind inferred. The baseline names
            the model --model, else the schema's model, else "unnamed".`;

/** A file, directory or object the command cannot read (or, for --out, write). The CLI exits 1. */
export class UnreadableInputError extends Error {
  constructor(readonly flag: string, readonly path: string, reason: string, options?: { cause?: unknown }) {
    super(`--${flag} ${path}: ${reason}`, options);
    this.name = 'UnreadableInputError';
  }
}

const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;

const columnName = z.string().check(z.minLength(1, 'must not be empty'));
const schemaFile = z.strictObject({
  features: z.optional(z.array(z.strictObject({ name: columnName, kind: z.enum(['numeric', 'categorical']) })).check(z.minLength(1, 'must list at least one feature'))),
  labelColumn: z.optional(columnName),
  model: z.optional(modelNameSchema),
});
type BaselineSchema = z.output<typeof schemaFile>;

export async function driftCommand(command: string | undefined, args: readonly string[], io: CliIo, clients: CliClients): Promise<number> {
  switch (command) {
    case 'check':
      return check(args, io, clients);
    case 'baseline':
      return baseline(args, io, clients);
    default:
      throw new UsageError(command === undefined ? `missing drift command\n\n${DRIFT_HELP}` : `unknown drift command "${command}"\n\n${DRIFT_HELP}`);
  }
}

async function check(args: readonly string[], io: CliIo, clients: CliClients): Promise<number> {
  const values = parseFlags(args, { baseline: { type: 'string' }, capture: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, model: { type: 'string' } });
  const baselineArg = location(required(values, 'baseline'), 'baseline');
  const captureArg = location(required(values, 'capture'), 'capture');
  const window = windowOf(values);
  const model = values.model === undefined ? undefined : modelName(values.model, 'model');

  // The drift function's own comparison, over the same S3 adapters or the local files.
  const base = S3_URI.test(baselineArg) ? await new S3BaselineSource(clients.s3()).read(baselineArg) : parseBaseline(readLocal(baselineArg, 'baseline'), baselineArg);
  const report = await compareCapture(base, baselineArg, captureFiles(captureArg, clients), { model: model ?? base.model, ...(window === undefined ? {} : { window }) });
  print(io, values, report, () => reportText(report));
  return 0;
}

async function baseline(args: readonly string[], io: CliIo, clients: CliClients): Promise<number> {
  const values = parseFlags(args, { data: { type: 'string' }, out: { type: 'string' }, schema: { type: 'string' }, model: { type: 'string' } });
  const data = location(required(values, 'data'), 'data');
  const out = required(values, 'out');
  if (out.startsWith('s3://')) throw new UsageError(`--out must be a local file (got ${JSON.stringify(out)}); copy it to S3 with any S3 client`);
  const schema = values.schema === undefined ? {} : readSchema(values.schema);
  const model = values.model === undefined ? (schema.model ?? 'unnamed') : modelName(values.model, 'model');

  const parts = await dataParts(data, clients);
  const built = await buildFeatures(parts, { dataUri: data, features: schema.features, labelColumn: schema.labelColumn });
  const result = baselineOf({ model, createdAt: new Date(), records: built.records, features: built.features });
  try {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  } catch (error) {
    throw new UnreadableInputError('out', out, `cannot be written: ${(error as Error).message}`, { cause: error });
  }
  const summary = { out, model, records: built.records, features: built.features.map(({ name, kind }) => ({ name, kind })), malformed: built.stats.malformed };
  print(io, values, summary, () => {
    const kinds = summary.features.map((f) => `${f.name} (${f.kind})`).join(', ');
    return `wrote ${out}: ${model}, ${summary.records} records, ${summary.features.length} features: ${kinds}${summary.malformed > 0 ? `; skipped ${summary.malformed} malformed line(s)` : ''}`;
  });
  return 0;
}

/** A local path, or an s3:// URI checked for shape. */
function location(value: string, flag: string): string {
  if (value.startsWith('s3://') && !S3_URI.test(value)) throw new UsageError(`--${flag} must be a path or an s3://bucket/prefix URI (got ${JSON.stringify(value)})`);
  return value;
}

function modelName(value: string, flag: string): string {
  const result = modelNameSchema.safeParse(value);
  if (!result.success) throw new UsageError(`--${flag} ${formatIssues(result.error.issues).join('; ').replace(/^\(root\): /, '')} (got ${JSON.stringify(value)})`);
  return value;
}

function windowOf(values: { from?: string; to?: string }): { from: Date; to: Date } | undefined {
  if (values.from === undefined && values.to === undefined) return undefined;
  if (values.from === undefined || values.to === undefined) throw new UsageError('--from and --to go together: pass both, or neither to read every record');
  const time = (flag: 'from' | 'to'): Date => {
    const raw = values[flag]!;
    const date = isoTimestamp(raw);
    if (date === undefined) throw new UsageError(`--${flag} must be an ISO-8601 time with a zone, such as 2026-11-22T10:00:00Z (got ${JSON.stringify(raw)})`);
    return date;
  };
  const window = { from: time('from'), to: time('to') };
  if (window.from >= window.to) throw new UsageError(`--from must be before --to (got ${values.from} and ${values.to})`);
  return window;
}

function readSchema(path: string): BaselineSchema {
  let json: unknown;
  try {
    json = JSON.parse(readLocal(path, 'schema'));
  } catch (error) {
    if (error instanceof UnreadableInputError) throw error;
    throw new UsageError(`--schema ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const result = schemaFile.safeParse(json, { reportInput: true });
  if (!result.success) throw new UsageError(`--schema ${path}: ${formatIssues(result.error.issues).join('; ')}`);
  const labelColumn = result.data.labelColumn ?? DEFAULT_LABEL_COLUMN;
  const seen = new Set<string>();
  result.data.features?.forEach(({ name }, i) => {
    // The endpoint never receives the label, so a baseline of it could never be compared.
    if (name === labelColumn) throw new UsageError(`--schema ${path}: features.${i}.name: "${name}" is the label column`);
    if (seen.has(name)) throw new UsageError(`--schema ${path}: features.${i}.name: "${name}" is listed twice`);
    seen.add(name);
  });
  return result.data;
}

/** The training data: one local file, or the objects at an S3 URI (an object or a prefix), each readable twice. */
async function dataParts(data: string, clients: CliClients): Promise<DataPart[]> {
  if (S3_URI.test(data)) {
    const s3 = clients.s3();
    const objects = await listDataObjects(s3, data);
    return objects.map((ref) => ({ source: s3UriOf(ref), format: formatOfKey(ref.key), lines: () => objectLines(s3, ref) }));
  }
  const stat = statOf(data, 'data');
  if (!stat.isFile()) throw new UnreadableInputError('data', data, 'is not a file');
  return [{ source: data, format: formatOfKey(data), lines: () => fileLines(data) }];
}

/**
 * The capture files: *.jsonl under a local directory (recursively) or an S3 prefix, in path
 * order. Listed when first read, so a baseline the comparison refuses is reported first.
 */
async function* captureFiles(capture: string, clients: CliClients): AsyncGenerator<CaptureFile> {
  if (S3_URI.test(capture)) {
    const { bucket, key } = parseS3Uri(capture);
    yield* await new S3CaptureSource({ s3: clients.s3(), bucket }).list(key);
    return;
  }
  const stat = statOf(capture, 'capture');
  if (stat.isFile()) {
    yield { lines: () => fileLines(capture) };
    return;
  }
  const files = jsonlFiles(capture).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const file of files) yield { lines: () => fileLines(join(capture, file)) };
}

/** Paths (relative to `dir`) of the .jsonl files below it. */
function jsonlFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.jsonl'))
      .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
  } catch (error) {
    throw new UnreadableInputError('capture', dir, (error as Error).message, { cause: error });
  }
}

/** A local file's lines, without line endings or a byte-order mark, gunzipped when it ends in .gz. */
function fileLines(path: string): AsyncGenerator<string> {
  return streamLines(createReadStream(path), path.endsWith('.gz'));
}

function statOf(path: string, flag: string): Stats {
  try {
    return statSync(path);
  } catch (error) {
    throw new UnreadableInputError(flag, path, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message, { cause: error });
  }
}

function readLocal(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UnreadableInputError(flag, path, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message, { cause: error });
  }
}

const fixed = (n: number): string => n.toFixed(4);

/** The report as a table: one row per feature, then the prediction. */
export function reportText(report: DriftReport): string {
  const window = report.window === undefined ? 'all records' : `${report.window.from} to ${report.window.to}`;
  const malformed = Object.entries(report.malformed).filter(([, n]) => (n ?? 0) > 0);
  const malformedTotal = malformed.reduce((sum, [, n]) => sum + (n ?? 0), 0);
  const lines = [
    `${report.model}: ${report.noData ? 'no records: nothing compared' : report.drifted ? 'DRIFTED' : 'no drift'}  (${window})`,
    `records    ${report.records}`,
    `malformed  ${malformedTotal}${malformed.length > 0 ? `  (${malformed.map(([reason, n]) => `${reason} ${n}`).join(', ')})` : ''}`,
  ];
  if (report.noData) return lines.join('\n');
  lines.push(`max PSI    ${fixed(report.maxPsi)}  (drifts above ${report.thresholds.psi})`, `max KS     ${fixed(report.maxKs)}  (drifts above ${report.thresholds.ks})`, '');
  const rows: FeatureDrift[] = [...report.features, ...(report.prediction === undefined ? [] : [report.prediction])];
  const header = ['feature', 'kind', 'count', 'missing', 'PSI', 'KS', 'p-value', ''];
  const cells = rows.map((f) => [
    f === report.prediction ? `${f.name} (output)` : f.name,
    f.kind,
    String(f.count),
    String(f.missing),
    fixed(f.psi),
    f.kind === 'numeric' ? fixed(f.ks) : '-',
    f.pValue === undefined ? '-' : fixed(f.pValue),
    f.drifted ? 'drifted' : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)));
  // Names and kinds read left to right; numbers line up on the right.
  const format = (row: readonly string[]): string => row.map((cell, i) => (i < 2 || i === row.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  lines.push(format(header), ...cells.map(format));
  return lines.join('\n');
}
