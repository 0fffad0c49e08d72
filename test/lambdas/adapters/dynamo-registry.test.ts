import { GetItemCommand, ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoRegistry } from '../../../lambdas/adapters/dynamo-registry';
import { InvalidTransitionError, liveVersionAt, NoLastGoodError, NoProductionError, UnknownModelError, UnknownVersionError, type RegisterInput } from '../../../lambdas/core/registry/model';
import { InvalidRegistrationError } from '../../../lambdas/core/registry/validation';
import { localRegistryTable } from '../../support/local-data';

function lineage(model: string, n = 1): RegisterInput {
  return {
    model,
    artifactUri: `s3://gantry-artifacts/${model}/${n}/model.tar.gz`,
    imageUri: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.5.1-cpu-py311',
    metrics: { auc: 0.8 + n / 1000 },
    hyperparameters: { epochs: '20' },
    dataInputs: [{ uri: `s3://gantry-curated/${model}/train.csv`, versionId: `v${n}` }],
    trainingJobArn: `arn:aws:sagemaker:us-east-1:111111111111:training-job/${model}-${n}`,
    baselineUri: `s3://gantry-artifacts/${model}/${n}/baseline.json`,
    createdBy: 'test',
  };
}

describe('DynamoRegistry on DynamoDB Local', () => {
  let client: DynamoDBClient;
  let tableName: string;
  let registry: DynamoRegistry;
  let modelCounter = 0;
  const model = () => `model-${++modelCounter}`;

  beforeAll(async () => {
    ({ client, tableName } = await localRegistryTable());
    registry = new DynamoRegistry({ client, tableName });
  });

  it('registers versions 1, 2, 3 with their lineage and reads them back', async () => {
    const m = model();
    const v1 = await registry.register(lineage(m, 1));
    const v2 = await registry.register(lineage(m, 2));
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v1.status).toBe('Registered');
    expect(await registry.getVersion(m, 2)).toEqual(v2);
    expect((await registry.getVersion(m, 1)).dataInputs).toEqual([{ uri: `s3://gantry-curated/${m}/train.csv`, versionId: 'v1' }]);
    expect((await registry.listVersions(m)).map((v) => v.version)).toEqual([1, 2]);
    expect(await registry.listModels()).toContain(m);
  });

  it('gives 50 concurrent registrations exactly the versions 1..50, each with its event', async () => {
    const m = model();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => new DynamoRegistry({ client, tableName }).register(lineage(m, i + 1))));
    expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // Each registration kept its own lineage under the number it got.
    for (const r of results) expect((await registry.getVersion(m, r.version)).artifactUri).toBe(r.artifactUri);
    const history = await registry.history(m);
    expect(history.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(history.filter((e) => e.type === 'Registered')).toHaveLength(50);
  }, 60_000);

  it('ends 20 concurrent promotions of different approved versions with exactly one production, pointers agreeing with the last event', async () => {
    const m = model();
    for (let i = 1; i <= 20; i++) {
      await registry.register(lineage(m, i));
      await registry.approve(m, i, 'reviewer');
    }
    await Promise.all(Array.from({ length: 20 }, (_, i) => new DynamoRegistry({ client, tableName }).promote(m, i + 1, 'deployer')));
    const versions = await registry.listVersions(m);
    const inProduction = versions.filter((v) => v.status === 'Production');
    expect(inProduction).toHaveLength(1);
    expect(versions.filter((v) => v.status === 'Archived')).toHaveLength(19);

    const history = await registry.history(m);
    const promotions = history.filter((e) => e.type === 'Promoted');
    expect(promotions.map((e) => e.version).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // Each promotion replaced the one committed just before it.
    promotions.slice(1).forEach((p, i) => expect(p.previousVersion).toBe(promotions[i]!.version));
    const last = promotions.at(-1)!;
    expect(await registry.pointers(m)).toEqual({ production: last.version, lastGood: last.previousVersion });
    expect(inProduction[0]!.version).toBe(last.version);
    expect(history.map((e) => e.seq)).toEqual(Array.from({ length: history.length }, (_, i) => i + 1));
  }, 60_000);

  it('promotes, keeps last-good, rolls back, and answers which version was live when', async () => {
    const m = model();
    let clock = Date.parse('2026-03-01T00:00:00Z');
    const timed = new DynamoRegistry({ client, tableName, now: () => new Date((clock += 60_000)) });
    await timed.register(lineage(m, 1));
    await timed.register(lineage(m, 2));
    await timed.approve(m, 1, 'alice', 'looks good');
    await timed.approve(m, 2, 'alice');
    const p1 = await timed.promote(m, 1, 'deployer');
    const p2 = await timed.promote(m, 2, 'deployer');
    expect(await timed.pointers(m)).toEqual({ production: 2, lastGood: 1 });
    expect((await timed.getVersion(m, 1)).status).toBe('Archived');

    const rolledBack = await timed.rollback(m, 'rollback-handler', 'latency alarm');
    expect(rolledBack).toMatchObject({ type: 'RolledBack', version: 1, previousVersion: 2, reason: 'latency alarm' });
    expect(await timed.pointers(m)).toEqual({ production: 1, lastGood: undefined });
    expect((await timed.getVersion(m, 2)).status).toBe('RolledBack');
    expect((await timed.getVersion(m, 1)).status).toBe('Production');

    const history = await timed.history(m);
    expect(history.map((e) => e.type)).toEqual(['Registered', 'Registered', 'Approved', 'Approved', 'Promoted', 'Promoted', 'RolledBack']);
    expect(liveVersionAt(history, new Date(Date.parse(p1.at) - 1))).toBeUndefined();
    expect(liveVersionAt(history, new Date(p1.at))).toBe(1);
    expect(liveVersionAt(history, new Date(p2.at))).toBe(2);
    expect(liveVersionAt(history, new Date(rolledBack.at))).toBe(1);

    // A second rollback has nowhere to go, and changes nothing.
    await expect(timed.rollback(m, 'rollback-handler')).rejects.toThrow(NoLastGoodError);
    expect((await timed.history(m)).length).toBe(history.length);
  });

  it('refuses invalid transitions without writing anything', async () => {
    const m = model();
    await registry.register(lineage(m, 1));
    await expect(registry.promote(m, 1, 'x')).rejects.toThrow(/version 1 cannot go from Registered to Production: only Approved versions can be promoted/);
    await registry.reject(m, 1, 'reviewer', 'AUC too low');
    await expect(registry.approve(m, 1, 'x')).rejects.toThrow(InvalidTransitionError);
    expect((await registry.getVersion(m, 1))).toMatchObject({ status: 'Rejected', statusReason: 'AUC too low' });
    expect((await registry.history(m)).map((e) => e.type)).toEqual(['Registered', 'Rejected']);
    await expect(registry.rollback(m, 'x')).rejects.toThrow(NoProductionError);
  });

  it('names unknown models and versions', async () => {
    await expect(registry.getVersion('never-registered', 1)).rejects.toThrow(UnknownModelError);
    await expect(registry.listVersions('never-registered')).rejects.toThrow('model "never-registered" has no registered versions');
    const m = model();
    await registry.register(lineage(m, 1));
    await expect(registry.getVersion(m, 9)).rejects.toThrow(UnknownVersionError);
    await expect(registry.approve(m, 9, 'x')).rejects.toThrow(`model "${m}" has no version 9`);
  });

  it('rejects an invalid registration before writing anything', async () => {
    const m = model();
    await expect(registry.register({ ...lineage(m), artifactUri: 'file:///tmp/model' })).rejects.toThrow(InvalidRegistrationError);
    const { Items } = await client.send(new ScanCommand({ TableName: tableName, FilterExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: `MODEL#${m}` } } }));
    expect(Items).toEqual([]);
  });

  it('records failures, even for a model whose first run failed', async () => {
    const m = model();
    const failed = await registry.recordFailure(m, { type: 'Failed', actor: 'arn:aws:states:us-east-1:111111111111:execution:train:1', reason: 'training job failed', details: { step: 'Train' } });
    expect(failed).toMatchObject({ seq: 1, type: 'Failed', reason: 'training job failed' });
    const gate = await registry.recordFailure(m, { type: 'GateFailed', actor: 'pipeline', reason: 'auc 0.6 < 0.7' });
    expect(gate.seq).toBe(2);
    // The first registration after failures still gets version 1.
    expect((await registry.register(lineage(m, 1))).version).toBe(1);
    const meta = await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: `MODEL#${m}` }, sk: { S: 'META' } } }));
    expect(meta.Item?.eventSeq).toEqual({ N: '3' });
  });
});
