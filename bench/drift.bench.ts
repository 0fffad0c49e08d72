// The drift check's throughput on capture files as SageMaker writes them: 1,000,000 records
// (GANTRY_BENCH_RECORDS lowers it) of base64 CSV payloads with 20 numeric features, about
// 0.7 KB a line, in several files under <endpoint>/<variant>/yyyy/mm/dd/hh/. The drift check
// streams every file line by line into DriftAccumulator.addLine and then reports; the floor is
// the same streaming and line splitting with only JSON.parse of each line, measured in the same
// run over the same files. ratio = recordsPerSec / parseOnlyRecordsPerSec. (The decoder reads
// lines in SageMaker's exact layout with one anchored pattern instead of JSON.parse, which pays
// for most of the payload decoding; see CAPTURE_LINE in lambdas/core/drift/capture.ts.)
// Prints {"bench":"drift-check",...}.
import { randomUUID } from 'node:crypto';
import { createReadStream, closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../lambdas/core/baseline/statistics';
import { DriftAccumulator } from '../lambdas/core/drift';
import type { Baseline, BaselineFeature } from '../lib/contract';

const RECORDS = Number(process.env.GANTRY_BENCH_RECORDS ?? 1_000_000);
const FEATURES = 20;
const FILES = 20;
const ENDPOINT = 'gantry-bench-churn';
const VARIANT = 'primary';
// Two hours of traffic, so the files span two hour prefixes as a real window does.
const START = Date.UTC(2026, 10, 22, 9, 30);
const SPAN_MS = 2 * 3_600_000;
/** Standard normal deciles: a feature drawn from N(mean, sd) has these edges × sd + mean. */
const Z_DECILES = [-1.2815515655446004, -0.8416212335729143, -0.5244005127080407, -0.2533471031357997, 0, 0.2533471031357997, 0.5244005127080407, 0.8416212335729143, 1.2815515655446004];
/** The first features drift by half a standard deviation, so the report has work to do. */
const SHIFTED = 3;

if (!Number.isInteger(RECORDS) || RECORDS < 1) throw new Error(`GANTRY_BENCH_RECORDS must be a positive integer, got ${process.env.GANTRY_BENCH_RECORDS}`);

const random = mulberry32(42);
function normal(): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

const means = Array.from({ length: FEATURES }, (_, i) => (i % 4 === 0 ? 0 : 10 ** (i % 4)) * (i + 1));
const sds = Array.from({ length: FEATURES }, (_, i) => 1 + (i % 5) * 7.5);

function baseline(): Baseline {
  const feature = (name: string, mean: number, sd: number): BaselineFeature => ({ name, kind: 'numeric', count: 100_000, missing: 0, binEdges: Z_DECILES.map((z) => mean + z * sd), proportions: new Array<number>(10).fill(0.1) });
  return {
    formatVersion: 1,
    model: 'churn',
    createdAt: new Date(START).toISOString(),
    records: 100_000,
    features: means.map((mean, i) => feature(`f${i}`, mean, sds[i]!)),
    prediction: feature('prediction', 0.5, 0.15),
  };
}

function captureLine(time: number): string {
  const cells: string[] = [];
  for (let i = 0; i < FEATURES; i += 1) cells.push((means[i]! + (normal() + (i < SHIFTED ? 0.5 : 0)) * sds[i]!).toPrecision(14));
  const input = Buffer.from(cells.join(','), 'utf8').toString('base64');
  const output = (0.5 + normal() * 0.15).toPrecision(8);
  return `{"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"${input}","encoding":"BASE64"},"endpointOutput":{"observedContentType":"text/csv; charset=utf-8","mode":"OUTPUT","data":"${output}","encoding":"CSV"}},"eventMetadata":{"eventId":"${randomUUID()}","inferenceTime":"${new Date(time).toISOString()}"},"eventVersion":"0"}\n`;
}

/** Writes the capture files, a few thousand lines at a time, and returns their paths in time order. */
function writeCapture(root: string): { files: string[]; bytes: number } {
  const files: string[] = [];
  let bytes = 0;
  const perFile = Math.ceil(RECORDS / FILES);
  for (let file = 0, written = 0; written < RECORDS; file += 1) {
    const count = Math.min(perFile, RECORDS - written);
    const opened = START + Math.floor((file * SPAN_MS) / FILES);
    const iso = new Date(opened).toISOString();
    const dir = join(root, ENDPOINT, VARIANT, iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10), iso.slice(11, 13));
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${iso.slice(14, 16)}-${iso.slice(17, 19)}-${iso.slice(20, 23)}-${randomUUID()}.jsonl`);
    const fd = openSync(path, 'w');
    let chunk: string[] = [];
    for (let i = 0; i < count; i += 1) {
      chunk.push(captureLine(opened + Math.floor((i * SPAN_MS) / FILES / count)));
      if (chunk.length === 5000 || i === count - 1) {
        bytes += writeSync(fd, chunk.join(''));
        chunk = [];
      }
    }
    closeSync(fd);
    files.push(path);
    written += count;
  }
  return { files, bytes };
}

/** Streams a file and calls `onLine` with each line (no newline), splitting the bytes by hand. */
async function eachLine(path: string, onLine: (line: string) => void): Promise<void> {
  let rest: Buffer | undefined;
  for await (const data of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const chunk: Buffer = rest ? Buffer.concat([rest, data as Buffer]) : (data as Buffer);
    let start = 0;
    for (let end = chunk.indexOf(10, start); end !== -1; end = chunk.indexOf(10, start)) {
      onLine(chunk.toString('utf8', start, end));
      start = end + 1;
    }
    rest = start < chunk.length ? chunk.subarray(start) : undefined;
  }
  if (rest) onLine(rest.toString('utf8'));
}

async function timed(file: string, onLine: (line: string) => void): Promise<number> {
  const started = process.hrtime.bigint();
  await eachLine(file, onLine);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'gantry-drift-bench-'));
  try {
    const { files } = writeCapture(root);
    const walked = (dir: string): string[] => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walked(join(dir, name)) : [join(dir, name)]));
    if (walked(root).length !== files.length) throw new Error('capture layout: unexpected files');
    const window = { from: new Date(START), to: new Date(START + SPAN_MS) };

    let parsed = 0;
    const parseOnly = (line: string): void => {
      if (JSON.parse(line) !== null) parsed += 1;
    };
    let accumulator = new DriftAccumulator(baseline(), { window });
    const check = (line: string): void => accumulator.addLine(line);

    // A warm-up over the first file, then the timed passes, file by file, the floor first: on a
    // shared machine a burst of load then falls on both measures alike.
    await eachLine(files[0]!, parseOnly);
    await eachLine(files[0]!, check);
    parsed = 0;
    accumulator = new DriftAccumulator(baseline(), { window });
    let parseSeconds = 0;
    let seconds = 0;
    for (const file of files) {
      parseSeconds += await timed(file, parseOnly);
      seconds += await timed(file, check);
    }
    const started = process.hrtime.bigint();
    const report = accumulator.report('churn');
    seconds += Number(process.hrtime.bigint() - started) / 1e9;

    if (parsed !== RECORDS || report.records !== RECORDS || Object.keys(report.malformed).length > 0) throw new Error(`expected ${RECORDS} records, parsed ${parsed}, checked ${report.records}, malformed ${JSON.stringify(report.malformed)}`);
    if (!report.drifted || report.features.filter((f) => f.drifted).length !== SHIFTED) throw new Error(`expected drift in exactly ${SHIFTED} features: ${JSON.stringify(report.features.map((f) => [f.name, f.psi, f.ks]))}`);

    const recordsPerSec = RECORDS / seconds;
    const parseOnlyRecordsPerSec = RECORDS / parseSeconds;
    console.log(
      JSON.stringify({
        bench: 'drift-check',
        records: RECORDS,
        seconds: Number(seconds.toFixed(2)),
        recordsPerSec: Math.round(recordsPerSec),
        parseOnlyRecordsPerSec: Math.round(parseOnlyRecordsPerSec),
        ratio: Number((recordsPerSec / parseOnlyRecordsPerSec).toFixed(2)),
        peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      }),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
