import { ConditionalCheckFailedException, type DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { REGISTRY_TABLE } from '../../lib/contract';
import {
  AlreadyClaimedError,
  assertTransition,
  ConcurrencyError,
  NoLastGoodError,
  NoProductionError,
  NotInProductionError,
  PointerMismatchError,
  RegistryError,
  UnknownClaimError,
  UnknownModelError,
  UnknownVersionError,
  type ClaimRecord,
  type EndpointEventInput,
  type EventType,
  type ModelVersion,
  type PointerName,
  type Pointers,
  type RegisterInput,
  type Registry,
  type RegistryEvent,
  type VersionStatus,
} from '../core/registry/model';
import { parseRegisterInput } from '../core/registry/registration';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface DynamoRegistryOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Attempts before a write that keeps colliding gives up. @default 200 */
  readonly maxAttempts?: number;
  /** Clock, for tests. @default () => new Date() */
  readonly now?: () => Date;
  /** Backoff sleep, for tests. @default setTimeout-based */
  readonly sleep?: (ms: number) => Promise<void>;
}

interface ModelState {
  /** Absent until the model's first event. */
  readonly eventSeq?: number;
  readonly latestVersion: number;
  readonly pointers: Pointers;
}

const pk = (model: string) => `MODEL#${model}`;
const META = 'META';
const versionSk = (version: number) => `VERSION#${String(version).padStart(10, '0')}`;
const eventSk = (seq: number) => `EVENT#${String(seq).padStart(12, '0')}`;
const pointerSk = (pointer: PointerName) => `POINTER#${pointer}`;
const statusIndexKey = (status: VersionStatus) => `STATUS#${status}`;
// Claims sort before META, so reading the model's state (META and the pointers) never reads them.
const claimSk = (key: string) => `CLAIM#${key}`;

/**
 * The model registry over one DynamoDB table. Every change is one TransactWriteItems that
 * also advances the model's event sequence under a condition on its previous value, so
 * concurrent writers serialize per model: version numbers and event numbers are never issued
 * twice or skipped, and the pointers always agree with the last event.
 */
export class DynamoRegistry implements Registry {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly maxAttempts: number;
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: DynamoRegistryOptions) {
    this.doc = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.table = options.tableName;
    this.maxAttempts = options.maxAttempts ?? 200;
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async register(raw: RegisterInput): Promise<ModelVersion> {
    const input = parseRegisterInput(raw);
    return this.mutate(input.model, async (state, at) => {
      const version = state.latestVersion + 1;
      const item: ModelVersion = { ...input, version, status: 'Registered', createdAt: at, updatedAt: at };
      const items: TransactItem[] = [
        {
          Put: {
            TableName: this.table,
            Item: { pk: pk(input.model), sk: versionSk(version), ...item, gsi1pk: statusIndexKey('Registered'), gsi1sk: `${input.model}#${versionSk(version)}` },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ];
      return { items, latestVersion: version, event: { type: 'Registered', version, actor: input.createdBy, details: { artifactUri: input.artifactUri } }, result: item };
    }).then((r) => r.result);
  }

  async getVersion(model: string, version: number): Promise<ModelVersion> {
    const found = await this.readVersion(model, version);
    if (found) return found;
    await this.requireModel(model);
    throw new UnknownVersionError(model, version);
  }

  async listVersions(model: string): Promise<ModelVersion[]> {
    const items = await this.queryPrefix(model, 'VERSION#');
    if (items.length === 0) await this.requireModel(model);
    return items.map(toVersion);
  }

  async listModels(): Promise<string[]> {
    const models: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: REGISTRY_TABLE.index.name,
          KeyConditionExpression: 'gsi1pk = :models',
          ExpressionAttributeValues: { ':models': 'MODELS' },
          ExclusiveStartKey: startKey,
        }),
      );
      models.push(...(page.Items ?? []).map((i) => i.model as string));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return models;
  }

  approve(model: string, version: number, actor: string, reason?: string): Promise<ModelVersion> {
    return this.changeStatus(model, version, 'Approved', 'Approved', actor, reason);
  }

  reject(model: string, version: number, actor: string, reason?: string): Promise<ModelVersion> {
    return this.changeStatus(model, version, 'Rejected', 'Rejected', actor, reason);
  }

  async promote(model: string, version: number, actor: string, reason?: string): Promise<RegistryEvent> {
    return this.mutate(model, async (state) => {
      const target = await this.getVersion(model, version);
      assertTransition(model, version, target.status, 'Production', 'only Approved versions can be promoted');
      const previous = state.pointers.production;
      const items: TransactItem[] = [this.statusUpdate(model, version, target.status, 'Production', reason), this.pointerPut(model, 'production', version, previous)];
      if (previous !== undefined) {
        const replaced = await this.getVersion(model, previous);
        if (replaced.status === 'RolledBack') {
          // markRolledBack marked it while it still served: it stays RolledBack, and a bad
          // version never becomes last-good.
          items.push(this.statusCheck(model, previous, 'RolledBack'));
        } else {
          assertTransition(model, previous, replaced.status, 'Archived');
          items.push(this.statusUpdate(model, previous, replaced.status, 'Archived', `superseded by version ${version}`));
          items.push(this.pointerPut(model, 'last-good', previous, state.pointers.lastGood));
        }
      }
      const event = { type: 'Promoted' as const, version, previousVersion: previous, actor, reason };
      return { items, event, result: undefined };
    }).then((r) => r.event);
  }

  async rollback(model: string, actor: string, reason?: string, expected?: { readonly production?: number; readonly lastGood?: number }): Promise<RegistryEvent> {
    return this.mutate(model, async (state) => {
      const { production, lastGood } = state.pointers;
      if (state.eventSeq === undefined) throw new UnknownModelError(model);
      // An absent expectation is not checked; a given one must hold when the change commits,
      // which the sequence condition guarantees for the state read here.
      if ((expected?.production !== undefined && expected.production !== production) || (expected?.lastGood !== undefined && expected.lastGood !== lastGood)) {
        throw new PointerMismatchError(model, { production: expected.production, lastGood: expected.lastGood }, state.pointers);
      }
      if (production === undefined) throw new NoProductionError(model);
      if (lastGood === undefined) throw new NoLastGoodError(model);
      const [bad, good] = await Promise.all([this.getVersion(model, production), this.getVersion(model, lastGood)]);
      assertTransition(model, lastGood, good.status, 'Production', 'only the last-good version can be restored');
      const items: TransactItem[] = [];
      if (bad.status === 'RolledBack') {
        // Already marked by markRolledBack when the rollback started.
        items.push(this.statusCheck(model, production, 'RolledBack'));
      } else {
        assertTransition(model, production, bad.status, 'RolledBack');
        items.push(this.statusUpdate(model, production, bad.status, 'RolledBack', reason ?? 'rolled back'));
      }
      items.push(
        this.statusUpdate(model, lastGood, good.status, 'Production', `restored by rollback of version ${production}`),
        this.pointerPut(model, 'production', lastGood, production),
        {
          Delete: {
            TableName: this.table,
            Key: { pk: pk(model), sk: pointerSk('last-good') },
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': lastGood },
          },
        },
      );
      const event = { type: 'RolledBack' as const, version: lastGood, previousVersion: production, actor, reason };
      return { items, event, result: undefined };
    }).then((r) => r.event);
  }

  async markRolledBack(
    model: string,
    version: number,
    actor: string,
    reason: string,
    claim: { readonly key: string; readonly executionName: string; readonly details?: Readonly<Record<string, unknown>> },
  ): Promise<RegistryEvent> {
    return this.mutate(model, async (state, at) => {
      // Read on every attempt: a concurrent caller with the same key that committed first
      // makes this one's transaction collide, and the re-plan finds its claim here.
      await this.requireUnclaimed(model, claim.key);
      const current = await this.getVersion(model, version);
      if (state.pointers.production !== version) throw new NotInProductionError(model, version, state.pointers.production);
      assertTransition(model, version, current.status, 'RolledBack', current.status === 'RolledBack' ? 'it was already marked rolled back' : undefined);
      const record: ClaimRecord = { model, key: claim.key, version, createdAt: at, executionName: claim.executionName, details: claim.details };
      const items: TransactItem[] = [
        this.claimPut(record, 'attribute_not_exists(pk)'),
        this.statusUpdate(model, version, current.status, 'RolledBack', reason),
        this.productionCheck(model, version),
      ];
      const event = { type: 'RollbackStarted' as const, version, actor, reason, details: claim.details };
      return { items, event, result: undefined };
    }).then((r) => r.event);
  }

  /** @throws AlreadyClaimedError with the existing claim when `key` was claimed before */
  private async requireUnclaimed(model: string, key: string): Promise<void> {
    const existing = await this.getClaim(model, key);
    if (existing) throw new AlreadyClaimedError(existing);
  }

  async getClaim(model: string, key: string): Promise<ClaimRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: pk(model), sk: claimSk(key) }, ConsistentRead: true }));
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, ...claim } = Item;
    return claim as ClaimRecord;
  }

  async markClaimStarted(model: string, key: string, executionArn: string): Promise<void> {
    // Not an event: the claim's RollbackStarted event already told the history.
    await this.updateClaim(model, key, 'SET executionArn = :arn, startedAt = :at', { ':arn': executionArn, ':at': this.now().toISOString() });
  }

  private async updateClaim(model: string, key: string, updateExpression: string, values: Record<string, unknown>): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: pk(model), sk: claimSk(key) },
          UpdateExpression: updateExpression,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as { name?: string })?.name === 'ConditionalCheckFailedException') throw new UnknownClaimError(model, key, { cause: error });
      throw error;
    }
  }

  async retakeClaim(
    model: string,
    key: string,
    endedExecutionArn: string,
    next: { readonly executionName: string; readonly actor: string; readonly reason: string; readonly details?: Readonly<Record<string, unknown>> },
  ): Promise<RegistryEvent> {
    return this.mutate(model, async (state, at) => {
      const existing = await this.getClaim(model, key);
      if (!existing) throw new UnknownClaimError(model, key);
      // Another attempt already took it over (or never started one): that attempt owns it.
      if (existing.executionArn !== endedExecutionArn) throw new AlreadyClaimedError(existing);
      if (state.pointers.production !== existing.version) throw new NotInProductionError(model, existing.version, state.pointers.production);
      const attempt = (existing.attempt ?? 1) + 1;
      const details = { ...next.details, attempt, previousExecutionArn: endedExecutionArn };
      const { executionArn: _arn, startedAt: _started, ...kept } = existing;
      // createdAt restarts: a crash between this retake and the start is resumed like a first claim.
      const record: ClaimRecord = { ...kept, createdAt: at, executionName: next.executionName, attempt, details };
      const items: TransactItem[] = [
        this.claimPut(record, 'executionArn = :ended', { ':ended': endedExecutionArn }),
        this.statusCheck(model, existing.version, 'RolledBack'),
        this.productionCheck(model, existing.version),
      ];
      const event = { type: 'RollbackStarted' as const, version: existing.version, actor: next.actor, reason: next.reason, details };
      return { items, event, result: undefined };
    }).then((r) => r.event);
  }

  async claimNotice(model: string, version: number, actor: string, reason: string, claim: { readonly key: string; readonly details?: Readonly<Record<string, unknown>> }): Promise<RegistryEvent> {
    return this.mutate(model, async (_state, at) => {
      await this.requireUnclaimed(model, claim.key);
      const record: ClaimRecord = { model, key: claim.key, version, createdAt: at, details: claim.details };
      const items: TransactItem[] = [this.claimPut(record, 'attribute_not_exists(pk)')];
      const event = { type: 'Failed' as const, version, actor, reason, details: claim.details };
      return { items, event, result: undefined };
    }).then((r) => r.event);
  }

  async markClaimNotified(model: string, key: string): Promise<void> {
    await this.updateClaim(model, key, 'SET notifiedAt = :at', { ':at': this.now().toISOString() });
  }

  async recordFailure(model: string, failure: { type: 'GateFailed' | 'Failed'; actor: string; reason: string; version?: number; details?: Record<string, unknown> }): Promise<RegistryEvent> {
    return this.mutate(model, async () => ({ items: [], event: failure, result: undefined })).then((r) => r.event);
  }

  async recordEndpointEvent(model: string, input: EndpointEventInput): Promise<{ event: RegistryEvent; alreadyRecorded: boolean }> {
    try {
      const { event } = await this.mutate(model, async (state, at, seq) => {
        if (state.eventSeq === undefined) throw new UnknownModelError(model);
        // Read on every attempt: a duplicate that committed first makes this one collide, and
        // the re-plan finds its claim here.
        await this.requireUnclaimed(model, input.key);
        const { key, ...event } = input;
        const record: ClaimRecord = { model, key, version: input.version, createdAt: at, eventSeq: seq };
        return { items: [this.claimPut(record, 'attribute_not_exists(pk)')], event, result: undefined };
      });
      return { event, alreadyRecorded: false };
    } catch (error) {
      if (!(error instanceof AlreadyClaimedError) || error.claim.eventSeq === undefined) throw error;
      return { event: await this.readEvent(model, error.claim.eventSeq), alreadyRecorded: true };
    }
  }

  async pointers(model: string): Promise<Pointers> {
    const state = await this.readState(model);
    if (state.eventSeq === undefined) throw new UnknownModelError(model);
    return state.pointers;
  }

  async history(model: string): Promise<RegistryEvent[]> {
    const items = await this.queryPrefix(model, 'EVENT#');
    if (items.length === 0) await this.requireModel(model);
    return items.map((i) => {
      const { pk: _pk, sk: _sk, ...event } = i;
      return event as unknown as RegistryEvent;
    });
  }

  private changeStatus(model: string, version: number, to: VersionStatus, type: EventType, actor: string, reason?: string): Promise<ModelVersion> {
    return this.mutate(model, async (_state, at) => {
      const current = await this.getVersion(model, version);
      assertTransition(model, version, current.status, to);
      const updated: ModelVersion = { ...current, status: to, statusReason: reason, updatedAt: at };
      return { items: [this.statusUpdate(model, version, current.status, to, reason)], event: { type, version, actor, reason }, result: updated };
    }).then((r) => r.result);
  }

  /**
   * Runs one registry change: reads the model's state, lets `plan` decide the writes, and
   * commits them together with the next event and the advanced sequence. A collision with
   * a concurrent writer re-reads and re-plans, with jittered exponential backoff.
   *
   * The plan's own reads (versions, claims) come after the state's, so a writer committing in
   * between can make them disagree: a refusal only stands if the sequence has not moved since.
   */
  private async mutate<T>(
    model: string,
    plan: (state: ModelState, at: string, seq: number) => Promise<{ items: TransactItem[]; event: Omit<RegistryEvent, 'model' | 'seq' | 'at'>; result: T; latestVersion?: number }>,
  ): Promise<{ event: RegistryEvent; result: T }> {
    let lastCollision: unknown;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const state = await this.readState(model);
      const at = this.now().toISOString();
      // The number the planned event gets if this attempt commits.
      const seq = (state.eventSeq ?? 0) + 1;
      let planned: Awaited<ReturnType<typeof plan>>;
      try {
        planned = await plan(state, at, seq);
      } catch (error) {
        if (!(error instanceof RegistryError) || (await this.readState(model)).eventSeq === state.eventSeq) throw error;
        lastCollision = error;
        await this.backoff(attempt);
        continue;
      }
      const event: RegistryEvent = { ...planned.event, model, seq, at };
      const items: TransactItem[] = [this.metaUpdate(model, state, seq, planned.latestVersion ?? state.latestVersion, at), ...planned.items, this.eventPut(event)];
      try {
        await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
        return { event, result: planned.result };
      } catch (error) {
        if (!isCollision(error)) throw error;
        lastCollision = error;
        await this.backoff(attempt);
      }
    }
    throw new ConcurrencyError(model, this.maxAttempts, { cause: lastCollision });
  }

  private backoff(attempt: number): Promise<void> {
    const ceiling = Math.min(250, 5 * 2 ** Math.min(attempt, 6));
    return this.sleep(Math.random() * ceiling);
  }

  private metaUpdate(model: string, state: ModelState, seq: number, latestVersion: number, at: string): TransactItem {
    return {
      Update: {
        TableName: this.table,
        Key: { pk: pk(model), sk: META },
        UpdateExpression: 'SET eventSeq = :seq, latestVersion = :latest, model = :model, gsi1pk = :models, gsi1sk = :model, updatedAt = :at, createdAt = if_not_exists(createdAt, :at)',
        // The sequence is the lock: every change advances it, so a writer that read an older
        // state cannot commit.
        ConditionExpression: state.eventSeq === undefined ? 'attribute_not_exists(pk)' : 'eventSeq = :previous',
        ExpressionAttributeValues: {
          ':seq': seq,
          ':latest': latestVersion,
          ':model': model,
          ':models': 'MODELS',
          ':at': at,
          ...(state.eventSeq === undefined ? {} : { ':previous': state.eventSeq }),
        },
      },
    };
  }

  private statusUpdate(model: string, version: number, from: VersionStatus, to: VersionStatus, reason?: string): TransactItem {
    return {
      Update: {
        TableName: this.table,
        Key: { pk: pk(model), sk: versionSk(version) },
        UpdateExpression: reason === undefined ? 'SET #status = :to, updatedAt = :at, gsi1pk = :index REMOVE statusReason' : 'SET #status = :to, updatedAt = :at, gsi1pk = :index, statusReason = :reason',
        ConditionExpression: '#status = :from',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':to': to, ':from': from, ':at': this.now().toISOString(), ':index': statusIndexKey(to), ...(reason === undefined ? {} : { ':reason': reason }) },
      },
    };
  }

  /** A condition-only item: `version` is (still) the production one. */
  private productionCheck(model: string, version: number): TransactItem {
    return {
      ConditionCheck: {
        TableName: this.table,
        Key: { pk: pk(model), sk: pointerSk('production') },
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': version },
      },
    };
  }

  /** Writes a claim, if `condition` holds on the one stored (or its absence). */
  private claimPut(record: ClaimRecord, condition: string, values?: Record<string, unknown>): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: { pk: pk(record.model), sk: claimSk(record.key), ...record },
        ConditionExpression: condition,
        ...(values === undefined ? {} : { ExpressionAttributeValues: values }),
      },
    };
  }

  /** A condition-only item: the version is (still) in `status`. */
  private statusCheck(model: string, version: number, status: VersionStatus): TransactItem {
    return {
      ConditionCheck: {
        TableName: this.table,
        Key: { pk: pk(model), sk: versionSk(version) },
        ConditionExpression: '#status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status },
      },
    };
  }

  private pointerPut(model: string, pointer: PointerName, version: number, expected: number | undefined): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: { pk: pk(model), sk: pointerSk(pointer), model, pointer, version, updatedAt: this.now().toISOString() },
        ConditionExpression: expected === undefined ? 'attribute_not_exists(pk)' : 'version = :expected',
        ExpressionAttributeValues: expected === undefined ? undefined : { ':expected': expected },
      },
    };
  }

  private eventPut(event: RegistryEvent): TransactItem {
    return { Put: { TableName: this.table, Item: { pk: pk(event.model), sk: eventSk(event.seq), ...event }, ConditionExpression: 'attribute_not_exists(pk)' } };
  }

  private async readState(model: string): Promise<ModelState> {
    // META and the pointers sort together (META < POINTER#...), so one query reads them.
    const page = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': pk(model), ':from': META, ':to': 'POINTER#~' },
        ConsistentRead: true,
      }),
    );
    const items = page.Items ?? [];
    const meta = items.find((i) => i.sk === META);
    const pointer = (name: PointerName) => items.find((i) => i.sk === pointerSk(name))?.version as number | undefined;
    return {
      eventSeq: meta?.eventSeq as number | undefined,
      latestVersion: (meta?.latestVersion as number | undefined) ?? 0,
      pointers: { production: pointer('production'), lastGood: pointer('last-good') },
    };
  }

  /** One committed event. @throws RegistryError when it is not there (its claim says it was written) */
  private async readEvent(model: string, seq: number): Promise<RegistryEvent> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: pk(model), sk: eventSk(seq) }, ConsistentRead: true }));
    if (!Item) throw new RegistryError(`model "${model}" has no event ${seq}, which a claim names`);
    const { pk: _pk, sk: _sk, ...event } = Item;
    return event as unknown as RegistryEvent;
  }

  private async readVersion(model: string, version: number): Promise<ModelVersion | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: pk(model), sk: versionSk(version) }, ConsistentRead: true }));
    return Item ? toVersion(Item) : undefined;
  }

  private async requireModel(model: string): Promise<void> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: pk(model), sk: META }, ConsistentRead: true }));
    if (!Item) throw new UnknownModelError(model);
  }

  private async queryPrefix(model: string, prefix: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk(model), ':prefix': prefix },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}

function toVersion(item: Record<string, unknown>): ModelVersion {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ...version } = item;
  return version as unknown as ModelVersion;
}

/** A transaction cancelled because another writer got there first (condition or conflict). */
function isCollision(error: unknown): boolean {
  if (!(error instanceof TransactionCanceledException) && (error as { name?: string })?.name !== 'TransactionCanceledException') return false;
  const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
  return reasons.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict');
}
