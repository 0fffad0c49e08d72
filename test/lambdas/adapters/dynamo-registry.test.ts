import { GetItemCommand, QueryCommand, ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoRegistry } from '../../../lambdas/adapters/dynamo-registry';
import {
  AlreadyClaimedError,
  InvalidTransitionError,
  liveVersionAt,
  NoLastGoodError,
  NoProductionError,
  NotInProductionError,
  PointerMismatchError,
  UnknownClaimError,
  UnknownModelError,
  UnknownVersionError,
  endpointEventKey,
  type RegisterInput,
  type RegistryEvent,
} from '../../../lambdas/core/registry/model';
import { InvalidRegistrationError } from '../../../lambdas/core/registry/registration';
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

  /** Every item of a model, as stored: to prove that a refused change wrote nothing. */
  async function itemsOf(m: string): Promise<unknown[]> {
    const { Items } = await client.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: `MODEL#${m}` } }, ConsistentRead: true }));
    return Items ?? [];
  }

  /** A model with versions 1..`versions` approved, 1 then 2 promoted: production 2, last-good 1. */
  async function inProduction(versions = 2): Promise<string> {
    const m = model();
    for (let i = 1; i <= versions; i++) {
      await registry.register(lineage(m, i));
      await registry.approve(m, i, 'reviewer');
    }
    await registry.promote(m, 1, 'deployer');
    await registry.promote(m, 2, 'deployer');
    return m;
  }

  function expectGaplessSeq(history: readonly RegistryEvent[]): void {
    expect(history.map((e) => e.seq)).toEqual(Array.from({ length: history.length }, (_, i) => i + 1));
  }

  const claim = (key: string) => ({ key, executionName: `rollback-${key}`, details: { alarm: 'p99-latency', alarmTime: '2026-03-01T00:00:00Z' } });

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

  describe('markRolledBack and claims', () => {
    it('marks production RolledBack, writes the claim and a RollbackStarted event in one change, pointers unchanged', async () => {
      const m = await inProduction();
      const started = await registry.markRolledBack(m, 2, 'gantry-rollback', 'p99 latency alarm', claim('deploy-2-abc'));
      expect(started).toMatchObject({ model: m, seq: 7, type: 'RollbackStarted', version: 2, actor: 'gantry-rollback', reason: 'p99 latency alarm', details: claim('deploy-2-abc').details });
      expect(await registry.getVersion(m, 2)).toMatchObject({ status: 'RolledBack', statusReason: 'p99 latency alarm' });
      // The endpoint still serves version 2 until the rollback deployment ends.
      expect(await registry.pointers(m)).toEqual({ production: 2, lastGood: 1 });
      expect(liveVersionAt(await registry.history(m), new Date(Date.parse(started.at) + 1))).toBe(2);
      expect(await registry.getClaim(m, 'deploy-2-abc')).toEqual({
        model: m,
        key: 'deploy-2-abc',
        version: 2,
        createdAt: started.at,
        executionName: 'rollback-deploy-2-abc',
        details: claim('deploy-2-abc').details,
      });
      const history = await registry.history(m);
      expect(history.at(-1)).toEqual(started);
      expectGaplessSeq(history);
    });

    it('records that the claimed execution started, without an event', async () => {
      const m = await inProduction();
      await registry.markRolledBack(m, 2, 'gantry-rollback', 'alarm', claim('k1'));
      const events = (await registry.history(m)).length;
      const arn = `arn:aws:states:us-east-1:111111111111:execution:gantry-dev-${m}-deploy:rollback-k1`;
      await registry.markClaimStarted(m, 'k1', arn);
      expect(await registry.getClaim(m, 'k1')).toMatchObject({ key: 'k1', executionName: 'rollback-k1', executionArn: arn, startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
      expect((await registry.history(m)).length).toBe(events);
      expect(await registry.getClaim(m, 'never-claimed')).toBeUndefined();
      await expect(registry.markClaimStarted(m, 'never-claimed', arn)).rejects.toThrow(UnknownClaimError);
      await expect(registry.getClaim(m, 'never-claimed')).resolves.toBeUndefined();
    });

    it('throws AlreadyClaimedError with the first claim for a second call with the key, writing nothing', async () => {
      const m = await inProduction();
      const first = await registry.markRolledBack(m, 2, 'gantry-rollback', 'alarm', claim('dup'));
      const before = await itemsOf(m);
      const error = await registry.markRolledBack(m, 2, 'gantry-rollback', 'alarm again', claim('dup')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AlreadyClaimedError);
      expect((error as AlreadyClaimedError).claim).toMatchObject({ key: 'dup', version: 2, createdAt: first.at });
      expect((error as Error).message).toBe(`model "${m}": "dup" was already claimed at ${first.at}`);
      expect(await itemsOf(m)).toEqual(before);
    });

    it('gives exactly one of 100 concurrent callers with one key the claim; the other 99 get AlreadyClaimedError', async () => {
      const m = await inProduction();
      const results = await Promise.allSettled(
        Array.from({ length: 100 }, (_, i) => new DynamoRegistry({ client, tableName }).markRolledBack(m, 2, `caller-${i}`, 'alarm', claim('storm'))),
      );
      const won = results.filter((r): r is PromiseFulfilledResult<RegistryEvent> => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(99);
      for (const r of lost) expect(r.reason).toBeInstanceOf(AlreadyClaimedError);
      const history = await registry.history(m);
      expect(history.filter((e) => e.type === 'RollbackStarted')).toEqual([won[0]!.value]);
      expect(await registry.getClaim(m, 'storm')).toMatchObject({ createdAt: won[0]!.value.at, version: 2 });
      expectGaplessSeq(history);
    }, 60_000);

    it('refuses a version that is not in production, or was already marked, writing nothing', async () => {
      const m = await inProduction(3);
      const before = await itemsOf(m);
      await expect(registry.markRolledBack(m, 1, 'gantry-rollback', 'alarm', claim('a'))).rejects.toThrow(NotInProductionError);
      await expect(registry.markRolledBack(m, 3, 'gantry-rollback', 'alarm', claim('a'))).rejects.toThrow(`model "${m}" version 3 is not in production (version 2 is)`);
      await expect(registry.markRolledBack(m, 9, 'gantry-rollback', 'alarm', claim('a'))).rejects.toThrow(UnknownVersionError);
      expect(await itemsOf(m)).toEqual(before);

      await registry.markRolledBack(m, 2, 'gantry-rollback', 'alarm', claim('a'));
      const marked = await itemsOf(m);
      await expect(registry.markRolledBack(m, 2, 'gantry-rollback', 'alarm', claim('b'))).rejects.toThrow(/version 2 cannot go from RolledBack to RolledBack: it was already marked rolled back/);
      expect(await registry.getClaim(m, 'b')).toBeUndefined();
      expect(await itemsOf(m)).toEqual(marked);
    });

    it('says there is no production version for a model that never went live', async () => {
      const m = model();
      await registry.register(lineage(m, 1));
      await expect(registry.markRolledBack(m, 1, 'gantry-rollback', 'alarm', claim('a'))).rejects.toThrow(`model "${m}" version 1 is not in production (no version is)`);
    });

    /** A model in production at 2 with a rollback claim `key` whose execution `arn` started. */
    async function startedClaim(key: string): Promise<{ m: string; arn: string }> {
      const m = await inProduction();
      await registry.markRolledBack(m, 2, 'gantry-rollback', 'alarm', claim(key));
      const arn = `arn:aws:states:us-east-1:111111111111:execution:gantry-dev-${m}-deploy:rollback-${key}`;
      await registry.markClaimStarted(m, key, arn);
      return { m, arn };
    }
    const retry = (key: string, attempt: number) => ({ executionName: `rollback-${key}-attempt-${attempt}`, actor: 'gantry-rollback', reason: 'retry after FAILED', details: { previousStatus: 'FAILED' } });

    it('retakes a claim whose execution ended: attempt 2, no started execution, a RollbackStarted event, version still RolledBack and in production', async () => {
      const { m, arn } = await startedClaim('k');
      const first = await registry.getClaim(m, 'k');
      const event = await registry.retakeClaim(m, 'k', arn, retry('k', 2));
      expect(event).toMatchObject({ type: 'RollbackStarted', version: 2, actor: 'gantry-rollback', reason: 'retry after FAILED', details: { previousStatus: 'FAILED', attempt: 2, previousExecutionArn: arn } });
      expect(await registry.getClaim(m, 'k')).toEqual({
        model: m,
        key: 'k',
        version: 2,
        createdAt: event.at,
        executionName: 'rollback-k-attempt-2',
        attempt: 2,
        details: { previousStatus: 'FAILED', attempt: 2, previousExecutionArn: arn },
      });
      expect(Date.parse(event.at)).toBeGreaterThanOrEqual(Date.parse(first!.createdAt));
      expect(await registry.getVersion(m, 2)).toMatchObject({ status: 'RolledBack' });
      expect(await registry.pointers(m)).toEqual({ production: 2, lastGood: 1 });
      expectGaplessSeq(await registry.history(m));

      // The third attempt counts on from the second.
      await registry.markClaimStarted(m, 'k', `${arn}-attempt-2`);
      const third = await registry.retakeClaim(m, 'k', `${arn}-attempt-2`, retry('k', 3));
      expect(third.details).toMatchObject({ attempt: 3, previousExecutionArn: `${arn}-attempt-2` });
      expect(await registry.getClaim(m, 'k')).toMatchObject({ attempt: 3, executionName: 'rollback-k-attempt-3' });
    });

    it('refuses a retake naming another execution than the claim with AlreadyClaimedError, writing nothing', async () => {
      const { m, arn } = await startedClaim('k');
      const before = await itemsOf(m);
      const error = await registry.retakeClaim(m, 'k', `${arn}-not-this-one`, retry('k', 2)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AlreadyClaimedError);
      expect((error as AlreadyClaimedError).claim).toMatchObject({ key: 'k', executionArn: arn });
      expect(await itemsOf(m)).toEqual(before);
    });

    it('refuses a retake of a claim whose execution was never recorded as started, writing nothing', async () => {
      const m = await inProduction();
      await registry.markRolledBack(m, 2, 'gantry-rollback', 'alarm', claim('k'));
      const before = await itemsOf(m);
      await expect(registry.retakeClaim(m, 'k', 'arn:aws:states:us-east-1:111111111111:execution:x:rollback-k', retry('k', 2))).rejects.toThrow(AlreadyClaimedError);
      expect(await itemsOf(m)).toEqual(before);
    });

    it('names an unknown claim with UnknownClaimError, writing nothing', async () => {
      const m = await inProduction();
      const before = await itemsOf(m);
      await expect(registry.retakeClaim(m, 'never', 'arn:x', retry('never', 2))).rejects.toThrow(UnknownClaimError);
      expect(await itemsOf(m)).toEqual(before);
    });

    it('refuses a retake once the version no longer serves (the rollback went through), writing nothing', async () => {
      const { m, arn } = await startedClaim('k');
      await registry.rollback(m, 'gantry-deploy', 'rolled back');
      const before = await itemsOf(m);
      await expect(registry.retakeClaim(m, 'k', arn, retry('k', 2))).rejects.toThrow(`model "${m}" version 2 is not in production (version 1 is)`);
      expect(await itemsOf(m)).toEqual(before);
    });

    it('gives exactly one of 20 concurrent retakes of one ended execution the claim; the other 19 get AlreadyClaimedError', async () => {
      const { m, arn } = await startedClaim('k');
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => new DynamoRegistry({ client, tableName }).retakeClaim(m, 'k', arn, retry('k', 2))));
      const won = results.filter((r): r is PromiseFulfilledResult<RegistryEvent> => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) expect(r.reason).toBeInstanceOf(AlreadyClaimedError);
      const history = await registry.history(m);
      expect(history.filter((e) => e.type === 'RollbackStarted').map((e) => e.details?.['attempt'])).toEqual([undefined, 2]);
      expect(await registry.getClaim(m, 'k')).toMatchObject({ attempt: 2, createdAt: won[0]!.value.at });
      expectGaplessSeq(history);
    }, 60_000);

    it('writes a notice claim with a Failed event once; a second claim of the key gets AlreadyClaimedError and writes nothing', async () => {
      const m = await inProduction();
      const details = { alarm: 'p99-latency' };
      const event = await registry.claimNotice(m, 2, 'gantry-rollback', 'alarm; no last-good version to roll back to', { key: 'no-last-good#cfg-2', details });
      expect(event).toMatchObject({ type: 'Failed', version: 2, actor: 'gantry-rollback', reason: 'alarm; no last-good version to roll back to', details });
      expect(await registry.getClaim(m, 'no-last-good#cfg-2')).toEqual({ model: m, key: 'no-last-good#cfg-2', version: 2, createdAt: event.at, details });
      // A notice changes no version and no pointer.
      expect(await registry.getVersion(m, 2)).toMatchObject({ status: 'Production' });
      expect(await registry.pointers(m)).toEqual({ production: 2, lastGood: 1 });
      const before = await itemsOf(m);
      const error = await registry.claimNotice(m, 2, 'gantry-rollback', 'again', { key: 'no-last-good#cfg-2' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AlreadyClaimedError);
      expect((error as AlreadyClaimedError).claim.createdAt).toBe(event.at);
      expect(await itemsOf(m)).toEqual(before);
    });

    it('records that a notice was sent, and names an unknown notice claim', async () => {
      const m = await inProduction();
      await registry.claimNotice(m, 2, 'gantry-rollback', 'no last-good', { key: 'n' });
      const events = (await registry.history(m)).length;
      await registry.markClaimNotified(m, 'n');
      expect(await registry.getClaim(m, 'n')).toMatchObject({ notifiedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
      expect((await registry.history(m)).length).toBe(events);
      await expect(registry.markClaimNotified(m, 'never')).rejects.toThrow(UnknownClaimError);
      expect(await registry.getClaim(m, 'never')).toBeUndefined();
    });
  });

  describe('recordEndpointEvent', () => {
    const executionArn = (m: string) => `arn:aws:states:us-east-1:111111111111:execution:gantry-dev-${m}-deploy:deploy-2`;
    const deleted = (m: string) => ({
      type: 'EndpointDeleted' as const,
      key: endpointEventKey('EndpointDeleted', executionArn(m)),
      version: 2,
      actor: executionArn(m),
      reason: 'The primary container for production variant primary did not pass the ping health check',
      details: { endpoint: `gantry-dev-${m}`, failedConfig: `gantry-dev-${m}-v1-00000000` },
    });

    it('appends the event with a claim on its key, versions and pointers unchanged', async () => {
      const m = await inProduction();
      const before = { versions: await registry.listVersions(m), pointers: await registry.pointers(m) };
      const { event, alreadyRecorded } = await registry.recordEndpointEvent(m, deleted(m));
      const { key: _key, ...fields } = deleted(m);
      expect(alreadyRecorded).toBe(false);
      expect(event).toEqual({ model: m, seq: 7, at: expect.any(String), ...fields });
      expect((await registry.history(m)).at(-1)).toEqual(event);
      expect(await registry.getClaim(m, deleted(m).key)).toEqual({ model: m, key: `EndpointDeleted#${executionArn(m)}`, version: 2, createdAt: event.at, eventSeq: 7 });
      expect({ versions: await registry.listVersions(m), pointers: await registry.pointers(m) }).toEqual(before);
    });

    it('is idempotent: a retry with the key returns the first event and writes nothing', async () => {
      const m = await inProduction();
      const first = await registry.recordEndpointEvent(m, deleted(m));
      const items = await itemsOf(m);
      // A retry after the first commit: even with other fields it is the same execution's event.
      await expect(registry.recordEndpointEvent(m, { ...deleted(m), reason: 'retried' })).resolves.toEqual({ event: first.event, alreadyRecorded: true });
      expect(await itemsOf(m)).toEqual(items);
      // Another type, or another execution, is another event.
      const recreated = await registry.recordEndpointEvent(m, { ...deleted(m), type: 'EndpointRecreated', key: endpointEventKey('EndpointRecreated', executionArn(m)), reason: 'created again' });
      expect(recreated).toMatchObject({ alreadyRecorded: false, event: { seq: 8, type: 'EndpointRecreated' } });
      const history = await registry.history(m);
      expect(history.slice(-2).map((e) => e.type)).toEqual(['EndpointDeleted', 'EndpointRecreated']);
      expectGaplessSeq(history);
    });

    it('appends exactly one event for 20 concurrent callers with one key, each getting that event', async () => {
      const m = await inProduction();
      const results = await Promise.all(Array.from({ length: 20 }, () => new DynamoRegistry({ client, tableName }).recordEndpointEvent(m, deleted(m))));
      expect(results.filter((r) => !r.alreadyRecorded)).toHaveLength(1);
      for (const r of results) expect(r.event).toEqual(results.find((w) => !w.alreadyRecorded)!.event);
      const history = await registry.history(m);
      expect(history.filter((e) => e.type === 'EndpointDeleted')).toHaveLength(1);
      expectGaplessSeq(history);
    }, 60_000);

    it('refuses a model with no history, writing nothing', async () => {
      const m = model();
      await expect(registry.recordEndpointEvent(m, deleted(m))).rejects.toThrow(UnknownModelError);
      expect(await itemsOf(m)).toEqual([]);
    });

    it('passes on a claim of the key that stands for no event', async () => {
      const m = await inProduction();
      await registry.markRolledBack(m, 2, 'gantry-rollback', 'alarm', claim(deleted(m).key));
      await expect(registry.recordEndpointEvent(m, deleted(m))).rejects.toThrow(AlreadyClaimedError);
    });
  });

  describe('rollback and promote around a marked version', () => {
    it('rolls back from a version already marked RolledBack: it stays so, last-good goes live, seq has no gaps', async () => {
      const m = await inProduction();
      await registry.markRolledBack(m, 2, 'gantry-rollback', 'p99 latency alarm', claim('k'));
      const rolledBack = await registry.rollback(m, 'deploy-execution', 'rollback to version 1', { production: 2, lastGood: 1 });
      expect(rolledBack).toMatchObject({ type: 'RolledBack', version: 1, previousVersion: 2, actor: 'deploy-execution', reason: 'rollback to version 1' });
      expect(await registry.pointers(m)).toEqual({ production: 1, lastGood: undefined });
      // The status and its reason are the ones the mark wrote.
      expect(await registry.getVersion(m, 2)).toMatchObject({ status: 'RolledBack', statusReason: 'p99 latency alarm' });
      expect(await registry.getVersion(m, 1)).toMatchObject({ status: 'Production', statusReason: 'restored by rollback of version 2' });
      const history = await registry.history(m);
      expect(history.slice(-2).map((e) => e.type)).toEqual(['RollbackStarted', 'RolledBack']);
      expect(liveVersionAt(history, new Date(Date.parse(rolledBack.at) + 1))).toBe(1);
      expectGaplessSeq(history);
    });

    it('rolls back from Production when the expected pointers hold', async () => {
      const m = await inProduction();
      await registry.rollback(m, 'deployer', undefined, { production: 2, lastGood: 1 });
      expect(await registry.getVersion(m, 2)).toMatchObject({ status: 'RolledBack', statusReason: 'rolled back' });
      expect(await registry.pointers(m)).toEqual({ production: 1, lastGood: undefined });
    });

    it.each([
      [{ production: 3, lastGood: 1 }, 'expected production version 3 and last-good version 1, but the registry has production version 2 and last-good version 1'],
      [{ production: 2, lastGood: 3 }, 'expected production version 2 and last-good version 3, but the registry has production version 2 and last-good version 1'],
      [{ lastGood: 2 }, 'expected last-good version 2, but the registry has production version 2 and last-good version 1'],
    ])('throws PointerMismatchError for expected pointers %j that differ, writing nothing', async (expected, message) => {
      const m = await inProduction();
      const before = await itemsOf(m);
      await expect(registry.rollback(m, 'deployer', 'r', expected)).rejects.toThrow(PointerMismatchError);
      await expect(registry.rollback(m, 'deployer', 'r', expected)).rejects.toThrow(`model "${m}": ${message}`);
      expect(await itemsOf(m)).toEqual(before);
    });

    it('checks the expected pointers before saying there is nothing to roll back to', async () => {
      const m = await inProduction();
      await registry.rollback(m, 'deployer', 'r', { production: 2, lastGood: 1 });
      // A retry of the same rollback after it committed: the pointers moved.
      await expect(registry.rollback(m, 'deployer', 'r', { production: 2, lastGood: 1 })).rejects.toThrow('but the registry has production version 1 and last-good none');
      await expect(registry.rollback(m, 'deployer')).rejects.toThrow(NoLastGoodError);
    });

    it('promotes over a marked version without making it last-good, then rolls back to the old last-good', async () => {
      const m = await inProduction(3);
      await registry.markRolledBack(m, 2, 'gantry-rollback', 'alarm', claim('k'));
      const promoted = await registry.promote(m, 3, 'deployer', 'fixed model');
      expect(promoted).toMatchObject({ type: 'Promoted', version: 3, previousVersion: 2 });
      expect(await registry.pointers(m)).toEqual({ production: 3, lastGood: 1 });
      expect(await registry.getVersion(m, 2)).toMatchObject({ status: 'RolledBack', statusReason: 'alarm' });
      expect((await registry.getVersion(m, 1)).status).toBe('Archived');

      await registry.rollback(m, 'deployer', 'version 3 bad too', { production: 3, lastGood: 1 });
      expect(await registry.pointers(m)).toEqual({ production: 1, lastGood: undefined });
      expect((await registry.listVersions(m)).map((v) => v.status)).toEqual(['Production', 'RolledBack', 'RolledBack']);
      const history = await registry.history(m);
      expect(history.slice(-3).map((e) => e.type)).toEqual(['RollbackStarted', 'Promoted', 'RolledBack']);
      expectGaplessSeq(history);
    });

    it('still archives a healthy previous version and makes it last-good', async () => {
      const m = await inProduction(3);
      await registry.promote(m, 3, 'deployer');
      expect(await registry.pointers(m)).toEqual({ production: 3, lastGood: 2 });
      expect((await registry.listVersions(m)).map((v) => v.status)).toEqual(['Archived', 'Archived', 'Production']);
    });
  });
});
