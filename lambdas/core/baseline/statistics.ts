/**
 * Baseline statistics for drift, in two streaming passes over the training data, in memory
 * bounded by the options whatever the data's size:
 *
 * - pass 1 (`sample`) keeps, per numeric feature, a uniform reservoir sample (seeded, so a rerun
 *   gives the same baseline) and, per categorical feature, a Misra–Gries summary of candidate
 *   frequent categories; at its end (`endSampling`) the decile edges are read off the sample;
 * - pass 2 (`count`) counts every record exactly into those bins and candidate categories.
 *
 * So edges are exact deciles while a feature's values fit the reservoir and a close
 * approximation beyond it, and the proportions are always exact for the edges chosen.
 * Bins follow the contract: bin i holds (edge[i-1], edge[i]], open at both ends, so repeated
 * edges (a column of equal values) leave empty bins and the proportions still sum to 1.
 */
import { type BaselineFeature, PIPELINE_ERRORS } from '../../../lib/contract';

export type FeatureKind = 'numeric' | 'categorical';

export interface FeatureSpec {
  readonly name: string;
  /** @default inferred: numeric when every non-missing value is a finite number */
  readonly kind?: FeatureKind;
}

/** A record as an object (column → cell) or as an array of cells in `columns` order. */
export type BaselineRecord = Readonly<Record<string, unknown>> | readonly unknown[];

export interface BaselineBuilderOptions {
  /** The features, in the order the endpoint receives them. @default every column, in order of first appearance */
  readonly features?: readonly FeatureSpec[];
  /** Columns that are never features when they are inferred (the label). */
  readonly exclude?: readonly string[];
  /** Column names of array records. */
  readonly columns?: readonly string[];
  /** Values sampled per numeric feature; deciles are exact up to this many values. @default 100_000 */
  readonly reservoirSize?: number;
  /** Seed of the sampling PRNG. @default 1 */
  readonly seed?: number;
  /** Categories listed per feature; the rest share `other`. @default 50 */
  readonly maxCategories?: number;
  /** Candidate categories tracked per feature in pass 1; the top list is exact up to this many distinct values. @default 1000 */
  readonly candidateCategories?: number;
}

/** The data holds no record. */
export class EmptyDataError extends Error {
  constructor(message = 'the data holds no records', options?: { cause?: unknown }) {
    super(message, options);
    this.name = PIPELINE_ERRORS.dataEmpty;
  }
}

/** A feature the caller named is not a column of the data. */
export class FeatureNotInDataError extends Error {
  constructor(
    readonly features: readonly string[],
    readonly columns: readonly string[],
  ) {
    super(`feature(s) ${features.map((f) => `"${f}"`).join(', ')} not in the data; its columns are ${columns.map((c) => `"${c}"`).join(', ') || '(none)'}`);
    this.name = 'FeatureNotInDataError';
  }
}

/** The builder was used out of order, or the two passes did not see the same data. */
export class BaselinePassError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BaselinePassError';
  }
}

const NUMBER = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** A cell as a number: finite numbers and decimal strings; anything else (blank, text, booleans) is not one. */
export function numericCell(cell: unknown): number | undefined {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : undefined;
  if (typeof cell !== 'string' || !NUMBER.test(cell)) return undefined;
  const value = Number(cell);
  return Number.isFinite(value) ? value : undefined;
}

/** A cell as a category, or undefined when it is missing (null, absent, blank or non-finite). */
export function categoryCell(cell: unknown): string | undefined {
  if (cell === null || cell === undefined) return undefined;
  if (typeof cell === 'string') return cell.trim() === '' ? undefined : cell;
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : undefined;
  if (typeof cell === 'boolean') return String(cell);
  return JSON.stringify(cell);
}

/**
 * The bin of a value: the first i with value <= edges[i], or edges.length (the open top bin).
 * With repeated edges the value goes to the lowest bin of the run, so the bins above it stay
 * empty. @throws RangeError for NaN
 */
export function binIndex(edges: readonly number[], value: number): number {
  if (Number.isNaN(value)) throw new RangeError('binIndex: value is NaN');
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value <= edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The 9 inner decile edges of sorted values: edge i is the smallest value with at least
 * i/10 of the values at or below it (the inverse empirical CDF), so 1..100 gives 10, 20, …, 90.
 * Empty for no values.
 */
export function decileEdges(sorted: ArrayLike<number>): number[] {
  const n = sorted.length;
  if (n === 0) return [];
  const edges: number[] = [];
  for (let i = 1; i <= 9; i += 1) edges.push(sorted[Math.max(0, Math.ceil((i * n) / 10) - 1)]!);
  return edges;
}

/** The `max` largest counts, largest first; ties by name, so the choice is reproducible. */
export function topCategories(counts: ReadonlyMap<string, number>, max: number): [string, number][] {
  return [...counts.entries()]
    .filter(([, count]) => count > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, max);
}

/**
 * Shares of observed category counts over a fixed list of categories (a baseline's): each listed
 * category's share (0 when unseen) and the share of everything else, unseen categories
 * included, in `other`. All shares are 0 when nothing was observed.
 */
export function categoryShares(counts: ReadonlyMap<string, number> | Readonly<Record<string, number>>, categories: Iterable<string>): { categories: Record<string, number>; other: number; total: number } {
  const entries = counts instanceof Map ? [...(counts as ReadonlyMap<string, number>).entries()] : Object.entries(counts);
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  const observed = new Map(entries);
  const shares: [string, number][] = [];
  let listed = 0;
  for (const category of categories) {
    const count = observed.get(category) ?? 0;
    listed += count;
    shares.push([category, total === 0 ? 0 : count / total]);
  }
  return { categories: Object.fromEntries(shares), other: total === 0 ? 0 : (total - listed) / total, total };
}

/** Builds the baseline features of one dataset in two passes; see the module comment. */
export class BaselineBuilder {
  private readonly columns: Column[] = [];
  private readonly byName = new Map<string, Column>();
  private readonly inferColumns: boolean;
  private readonly excluded: ReadonlySet<string>;
  private readonly arrayIndex: ReadonlyMap<string, number>;
  private readonly random: () => number;
  private readonly reservoirSize: number;
  private readonly candidateCategories: number;
  private readonly maxCategories: number;
  private phase: 'sampling' | 'counting' = 'sampling';
  private sampled = 0;
  private counted = 0;
  private firstColumns: readonly string[] = [];

  constructor(options: BaselineBuilderOptions = {}) {
    this.reservoirSize = positive('reservoirSize', options.reservoirSize ?? 100_000);
    this.candidateCategories = positive('candidateCategories', options.candidateCategories ?? 1000);
    this.maxCategories = positive('maxCategories', options.maxCategories ?? 50);
    this.random = mulberry32(options.seed ?? 1);
    this.excluded = new Set(options.exclude ?? []);
    this.arrayIndex = new Map((options.columns ?? []).map((name, i) => [name, i]));
    this.inferColumns = options.features === undefined;
    for (const spec of options.features ?? []) this.addColumn(spec.name, spec.kind);
    if (this.inferColumns) for (const name of options.columns ?? []) this.discover(name);
  }

  /** Records seen by pass 1. */
  get records(): number {
    return this.sampled;
  }

  /** Pass 1: one record. */
  sample(record: BaselineRecord): void {
    if (this.phase !== 'sampling') throw new BaselinePassError('sample() called after endSampling()');
    if (this.sampled === 0) this.firstColumns = Array.isArray(record) ? [...this.arrayIndex.keys()] : Object.keys(record);
    this.sampled += 1;
    if (this.inferColumns && !Array.isArray(record)) for (const name in record) if (!this.byName.has(name)) this.discover(name);
    for (const column of this.columns) {
      const cell = this.cell(record, column);
      if (cell === ABSENT) continue;
      column.present = true;
      this.observe(column, cell);
    }
  }

  /**
   * Ends pass 1: fixes each feature's kind, edges and candidate categories, and frees the samples.
   * @throws EmptyDataError, FeatureNotInDataError
   */
  endSampling(): void {
    if (this.phase !== 'sampling') throw new BaselinePassError('endSampling() called twice');
    if (this.sampled === 0) throw new EmptyDataError();
    const absent = this.columns.filter((column) => !column.present).map((column) => column.name);
    if (absent.length > 0 && !this.inferColumns) throw new FeatureNotInDataError(absent, this.firstColumns.slice(0, 50));
    for (const column of this.columns) {
      column.kind ??= column.numericCandidate ? 'numeric' : 'categorical';
      if (column.kind === 'numeric') {
        column.edges = decileEdges(Float64Array.from(column.reservoir).sort());
        column.bins = new Array<number>(column.edges.length + 1).fill(0);
      } else {
        column.counts = new Map([...(column.sketch ?? new Map<string, number>()).keys()].map((key) => [key, 0]));
      }
      column.reservoir = [];
      column.sketch = undefined;
    }
    this.phase = 'counting';
  }

  /** Pass 2: one record, the same records in the same order as pass 1. */
  count(record: BaselineRecord): void {
    if (this.phase !== 'counting') throw new BaselinePassError('count() called before endSampling()');
    this.counted += 1;
    for (const column of this.columns) {
      const cell = this.cell(record, column);
      if (column.kind === 'numeric') {
        const value = numericCell(cell);
        if (value === undefined) column.missing += 1;
        else {
          column.count += 1;
          column.bins[binIndex(column.edges, value)]! += 1;
        }
      } else {
        const key = categoryCell(cell);
        if (key === undefined) column.missing += 1;
        else {
          column.count += 1;
          const counts = column.counts;
          const current = counts.get(key);
          if (current === undefined) column.other += 1;
          else counts.set(key, current + 1);
        }
      }
    }
  }

  /**
   * The features' statistics. A feature with no value at all has empty `binEdges` and
   * `proportions` (numeric) or no categories and `other` 0 (categorical).
   * @throws BaselinePassError when pass 2 saw a different number of records than pass 1
   */
  build(): BaselineFeature[] {
    if (this.phase !== 'counting') throw new BaselinePassError('build() called before endSampling()');
    if (this.counted !== this.sampled) throw new BaselinePassError(`pass 2 saw ${this.counted} records where pass 1 saw ${this.sampled}: the data changed between the passes`);
    return this.columns.map((column): BaselineFeature => {
      const share = (n: number): number => (column.count === 0 ? 0 : n / column.count);
      if (column.kind === 'numeric') {
        const empty = column.count === 0;
        return { name: column.name, kind: 'numeric', count: column.count, missing: column.missing, binEdges: empty ? [] : column.edges, proportions: empty ? [] : column.bins.map(share) };
      }
      const top = topCategories(column.counts, this.maxCategories);
      const listed = top.reduce((sum, [, n]) => sum + n, 0);
      return {
        name: column.name,
        kind: 'categorical',
        count: column.count,
        missing: column.missing,
        categories: Object.fromEntries(top.map(([key, n]) => [key, share(n)])),
        other: share(column.count - listed),
      };
    });
  }

  /** Values held in memory right now (samples and candidate categories), for the log and the tests. */
  footprint(): { readonly sampledValues: number; readonly trackedCategories: number } {
    let sampledValues = 0;
    let trackedCategories = 0;
    for (const column of this.columns) {
      sampledValues += column.reservoir.length;
      trackedCategories += (column.sketch?.size ?? 0) + (column.counts?.size ?? 0);
    }
    return { sampledValues, trackedCategories };
  }

  private discover(name: string): void {
    // An empty header cell is a writer's index column (pandas' index=True), not a feature.
    if (name !== '' && !this.excluded.has(name) && !this.byName.has(name)) this.addColumn(name, undefined);
  }

  private addColumn(name: string, kind: FeatureKind | undefined): void {
    const column = new Column(name, kind);
    this.columns.push(column);
    this.byName.set(name, column);
  }

  private cell(record: BaselineRecord, column: Column): unknown {
    if (Array.isArray(record)) {
      const index = this.arrayIndex.get(column.name);
      return index === undefined || index >= record.length ? ABSENT : record[index];
    }
    // hasOwn, so a feature named like an Object.prototype member never reads the prototype.
    return Object.hasOwn(record, column.name) ? (record as Readonly<Record<string, unknown>>)[column.name] : ABSENT;
  }

  private observe(column: Column, cell: unknown): void {
    if (column.sketch !== undefined) {
      const key = categoryCell(cell);
      if (key !== undefined) misraGries(column.sketch, key, this.candidateCategories);
    }
    if (!column.numericCandidate) return;
    const value = numericCell(cell);
    if (value === undefined) {
      // A non-numeric value makes an inferred column categorical; in a numeric one it is missing.
      if (column.kind === undefined && categoryCell(cell) !== undefined) {
        column.numericCandidate = false;
        column.reservoir = [];
      }
      return;
    }
    // Algorithm R: after n values, each is in the sample with probability size/n.
    if (column.reservoir.length < this.reservoirSize) column.reservoir.push(value);
    else {
      const slot = Math.floor(this.random() * (column.numericSeen + 1));
      if (slot < this.reservoirSize) column.reservoir[slot] = value;
    }
    column.numericSeen += 1;
  }
}

const ABSENT: unique symbol = Symbol('absent');

class Column {
  present = false;
  numericCandidate: boolean;
  numericSeen = 0;
  reservoir: number[] = [];
  sketch: Map<string, number> | undefined;
  edges: number[] = [];
  bins: number[] = [];
  counts = new Map<string, number>();
  count = 0;
  missing = 0;
  other = 0;

  constructor(
    readonly name: string,
    public kind: FeatureKind | undefined,
  ) {
    this.numericCandidate = kind !== 'categorical';
    // Until a column is known to be numeric it may turn out categorical, so it keeps both.
    this.sketch = kind === 'numeric' ? undefined : new Map();
  }
}

/**
 * Misra–Gries: with k counters, every category more frequent than 1/(k+1) of the values keeps a
 * counter, so pass 2 can count the frequent ones exactly; with at most k distinct values nothing
 * is ever dropped.
 */
function misraGries(sketch: Map<string, number>, key: string, capacity: number): void {
  const current = sketch.get(key);
  if (current !== undefined) sketch.set(key, current + 1);
  else if (sketch.size < capacity) sketch.set(key, 1);
  else {
    for (const [other, count] of sketch) {
      if (count <= 1) sketch.delete(other);
      else sketch.set(other, count - 1);
    }
  }
}

/** A small seeded PRNG (uniform in [0, 1)); Math.random cannot be seeded. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
