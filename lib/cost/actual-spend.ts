/**
 * What Cost Explorer recorded for a stage: the GetCostAndUsage requests, built here, and their
 * answers, read here. The requests go through a port (`CostAndUsageSource`), so this module
 * needs no SDK; the CLI's adapter passes the shapes to Cost Explorer's client unchanged.
 */
import { COST_TAG_KEYS, type CostTagKey } from '../contract';
import { UNTAGGED } from './types';

/**
 * A GetCostAndUsage request, as much of it as Gantry sends, in Cost Explorer's own field names.
 * Its arrays are mutable because the SDK's input type takes them so.
 */
export interface CostAndUsageRequest {
  readonly TimePeriod: { readonly Start: string; readonly End: string };
  readonly Granularity: 'MONTHLY';
  readonly Metrics: ['UnblendedCost'];
  readonly Filter: { readonly Tags: { readonly Key: string; readonly Values: string[]; readonly MatchOptions: ['EQUALS'] } };
  readonly GroupBy: [{ readonly Type: 'TAG'; readonly Key: string }];
  readonly NextPageToken?: string;
}

/** One page of a GetCostAndUsage answer, as much of it as Gantry reads. */
export interface CostAndUsagePage {
  readonly ResultsByTime?: readonly {
    /** Cost Explorer has not finalized this period's figures yet. */
    readonly Estimated?: boolean;
    readonly Groups?: readonly { readonly Keys?: readonly string[]; readonly Metrics?: Readonly<Record<string, { readonly Amount?: string }>> }[];
  }[];
  readonly NextPageToken?: string;
}

/** The port to Cost Explorer's GetCostAndUsage. */
export interface CostAndUsageSource {
  getCostAndUsage(request: CostAndUsageRequest): Promise<CostAndUsagePage>;
}

/** Actual spend per value of each cost tag, in USD. */
export type ActualSpend = ReadonlyMap<CostTagKey, ReadonlyMap<string, number>>;

/** The period and the environment tag value whose spend is read. */
export interface SpendPeriod {
  /** First day, YYYY-MM-DD. */
  readonly from: string;
  /** Day after the last, YYYY-MM-DD (Cost Explorer's End is exclusive). */
  readonly to: string;
  /** The stage's Environment tag value. */
  readonly environment: string;
}

/** Cost Explorer refused or failed a request. The CLI exits 1. */
export class CostExplorerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CostExplorerError';
  }
}

/** The request for one page of the environment's spend in the period, grouped by `tag`. */
export function costAndUsageRequest(period: SpendPeriod, tag: CostTagKey, pageToken?: string): CostAndUsageRequest {
  return {
    TimePeriod: { Start: period.from, End: period.to },
    Granularity: 'MONTHLY',
    Metrics: ['UnblendedCost'],
    Filter: { Tags: { Key: 'Environment', Values: [period.environment], MatchOptions: ['EQUALS'] } },
    GroupBy: [{ Type: 'TAG', Key: tag }],
    ...(pageToken === undefined ? {} : { NextPageToken: pageToken }),
  };
}

/**
 * What Cost Explorer recorded for the environment in [from, to), grouped by each cost tag in
 * turn: it takes at most two group-bys a request, so one request (and its pages) per tag.
 * `estimated` tells whether Cost Explorer marked any of it as not final yet.
 * @throws CostExplorerError naming the tag, with a hint for the failures a user can fix.
 */
export async function actualSpend(source: CostAndUsageSource, period: SpendPeriod): Promise<{ byTag: ActualSpend; estimated: boolean }> {
  const byTag = new Map<CostTagKey, Map<string, number>>();
  let estimated = false;
  for (const tag of COST_TAG_KEYS) {
    const values = new Map<string, number>();
    let token: string | undefined;
    do {
      let page: CostAndUsagePage;
      try {
        page = await source.getCostAndUsage(costAndUsageRequest(period, tag, token));
      } catch (error) {
        throw costExplorerError(error, tag);
      }
      for (const result of page.ResultsByTime ?? []) {
        estimated ||= result.Estimated === true;
        for (const group of result.Groups ?? []) {
          const value = tagValueOf(group.Keys?.[0] ?? '', tag);
          values.set(value, (values.get(value) ?? 0) + Number(group.Metrics?.['UnblendedCost']?.Amount ?? 0));
        }
      }
      token = page.NextPageToken || undefined;
    } while (token !== undefined);
    byTag.set(tag, values);
  }
  return { byTag, estimated };
}

/** `Team$growth-ml` → `growth-ml`; `Team$` (cost without the tag) → `(untagged)`. */
export function tagValueOf(groupKey: string, tag: string): string {
  const value = groupKey.startsWith(`${tag}$`) ? groupKey.slice(tag.length + 1) : groupKey;
  return value === '' ? UNTAGGED : value;
}

function costExplorerError(error: unknown, tag: string): CostExplorerError {
  const name = (error as Error).name;
  const hint =
    name === 'AccessDeniedException'
      ? ' (the caller needs ce:GetCostAndUsage)'
      : name === 'DataUnavailableException'
        ? ' (Cost Explorer has no data for the period yet: it fills in about 24 h after it is enabled, and lags about 24 h)'
        : '';
  return new CostExplorerError(`GetCostAndUsage grouped by ${tag} failed: ${name}: ${(error as Error).message}${hint}`, { cause: error });
}
