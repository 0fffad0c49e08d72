/**
 * The drift checks of each model: the drift function's scheduled invocations and the custom
 * metrics they publish. The schedule fires whether or not the endpoint has traffic, so they are
 * idle cost too.
 */
import type { ModelConfig } from '../../config';
import { formatCount, formatPrice } from '../format';
import { modelUsage } from '../usage';
import { driftFunctionMb } from './lambda';
import { sum, UsedPrices, type ModelledLine, type PricingContext } from './pricer';

/** Window metrics the drift function publishes per model (DriftMaxPSI, DriftMaxKS, DriftDetected, DriftRecords, DriftMalformedRecords). */
const WINDOW_METRICS = 5;
/** Metrics a drift check publishes for an empty window (DriftRecords, DriftMalformedRecords): what an idle endpoint costs. */
const EMPTY_WINDOW_METRICS = 2;
/** The prediction's drift metrics (PSI and KS: the prediction is assumed numeric). */
const PREDICTION_METRICS = 2;

/** Custom metrics a drift check of the model publishes: the window's, then each feature's and the prediction's. */
export function driftMetricCount(ctx: PricingContext, model: ModelConfig): number {
  const group = model.features ? ctx.config.featureGroups.find((g) => g.name === model.features!.group) : undefined;
  const perFeature = (model.features?.features ?? []).map((name) => {
    const type = group?.features.find((f) => f.name === name)?.type;
    // PSI for every feature; KS for numeric ones.
    return type === 'double' || type === 'bigint' ? 2 : 1;
  });
  return WINDOW_METRICS + sum(perFeature) + PREDICTION_METRICS;
}

/** The model's drift line; none when it has no drift checks (serverless). */
export function driftCheckLines(model: ModelConfig, ctx: PricingContext): ModelledLine[] {
  const usage = modelUsage(model);
  if (usage.driftChecks <= 0) return [];
  const p = new UsedPrices();
  const u = model.usage;
  const mb = driftFunctionMb(ctx);
  const gbs = p.usd('lambda.arm.gb-second');
  const req = p.usd('lambda.requests-million');
  const metric = p.usd('cloudwatch.custom-metric-month');
  const gbSeconds = usage.driftChecks * u.driftCheckSeconds * (mb / 1024);
  const lambda = gbSeconds * gbs + (usage.driftChecks / 1e6) * req;
  const metrics = driftMetricCount(ctx, model);
  return [
    {
      resource: `${model.name}/drift`,
      type: 'modelled:drift-checks',
      idleUsd: lambda + EMPTY_WINDOW_METRICS * metric,
      expectedUsd: lambda + metrics * metric,
      basis: `30 × 24 × 60 ÷ ${model.drift.windowMinutes} min = ${formatCount(usage.driftChecks)} checks × ${formatCount(u.driftCheckSeconds)} s × ${mb / 1024} GB = ${formatCount(gbSeconds)} GB-s × ${formatPrice(gbs)} + requests × ${formatPrice(req)}/million; custom metrics × ${formatPrice(metric)}/month: ${EMPTY_WINDOW_METRICS} for empty windows (idle), ${metrics} with traffic (window, features, prediction)`,
      prices: p.keys,
    },
  ];
}
