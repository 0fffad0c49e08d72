import { ENDPOINT_EVENT_TYPES, type EndpointEventType } from '../../../lib/contract';

/**
 * The model registry's domain (pure: no SDK). Versions move through statuses by the rules in
 * TRANSITIONS; the `production` and `last-good` pointers and an append-only event history
 * record every change.
 */

export const STATUSES = ['Registered', 'Approved', 'Rejected', 'Production', 'Archived', 'RolledBack'] as const;
export type VersionStatus = (typeof STATUSES)[number];

/**
 * The allowed status changes. Archived → Production is a rollback to last-good only; promotion
 * needs an Approved version.
 */
export const TRANSITIONS: Readonly<Record<VersionStatus, readonly VersionStatus[]>> = {
  Registered: ['Approved', 'Rejected'],
  Approved: ['Production', 'Rejected', 'Archived'],
  Production: ['Archived', 'RolledBack'],
  Archived: ['Production'],
  Rejected: [],
  RolledBack: [],
};

export const POINTERS = ['production', 'last-good'] as const;
export type PointerName = (typeof POINTERS)[number];

/** A data input of a training run: an S3 object pinned by version id or content hash. */
export interface DataInput {
  readonly uri: string;
  readonly versionId?: string;
  readonly sha256?: string;
  /** The object's ETag when it was read (a content fingerprint for unversioned buckets). */
  readonly etag?: string;
}

/** What a caller supplies to register a version. */
export interface RegisterInput {
  readonly model: string;
  readonly artifactUri: string;
  readonly imageUri: string;
  readonly metrics: Readonly<Record<string, number>>;
  readonly hyperparameters: Readonly<Record<string, string>>;
  readonly dataInputs: readonly DataInput[];
  readonly trainingJobArn?: string;
  readonly baselineUri?: string;
  /** The Neuron-compiled artifact, for Inferentia targets. */
  readonly compiledArtifactUri?: string;
  /** Who registered it: a user, or a pipeline execution ARN. */
  readonly createdBy: string;
}

/** A registered model version with its lineage. */
export interface ModelVersion extends RegisterInput {
  readonly version: number;
  readonly status: VersionStatus;
  readonly statusReason?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * EndpointDeleted and EndpointRecreated record the deploy workflow replacing a Failed endpoint
 * it created (ENDPOINT_EVENT_TYPES): they change no version or pointer.
 */
export const EVENT_TYPES = ['Registered', 'Approved', 'Rejected', 'Promoted', 'RollbackStarted', 'RolledBack', 'GateFailed', 'Failed', ...ENDPOINT_EVENT_TYPES] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** One entry of a model's append-only history. `seq` orders events; it never repeats or skips. */
export interface RegistryEvent {
  readonly model: string;
  readonly seq: number;
  readonly type: EventType;
  readonly at: string;
  readonly actor: string;
  /** The version the event is about (the promoted one, the rolled-back-to one, ...). */
  readonly version?: number;
  /** The production version this event replaced (Promoted, RolledBack). */
  readonly previousVersion?: number;
  readonly reason?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** What `recordEndpointEvent` appends. */
export interface EndpointEventInput {
  readonly type: EndpointEventType;
  /** The idempotency key: one event per key (`endpointEventKey`). */
  readonly key: string;
  /** The version the deployment that changed the endpoint serves. */
  readonly version: number;
  readonly actor: string;
  readonly reason: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** The claim key of an endpoint event of one execution: each execution records each type once. */
export function endpointEventKey(type: EndpointEventType, executionArn: string): string {
  return `${type}#${executionArn}`;
}

/** The production and last-good versions of a model. */
export interface Pointers {
  readonly production?: number;
  readonly lastGood?: number;
}

/** Base of every registry error: carries the model (and version) it is about. */
export class RegistryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RegistryError';
  }
}

export class UnknownModelError extends RegistryError {
  constructor(readonly model: string) {
    super(`model "${model}" has no registered versions`);
    this.name = 'UnknownModelError';
  }
}

export class UnknownVersionError extends RegistryError {
  constructor(readonly model: string, readonly version: number) {
    super(`model "${model}" has no version ${version}`);
    this.name = 'UnknownVersionError';
  }
}

export class InvalidTransitionError extends RegistryError {
  constructor(readonly model: string, readonly version: number, readonly from: VersionStatus, readonly to: VersionStatus, hint?: string) {
    super(`model "${model}" version ${version} cannot go from ${from} to ${to}${hint ? `: ${hint}` : ''} (allowed from ${from}: ${TRANSITIONS[from].join(', ') || 'none'})`);
    this.name = 'InvalidTransitionError';
  }
}

export class NoLastGoodError extends RegistryError {
  constructor(readonly model: string) {
    super(`model "${model}" has no last-good version to roll back to`);
    this.name = 'NoLastGoodError';
  }
}

export class NoProductionError extends RegistryError {
  constructor(readonly model: string) {
    super(`model "${model}" has no production version to roll back`);
    this.name = 'NoProductionError';
  }
}

/** Thrown when a change was planned against pointers that have moved since (`rollback`'s `expected`). */
export class PointerMismatchError extends RegistryError {
  constructor(readonly model: string, readonly expected: Pointers, readonly actual: Pointers) {
    const describe = (p: Pointers, all: boolean) =>
      [
        all || p.production !== undefined ? `production ${p.production === undefined ? 'none' : `version ${p.production}`}` : undefined,
        all || p.lastGood !== undefined ? `last-good ${p.lastGood === undefined ? 'none' : `version ${p.lastGood}`}` : undefined,
      ]
        .filter((part) => part !== undefined)
        .join(' and ');
    super(`model "${model}": expected ${describe(expected, false)}, but the registry has ${describe(actual, true)} (production changed since the caller read it)`);
    this.name = 'PointerMismatchError';
  }
}

/** Thrown when a change needs `version` to be the production version and it is not. */
export class NotInProductionError extends RegistryError {
  constructor(readonly model: string, readonly version: number, readonly production: number | undefined) {
    super(`model "${model}" version ${version} is not in production (${production === undefined ? 'no version is' : `version ${production} is`})`);
    this.name = 'NotInProductionError';
  }
}

/** Thrown for an idempotency claim that was never written. */
export class UnknownClaimError extends RegistryError {
  constructor(readonly model: string, readonly key: string, options?: { cause?: unknown }) {
    super(`model "${model}" has no claim "${key}"`, options);
    this.name = 'UnknownClaimError';
  }
}

/**
 * An idempotency claim: the first writer of a key wins; later writers with the same key get
 * AlreadyClaimedError. The rollback handler claims one key per bad deployment; the deploy
 * function one per execution and endpoint event (`endpointEventKey`).
 */
export interface ClaimRecord {
  readonly model: string;
  readonly key: string;
  /** The version the claim is about (the one rolled back). */
  readonly version: number;
  readonly createdAt: string;
  /**
   * Name of the execution the claimer starts (deterministic, so a restart is idempotent);
   * absent on a notice or an event claim, which start none.
   */
  readonly executionName?: string;
  /** Set once that execution has been started. */
  readonly executionArn?: string;
  readonly startedAt?: string;
  /** 1 for the first execution; one more each time `retakeClaim` replaces an ended one. @default 1 */
  readonly attempt?: number;
  /** A notice claim (no execution): set once its notification was sent. */
  readonly notifiedAt?: string;
  /** An event claim (`recordEndpointEvent`): the sequence number of the one event it stands for. */
  readonly eventSeq?: number;
  readonly details?: Readonly<Record<string, unknown>>;
}

export class AlreadyClaimedError extends RegistryError {
  constructor(readonly claim: ClaimRecord) {
    super(`model "${claim.model}": "${claim.key}" was already claimed at ${claim.createdAt}`);
    this.name = 'AlreadyClaimedError';
  }
}

/** Thrown when optimistic writes kept colliding with concurrent writers past the retry budget. */
export class ConcurrencyError extends RegistryError {
  constructor(readonly model: string, readonly attempts: number, options?: { cause?: unknown }) {
    super(`model "${model}": gave up after ${attempts} attempts that collided with concurrent updates`, options);
    this.name = 'ConcurrencyError';
  }
}

/** Throws InvalidTransitionError unless `from → to` is allowed. */
export function assertTransition(model: string, version: number, from: VersionStatus, to: VersionStatus, hint?: string): void {
  if (!TRANSITIONS[from].includes(to)) throw new InvalidTransitionError(model, version, from, to, hint);
}

/**
 * The version that was in production at `at`, from a model's history: the last Promoted or
 * RolledBack event at or before that time. Events are ordered by `seq` (commit order).
 */
export function liveVersionAt(events: readonly RegistryEvent[], at: Date): number | undefined {
  let live: number | undefined;
  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    if (Date.parse(event.at) > at.getTime()) break;
    if (event.type === 'Promoted' || event.type === 'RolledBack') live = event.version;
  }
  return live;
}

/** The operations of the registry (the port). The DynamoDB adapter implements it. */
export interface Registry {
  register(input: RegisterInput): Promise<ModelVersion>;
  getVersion(model: string, version: number): Promise<ModelVersion>;
  listVersions(model: string): Promise<ModelVersion[]>;
  listModels(): Promise<string[]>;
  approve(model: string, version: number, actor: string, reason?: string): Promise<ModelVersion>;
  reject(model: string, version: number, actor: string, reason?: string): Promise<ModelVersion>;
  promote(model: string, version: number, actor: string, reason?: string): Promise<RegistryEvent>;
  /**
   * production ← last-good, in one transaction: the production version becomes RolledBack
   * (or stays so, when `markRolledBack` already marked it) and the last-good pointer is
   * consumed. `expected` makes it conditional on the pointers a caller planned against.
   */
  rollback(model: string, actor: string, reason?: string, expected?: { readonly production?: number; readonly lastGood?: number }): Promise<RegistryEvent>;
  /**
   * Marks the production version RolledBack (pointers unchanged: the endpoint still serves it
   * until the rollback deployment ends), appends a RollbackStarted event, and writes `claim`,
   * all in one transaction. @throws AlreadyClaimedError when the key was claimed before.
   */
  markRolledBack(model: string, version: number, actor: string, reason: string, claim: { readonly key: string; readonly executionName: string; readonly details?: Readonly<Record<string, unknown>> }): Promise<RegistryEvent>;
  getClaim(model: string, key: string): Promise<ClaimRecord | undefined>;
  /** Records on the claim that its execution was started. */
  markClaimStarted(model: string, key: string, executionArn: string): Promise<void>;
  /**
   * Hands a rollback claim whose execution `endedExecutionArn` ended without succeeding to a
   * new attempt, in one transaction: the claim takes `next.executionName`, its attempt count
   * goes up by one and it has no started execution; a RollbackStarted event records the retry.
   * The version stays RolledBack and in production. @throws AlreadyClaimedError when the claim
   * no longer names that execution (another attempt took it over first), UnknownClaimError
   * when there is no claim, NotInProductionError when the version no longer serves.
   */
  retakeClaim(model: string, key: string, endedExecutionArn: string, next: { readonly executionName: string; readonly actor: string; readonly reason: string; readonly details?: Readonly<Record<string, unknown>> }): Promise<RegistryEvent>;
  /**
   * Writes a claim that stands for a notice about `version` (no execution) and a Failed event
   * with `reason`, in one transaction. @throws AlreadyClaimedError when the key was claimed before.
   */
  claimNotice(model: string, version: number, actor: string, reason: string, claim: { readonly key: string; readonly details?: Readonly<Record<string, unknown>> }): Promise<RegistryEvent>;
  /** Records on a notice claim that its notification was sent. @throws UnknownClaimError */
  markClaimNotified(model: string, key: string): Promise<void>;
  recordFailure(model: string, failure: { type: 'GateFailed' | 'Failed'; actor: string; reason: string; version?: number; details?: Record<string, unknown> }): Promise<RegistryEvent>;
  /**
   * Appends an endpoint event once per `key`, with a claim on the key in the same transaction:
   * a retry (or a concurrent duplicate) appends nothing and gets the event the first call
   * appended, `alreadyRecorded: true`. Versions and pointers are unchanged.
   * @throws UnknownModelError for a model with no history
   */
  recordEndpointEvent(model: string, event: EndpointEventInput): Promise<{ readonly event: RegistryEvent; readonly alreadyRecorded: boolean }>;
  pointers(model: string): Promise<Pointers>;
  history(model: string): Promise<RegistryEvent[]>;
}
