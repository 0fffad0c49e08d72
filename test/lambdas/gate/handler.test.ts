import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoRegistry } from '../../../lambdas/adapters/dynamo-registry';
import { handler, makeHandler } from '../../../lambdas/gate/handler';
import type { RegisterInput } from '../../../lambdas/core/registry/model';
import { ENV, type GateEvent, type GateRules } from '../../../lib/contract';
import { localRegistryTable } from '../../support/local-data';

const rules: GateRules = { primaryMetric: 'auc', direction: 'maximize', tolerance: 0.005, thresholds: { auc: { min: 0.7 }, logloss: { max: 0.5 } } };
const actor = 'arn:aws:states:us-east-1:111111111111:execution:gantry-dev-churn-training:train-1';

const version = (model: string, metrics: Record<string, number>): RegisterInput => ({
  model,
  artifactUri: `s3://gantry-dev-artifacts/${model}/train/output/model.tar.gz`,
  imageUri: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.5.1-cpu-py311',
  metrics,
  hyperparameters: {},
  dataInputs: [],
  createdBy: actor,
});

describe('gate handler', () => {
  let client: DynamoDBClient;
  let tableName: string;
  let registry: DynamoRegistry;

  /** Registers versions with these metrics and promotes the last one (v = count). */
  async function withProduction(model: string, ...metrics: Record<string, number>[]): Promise<void> {
    for (const m of metrics) {
      const { version: v } = await registry.register(version(model, m));
      await registry.approve(model, v, 'alice');
      await registry.promote(model, v, 'alice', 'better');
    }
  }

  beforeAll(async () => {
    ({ client, tableName } = await localRegistryTable());
    registry = new DynamoRegistry({ client, tableName });
    // v3 is production; v1 and v2 were before it (archived), so the gate must follow the pointer.
    await withProduction('churn', { auc: 0.9 }, { auc: 0.6 }, { auc: 0.78, logloss: 0.35 });
  });

  const gate = (event: GateEvent) => makeHandler({ registry })(event);

  it('fails a candidate worse than the production version by more than the tolerance', async () => {
    expect(await gate({ model: 'churn', metrics: { auc: 0.71, logloss: 0.4 }, gate: rules })).toEqual({
      passed: false,
      reason: "auc 0.71 is below production v3's 0.78 by more than the tolerance 0.005",
      productionVersion: 3,
    });
  });

  it('passes a candidate within the tolerance of production, naming every check', async () => {
    expect(await gate({ model: 'churn', metrics: { auc: 0.776, logloss: 0.4 }, gate: rules })).toEqual({
      passed: true,
      reason: "auc 0.776 meets the minimum 0.7; logloss 0.4 meets the maximum 0.5; auc 0.776 is not below production v3's 0.78 by more than the tolerance 0.005",
      productionVersion: 3,
    });
  });

  it('fails a broken threshold even when production is worse', async () => {
    const result = await gate({ model: 'churn', metrics: { auc: 0.95, logloss: 0.9 }, gate: rules });
    expect(result).toEqual({ passed: false, reason: 'logloss 0.9 is above the maximum 0.5', productionVersion: 3 });
  });

  it('passes when production has no value of the primary metric', async () => {
    const result = await gate({ model: 'churn', metrics: { f1: 0.5 }, gate: { primaryMetric: 'f1', direction: 'maximize', tolerance: 0, thresholds: {} } });
    expect(result).toEqual({ passed: true, reason: 'production v3 has no f1 metric to compare with', productionVersion: 3 });
  });

  it('passes against no production version: a model with versions but none promoted', async () => {
    await registry.register(version('fraud', { auc: 0.99 }));
    const result = await gate({ model: 'fraud', metrics: { auc: 0.8, logloss: 0.3 }, gate: rules });
    expect(result).toEqual({ passed: true, reason: 'auc 0.8 meets the minimum 0.7; logloss 0.3 meets the maximum 0.5; no production version to compare with' });
  });

  it("passes against no production version: a model's first run, never registered", async () => {
    const result = await gate({ model: 'brand-new', metrics: { auc: 0.8, logloss: 0.3 }, gate: rules });
    expect(result).toMatchObject({ passed: true, reason: expect.stringMatching(/; no production version to compare with$/) });
    expect(result.productionVersion).toBeUndefined();
  });

  it.each([
    [{ model: 'churn', metrics: { auc: '0.8' }, gate: rules }, /metrics\.auc: expected number, got string/],
    [{ model: 'churn', metrics: {}, gate: { ...rules, direction: 'up' } }, /gate\.direction: must be one of "maximize", "minimize"/],
    [{ model: 'churn', metrics: {}, gate: { ...rules, tolerance: -1 } }, /gate\.tolerance: must be zero or more/],
    [{ model: 'churn', metrics: {}, gate: { ...rules, thresholds: { auc: {} } } }, /gate\.thresholds\.auc: must set min, max or both/],
    [{ model: 'churn', metrics: {}, gate: { ...rules, thresholds: { auc: { min: 0.9, max: 0.1 } } } }, /gate\.thresholds\.auc: min must not exceed max/],
    [{ model: 'churn', metrics: {} }, /gate: expected object \(missing\)/],
    [{ metrics: {}, gate: rules }, /model: expected string \(missing\)/],
  ])('throws InvalidEventError naming the field for bad event %#', async (event, message) => {
    await expect(makeHandler({ registry })(event)).rejects.toMatchObject({ name: 'InvalidEventError', message: expect.stringMatching(message) });
  });

  it('runs as deployed: the exported handler reads its table from the environment', async () => {
    process.env[ENV.registryTable] = tableName;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = inject('dynamoEndpoint');
    try {
      await expect(handler({ model: 'churn', metrics: { auc: 0.8, logloss: 0.3 }, gate: rules })).resolves.toMatchObject({ passed: true, productionVersion: 3 });
    } finally {
      delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    }
  });
});
