/**
 * Amazon DynamoDB, on demand: the feature table and the registry, from the config's usage;
 * provisioned capacity and the infrequent-access table class have no price here.
 */
import { FEATURE_TABLE, REGISTRY_TABLE } from '../../contract';
import { formatCount, formatPrice } from '../format';
import { KB_PER_GB } from '../units';
import { modelUsage } from '../usage';
import { sum, unpriced, type ServicePricers } from './pricer';

/** Registry request units per training run, per deployment and per drift check (assumed). */
export const REGISTRY_REQUESTS = {
  writesPerTrainingRun: 10,
  readsPerTrainingRun: 20,
  writesPerDeployment: 5,
  readsPerDeployment: 10,
  writesPerDriftCheck: 1,
  readsPerDriftCheck: 2,
  /** KB stored per registry write (one month of writes stays stored: an upper bound). */
  kbPerWrite: 1,
} as const;

/** KB stored per online feature row; one row per invocation's entity (an upper bound of distinct entities). */
export const FEATURE_ROW_KB = 1;

export const DYNAMODB_PRICERS: ServicePricers = {
  'AWS::DynamoDB::Table': (resource, p, ctx) => {
    const props = resource.props;
    if (props['BillingMode'] !== 'PAY_PER_REQUEST') throw unpriced(resource, ' with provisioned capacity');
    if (props['TableClass'] !== undefined && props['TableClass'] !== 'STANDARD') throw unpriced(resource, ` with table class ${String(props['TableClass'])}`);
    const keys = (props['KeySchema'] as { AttributeName: string; KeyType: string }[] | undefined) ?? [];
    const hash = keys.find((k) => k.KeyType === 'HASH')?.AttributeName;
    const pitr = (props['PointInTimeRecoverySpecification'] as { PointInTimeRecoveryEnabled?: boolean } | undefined)?.PointInTimeRecoveryEnabled === true;
    const models = ctx.config.models;
    let reads: number;
    let writes: number;
    let gb: number;
    let how: string;
    if (hash === FEATURE_TABLE.partitionKey) {
      reads = sum(models.filter((m) => m.features).map((m) => m.usage.invocationsPerMonth));
      writes = 0;
      gb = (reads * FEATURE_ROW_KB) / KB_PER_GB;
      how = `feature table: 1 read unit per feature lookup = ${formatCount(reads)} reads (invocations of models with features); ${formatCount(gb)} GB stored (${FEATURE_ROW_KB} KB row per invocation's entity, an upper bound); ingestion writes not modelled`;
    } else if (hash === REGISTRY_TABLE.partitionKey) {
      const r = REGISTRY_REQUESTS;
      const usage = models.map(modelUsage);
      writes = sum(usage.map((u) => u.trainingRuns * r.writesPerTrainingRun + u.deployments * r.writesPerDeployment + u.driftChecks * r.writesPerDriftCheck));
      reads = sum(usage.map((u) => u.trainingRuns * r.readsPerTrainingRun + u.deployments * r.readsPerDeployment + u.driftChecks * r.readsPerDriftCheck));
      gb = (writes * r.kbPerWrite) / KB_PER_GB;
      how = `registry: ${r.writesPerTrainingRun}/${r.readsPerTrainingRun} writes/reads per training run, ${r.writesPerDeployment}/${r.readsPerDeployment} per deployment, ${r.writesPerDriftCheck}/${r.readsPerDriftCheck} per drift check = ${formatCount(writes)} writes, ${formatCount(reads)} reads; ${formatCount(gb)} GB stored (a month of writes)`;
    } else {
      reads = 0;
      writes = 0;
      gb = 0;
      how = 'no usage model for this table: 0 requests, 0 GB';
    }
    const readRate = p.usd('dynamodb.on-demand.read-million');
    const writeRate = p.usd('dynamodb.on-demand.write-million');
    const storageRate = p.usd('dynamodb.storage.gb-month');
    const pitrRate = pitr ? p.usd('dynamodb.pitr.gb-month') : 0;
    const expected = (reads / 1e6) * readRate + (writes / 1e6) * writeRate + gb * storageRate + gb * pitrRate;
    return {
      idleUsd: 0,
      expectedUsd: expected,
      basis: `on-demand, empty when idle; ${how}; × ${formatPrice(readRate)}/million reads, ${formatPrice(writeRate)}/million writes, ${formatPrice(storageRate)}/GB-month${pitr ? ` + PITR ${formatPrice(pitrRate)}/GB-month` : ''}`,
    };
  },
};
