/**
 * Amazon SageMaker: the endpoint, its data capture, training, preprocessing and Neo compilation
 * of each model. The deploy and training workflows create these at run time, so no template
 * shows them: they are modelled from the config.
 */
import type { InstanceUse } from '../../config/instance-types';
import { compilesWithNeo, type ModelConfig } from '../../config';
import { formatCount, formatPrice } from '../format';
import { findPrice, SAGEMAKER_USE_KEY } from '../prices';
import { UnpricedError } from '../types';
import { HOURS_PER_MONTH, KB_PER_GB } from '../units';
import { modelUsage } from '../usage';
import { UsedPrices, type ModelledLine } from './pricer';

/** Preprocessing jobs per training run. */
const PROCESSING_JOBS_PER_TRAINING_RUN = 1;

/** The rate of an instance type for a use. @throws UnpricedError naming the model, the config field and the type. */
function instancePrice(p: UsedPrices, model: ModelConfig, field: string, use: InstanceUse, instanceType: string): number {
  const key = `${SAGEMAKER_USE_KEY[use]}.${instanceType}`;
  if (!findPrice(key)) throw new UnpricedError(`model ${model.name}: no price for ${field} ${instanceType} (${SAGEMAKER_USE_KEY[use]}) in lib/cost/prices.ts`);
  return p.usd(key);
}

function endpoint(model: ModelConfig): ModelledLine {
  const p = new UsedPrices();
  const u = model.usage;
  const s = model.serving;
  if (s.target === 'serverless') {
    const memGb = s.serverless!.memorySizeMb / 1024;
    const gbs = p.usd('sagemaker.serverless.gb-second');
    const dataRate = p.usd('sagemaker.serverless.data-gb');
    const gbSeconds = memGb * (u.serverlessDurationMs / 1000) * u.invocationsPerMonth;
    const dataGb = (u.invocationsPerMonth * u.payloadKb) / KB_PER_GB;
    return {
      resource: `${model.name}/endpoint`,
      type: 'modelled:sagemaker-endpoint',
      idleUsd: 0,
      expectedUsd: gbSeconds * gbs + dataGb * dataRate,
      basis: `serverless, nothing when idle; ${memGb} GB × ${u.serverlessDurationMs / 1000} s × ${formatCount(u.invocationsPerMonth)} invocations = ${formatCount(gbSeconds)} GB-s × ${formatPrice(gbs)} + ${formatCount(dataGb)} GB processed × ${formatPrice(dataRate)}/GB`,
      prices: p.keys,
    };
  }
  const type = s.instanceType!;
  const rate = instancePrice(p, model, 'serving.instanceType', 'inference', type);
  const n = s.autoscaling.minInstances;
  const usd = n * HOURS_PER_MONTH * rate;
  return {
    resource: `${model.name}/endpoint`,
    type: 'modelled:sagemaker-endpoint',
    idleUsd: usd,
    expectedUsd: usd,
    basis: `${n} × ${type} (autoscaling.minInstances) × ${HOURS_PER_MONTH} h × ${formatPrice(rate)}/h; scale-out above the minimum not modelled`,
    prices: p.keys,
  };
}

function dataCapture(model: ModelConfig): ModelledLine {
  const p = new UsedPrices();
  const u = model.usage;
  const rate = p.usd('s3.standard.gb-month');
  const gb = (modelUsage(model).capturedRequests * u.payloadKb) / KB_PER_GB;
  return {
    resource: `${model.name}/data-capture`,
    type: 'modelled:sagemaker-data-capture',
    idleUsd: 0,
    expectedUsd: gb * rate,
    basis: `${formatCount(u.invocationsPerMonth)} invocations × ${model.serving.dataCaptureSamplingPercent} % × ${u.payloadKb} KB = ${formatCount(gb)} GB × ${formatPrice(rate)}/GB-month (a month of captures)`,
    prices: p.keys,
  };
}

function training(model: ModelConfig): ModelledLine {
  const p = new UsedPrices();
  const u = model.usage;
  const t = model.training;
  const runs = modelUsage(model).trainingRuns;
  const rate = instancePrice(p, model, 'training.instanceType', 'training', t.instanceType);
  const hours = runs * u.trainingHoursPerRun * t.instanceCount;
  const factor = t.spot.enabled ? 1 - u.spotDiscountPercent / 100 : 1;
  return {
    resource: `${model.name}/training`,
    type: 'modelled:sagemaker-training',
    idleUsd: 0,
    expectedUsd: hours * rate * factor,
    basis: `${formatCount(runs)} runs × ${formatCount(u.trainingHoursPerRun)} h × ${t.instanceCount} × ${t.instanceType} × ${formatPrice(rate)}/h${t.spot.enabled ? ` × (1 − ${u.spotDiscountPercent} % spot discount)` : ' (on-demand)'}`,
    prices: p.keys,
  };
}

function processing(model: ModelConfig): ModelledLine {
  const p = new UsedPrices();
  const type = model.preprocessing.instanceType;
  const rate = instancePrice(p, model, 'preprocessing.instanceType', 'processing', type);
  const jobs = modelUsage(model).trainingRuns * PROCESSING_JOBS_PER_TRAINING_RUN;
  return {
    resource: `${model.name}/processing`,
    type: 'modelled:sagemaker-processing',
    idleUsd: 0,
    expectedUsd: jobs * model.usage.processingHoursPerRun * rate,
    basis: `${formatCount(jobs)} jobs (one per training run) × ${formatCount(model.usage.processingHoursPerRun)} h × ${type} × ${formatPrice(rate)}/h`,
    prices: p.keys,
  };
}

function neoCompile(model: ModelConfig): ModelledLine {
  return {
    resource: `${model.name}/compile`,
    type: 'modelled:sagemaker-neo-compile',
    idleUsd: 0,
    expectedUsd: 0,
    basis: `${formatCount(modelUsage(model).deployments)} Neo compile jobs (one per deployment): $0, SageMaker Neo lists no compilation charge (the price table holds no Neo rate; not independently sourced)`,
    prices: [],
  };
}

/** The modelled SageMaker lines of a model, in report order. */
export function sagemakerLines(model: ModelConfig): ModelledLine[] {
  return [
    endpoint(model),
    // SageMaker cannot capture data on serverless endpoints.
    ...(model.serving.target === 'serverless' ? [] : [dataCapture(model)]),
    training(model),
    processing(model),
    ...(compilesWithNeo(model) ? [neoCompile(model)] : []),
  ];
}
