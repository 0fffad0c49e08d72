import { describe, expect, it } from 'vitest';
import { AlreadyClaimedError, UnknownModelError, type ClaimRecord, type Pointers, type RegistryEvent } from '../../../../lambdas/core/registry/model';
import { rollBack, type RollbackPorts, type RollbackRequest, type RollbackResult } from '../../../../lambdas/core/rollback/on-alarm';
import { claimKeyOf, executionNameOf, noticeKeyOf, retryExecutionNameOf, type EndpointFacts, type ExecutionStatus, type Notification } from '../../../../lambdas/core/rollback/rollback';
import type { DeployInput } from '../../../../lib/contract';

const STATE_MACHINE = 'arn:aws:states:us-east-1:111111111111:stateMachine:gantry-test-churn-deploy';
const TOPIC = 'arn:aws:sns:us-east-1:111111111111:gantry-test-churn';
const ALARM_AT = new Date('2026-03-01T10:30:00.000Z');
const NOW = new Date('2026-03-01T10:30:05.000Z');
const CONFIG = 'gantry-test-churn-v3-0a1b2c3d';
const KEY = claimKeyOf(CONFIG);

const inService: EndpointFacts = { endpointName: 'gantry-test-churn', status: 'InService', endpointConfigName: CONFIG, lastModifiedTime: new Date('2026-03-01T10:00:00.000Z'), pendingDeployment: false };

const request = (patch: Partial<RollbackRequest['alarm']> = {}): RollbackRequest => ({
  model: 'churn',
  endpointName: 'gantry-test-churn',
  stateMachineArn: STATE_MACHINE,
  topicArn: TOPIC,
  alarm: { alarmName: 'gantry-test-churn-p99', state: 'ALARM', stateReason: 'Threshold Crossed', stateAt: ALARM_AT, eventId: 'event-1', eventTime: '2026-03-01T10:30:01Z', ...patch },
});

interface Setup {
  readonly endpoint?: EndpointFacts;
  readonly pointers?: Pointers | 'unknown-model';
  /** A claim an earlier attempt left. */
  readonly claim?: Partial<ClaimRecord>;
  /** The deploy starter answers with this ARN. */
  readonly startedArn?: string;
  /** markRolledBack fails with this instead of claiming. */
  readonly claimFails?: Error;
  /** pointers fails with this. */
  readonly pointersFail?: Error;
  /** DescribeExecution of the claimed execution answers this. @default 'RUNNING' */
  readonly executionStatus?: ExecutionStatus | undefined;
  /** retakeClaim finds the claim taken over by another attempt, which started this execution. */
  /** Another attempt took the claim over first: its execution ARN, or null when it has not started one yet. */
  readonly retakenBy?: string | null;
  /** A notice claim an earlier alarm left (no last-good version). */
  readonly notice?: Partial<ClaimRecord>;
  /** Overrides the clock and resume window of the ports; `undefined` leaves the port out. */
  readonly now?: (() => Date) | undefined;
  readonly resumeAfterMs?: number | undefined;
}

function fakes(setup: Setup) {
  const done = {
    rolledBack: [] as { version: number; key: string; executionName: string }[],
    claims: [] as { actor: string; reason: string; details: Readonly<Record<string, unknown>> | undefined }[],
    logs: [] as { level: 'info' | 'warn'; message: string; fields: Readonly<Record<string, unknown>> }[],
    started: [] as { stateMachineArn: string; executionName: string; input: DeployInput }[],
    notified: [] as { topicArn: string; notification: Notification }[],
    claimStarted: [] as { key: string; executionArn: string }[],
    described: [] as string[],
    retaken: [] as { key: string; endedExecutionArn: string; executionName: string; reason: string; details: Readonly<Record<string, unknown>> | undefined }[],
    notices: [] as { version: number; key: string; reason: string; details: Readonly<Record<string, unknown>> | undefined }[],
    noticeMarked: [] as string[],
  };
  const ports: RollbackPorts = {
    registry: {
      pointers: async (model) => {
        if (setup.pointersFail) throw setup.pointersFail;
        if (setup.pointers === 'unknown-model') throw new UnknownModelError(model);
        return setup.pointers ?? {};
      },
      markRolledBack: async (model, version, actor, reason, claim) => {
        done.claims.push({ actor, reason, details: claim.details });
        if (setup.claimFails) throw setup.claimFails;
        if (setup.claim) throw new AlreadyClaimedError({ model, key: claim.key, version, createdAt: NOW.toISOString(), executionName: claim.executionName, ...setup.claim });
        done.rolledBack.push({ version, key: claim.key, executionName: claim.executionName });
        return {} as RegistryEvent;
      },
      markClaimStarted: async (_model, key, executionArn) => void done.claimStarted.push({ key, executionArn }),
      retakeClaim: async (model, key, endedExecutionArn, next) => {
        if (setup.retakenBy !== undefined) throw new AlreadyClaimedError({ model, key, version: 3, createdAt: NOW.toISOString(), executionName: 'other', ...(setup.retakenBy === null ? {} : { executionArn: setup.retakenBy }) });
        done.retaken.push({ key, endedExecutionArn, executionName: next.executionName, reason: next.reason, details: next.details });
        return {} as RegistryEvent;
      },
      claimNotice: async (model, version, _actor, reason, claim) => {
        if (setup.notice) throw new AlreadyClaimedError({ model, key: claim.key, version, createdAt: NOW.toISOString(), ...setup.notice });
        done.notices.push({ version, key: claim.key, reason, details: claim.details });
        return {} as RegistryEvent;
      },
      markClaimNotified: async (_model, key) => void done.noticeMarked.push(key),
    },
    endpoints: { describe: async () => setup.endpoint },
    executions: {
      status: async (arn) => {
        done.described.push(arn);
        return 'executionStatus' in setup ? setup.executionStatus : 'RUNNING';
      },
    },
    deploys: {
      start: async (stateMachineArn, executionName, input) => {
        done.started.push({ stateMachineArn, executionName, input });
        return setup.startedArn ?? `arn:aws:states:us-east-1:111111111111:execution:gantry-test-churn-deploy:${executionName}`;
      },
    },
    notifier: { notify: async (topicArn, notification) => void done.notified.push({ topicArn, notification }) },
    log: {
      info: (message, fields) => void done.logs.push({ level: 'info', message, fields }),
      warn: (message, fields) => void done.logs.push({ level: 'warn', message, fields }),
    },
    ...('now' in setup ? (setup.now === undefined ? {} : { now: setup.now }) : { now: () => NOW }),
    ...('resumeAfterMs' in setup ? (setup.resumeAfterMs === undefined ? {} : { resumeAfterMs: setup.resumeAfterMs }) : { resumeAfterMs: 60_000 }),
  };
  return { ports, done };
}

const executionName = executionNameOf(3, KEY);
/** The fields every log line of a rollback carries. */
const logged = { model: 'churn', endpointName: 'gantry-test-churn', alarmName: 'gantry-test-churn-p99', eventId: 'event-1' };
const executionArn = `arn:aws:states:us-east-1:111111111111:execution:gantry-test-churn-deploy:${executionName}`;

describe('rollBack', () => {
  it.each<[string, Setup, Partial<RollbackRequest['alarm']>, RollbackResult, { rolledBack: number; started: number; notified: string[] }]>([
    ['an alarm back to OK', { endpoint: inService }, { state: 'OK' }, { action: 'ignored', reason: 'alarm state is OK, not ALARM' }, { rolledBack: 0, started: 0, notified: [] }],
    ['an endpoint that does not exist', {}, {}, { action: 'ignored', reason: 'endpoint gantry-test-churn does not exist' }, { rolledBack: 0, started: 0, notified: [] }],
    ['a deployment baking', { endpoint: { ...inService, pendingDeployment: true } }, {}, { action: 'ignored', reason: 'deployment in progress' }, { rolledBack: 0, started: 0, notified: [] }],
    ['an alarm older than the deployment', { endpoint: { ...inService, lastModifiedTime: new Date('2026-03-01T10:31:00Z') } }, {}, { action: 'ignored', reason: 'alarm predates the current deployment' }, { rolledBack: 0, started: 0, notified: [] }],
    ['a model the registry does not know', { endpoint: inService, pointers: 'unknown-model' }, {}, { action: 'ignored', reason: 'the model has no production version' }, { rolledBack: 0, started: 0, notified: [] }],
    ['no last-good version', { endpoint: inService, pointers: { production: 3 } }, {}, { action: 'no-last-good', productionVersion: 3, notified: true }, { rolledBack: 0, started: 0, notified: ['Gantry: churn alarm, no version to roll back to'] }],
    ['no last-good version, already told for this deployment', { endpoint: inService, pointers: { production: 3 }, notice: { notifiedAt: NOW.toISOString() } }, {}, { action: 'no-last-good', productionVersion: 3, notified: false }, { rolledBack: 0, started: 0, notified: [] }],
    ['a first alarm', { endpoint: inService, pointers: { production: 3, lastGood: 2 } }, {}, { action: 'started', executionArn, fromVersion: 3, toVersion: 2 }, { rolledBack: 1, started: 1, notified: ['Gantry: rolling back churn from v3 to v2'] }],
    [
      'a duplicate of a started rollback',
      { endpoint: inService, pointers: { production: 3, lastGood: 2 }, claim: { executionArn: 'arn:started' } },
      {},
      { action: 'duplicate', key: KEY, executionArn: 'arn:started' },
      { rolledBack: 0, started: 0, notified: [] },
    ],
    ['a duplicate while the first attempt still runs', { endpoint: inService, pointers: { production: 3, lastGood: 2 }, claim: { createdAt: '2026-03-01T10:30:00.000Z' } }, {}, { action: 'duplicate', key: KEY }, { rolledBack: 0, started: 0, notified: [] }],
    [
      'a claim left by a crashed attempt',
      { endpoint: inService, pointers: { production: 3, lastGood: 2 }, claim: { createdAt: '2026-03-01T10:29:05.000Z', executionName: 'rollback-v3-earlier' } },
      {},
      { action: 'resumed', executionArn: 'arn:aws:states:us-east-1:111111111111:execution:gantry-test-churn-deploy:rollback-v3-earlier', fromVersion: 3, toVersion: 2 },
      { rolledBack: 0, started: 1, notified: ['Gantry: rolling back churn from v3 to v2'] },
    ],
  ])('%s', async (_, setup, alarm, result, counts) => {
    const { ports, done } = fakes(setup);
    expect(await rollBack(request(alarm), ports)).toStrictEqual(result);
    expect({ rolledBack: done.rolledBack.length, started: done.started.length, notified: done.notified.map((n) => n.notification.subject) }).toEqual(counts);
    expect(done.notified.every((n) => n.topicArn === TOPIC)).toBe(true);
    expect(done.claimStarted).toEqual(result.action === 'started' || result.action === 'resumed' || result.action === 'retried' ? [{ key: KEY, executionArn: result.executionArn }] : []);
  });

  it('claims, starts the deploy workflow with last-good, and records the start under one execution name', async () => {
    const { ports, done } = fakes({ endpoint: inService, pointers: { production: 3, lastGood: 2 } });
    await rollBack(request(), ports);
    expect(done.rolledBack).toEqual([{ version: 3, key: KEY, executionName }]);
    expect(done.started).toEqual([
      {
        stateMachineArn: STATE_MACHINE,
        executionName,
        input: { model: 'churn', version: 2, strategy: 'all-at-once', rollback: true, reason: 'alarm gantry-test-churn-p99 in ALARM: Threshold Crossed', requestedBy: 'gantry-rollback' },
      },
    ]);
  });

  it('throws RegistryBehindEndpointError when the endpoint serves another version than production', async () => {
    const { ports, done } = fakes({ endpoint: { ...inService, endpointConfigName: 'gantry-test-churn-v4-0a1b2c3d' }, pointers: { production: 3, lastGood: 2 } });
    await expect(rollBack(request(), ports)).rejects.toMatchObject({ name: 'RegistryBehindEndpointError', model: 'churn' });
    expect(done.started).toEqual([]);
  });

  it('throws RegistryBehindEndpointError telling which version serves and what to wait for', async () => {
    const { ports } = fakes({ endpoint: { ...inService, endpointConfigName: 'gantry-test-churn-v4-0a1b2c3d' }, pointers: { production: 3, lastGood: 2 } });
    await expect(rollBack(request(), ports)).rejects.toThrow(
      'model "churn": endpoint config gantry-test-churn-v4-0a1b2c3d serves version 4 but the registry\'s production version is 3; retry once the deploy workflow has recorded its deployment',
    );
  });

  it('records on the claim which alarm event caused it and where production goes back to', async () => {
    const { ports, done } = fakes({ endpoint: inService, pointers: { production: 3, lastGood: 2 } });
    await rollBack(request(), ports);
    expect(done.claims).toEqual([
      {
        actor: 'gantry-rollback',
        reason: 'alarm gantry-test-churn-p99 in ALARM: Threshold Crossed',
        details: { alarmName: 'gantry-test-churn-p99', eventId: 'event-1', eventTime: '2026-03-01T10:30:01Z', alarmAt: '2026-03-01T10:30:00.000Z', toVersion: 2 },
      },
    ]);
  });

  it.each<[string, Setup]>([
    ['a claim that fails for another reason than an existing claim', { claimFails: new Error('DynamoDB is throttling') }],
    ['a registry that fails to read the pointers', { pointersFail: new Error('DynamoDB is throttling') }],
  ])('passes on the error of %s, starting nothing', async (_, setup) => {
    const { ports, done } = fakes({ endpoint: inService, pointers: { production: 3, lastGood: 2 }, ...setup });
    await expect(rollBack(request(), ports)).rejects.toThrow('DynamoDB is throttling');
    expect({ started: done.started, notified: done.notified, claimStarted: done.claimStarted }).toEqual({ started: [], notified: [], claimStarted: [] });
  });

  it.each<[string, Setup, RollbackResult['action']]>([
    ['an old claim whose execution did start is a duplicate, not resumed', { claim: { createdAt: '2026-03-01T10:00:00.000Z', executionArn: 'arn:started' } }, 'duplicate'],
    ['a custom resume window shorter than the claim age resumes', { claim: { createdAt: '2026-03-01T10:29:50.000Z' }, resumeAfterMs: 10_000 }, 'resumed'],
    ['a custom resume window longer than the claim age waits', { claim: { createdAt: '2026-03-01T10:29:50.000Z' }, resumeAfterMs: 20_000 }, 'duplicate'],
    ['the default resume window of 60 s resumes an older claim', { claim: { createdAt: '2026-03-01T10:29:05.000Z' }, resumeAfterMs: undefined }, 'resumed'],
    ['the default resume window of 60 s waits for a younger claim', { claim: { createdAt: '2026-03-01T10:29:06.000Z' }, resumeAfterMs: undefined }, 'duplicate'],
    ['the current time is the default clock: a claim from 2020 resumes', { claim: { createdAt: '2020-01-01T00:00:00.000Z' }, now: undefined }, 'resumed'],
    ['the current time is the default clock: a claim from 2999 waits', { claim: { createdAt: '2999-01-01T00:00:00.000Z' }, now: undefined }, 'duplicate'],
  ])('%s', async (_, setup, action) => {
    const { ports } = fakes({ endpoint: inService, pointers: { production: 3, lastGood: 2 }, ...setup });
    expect((await rollBack(request(), ports)).action).toBe(action);
  });

  it.each<[string, Setup, Partial<RollbackRequest['alarm']>, { level: string; message: string; fields: Record<string, unknown> }[]]>([
    ['an alarm back to OK', { endpoint: inService }, { state: 'OK' }, [{ level: 'info', message: 'alarm ignored', fields: { ...logged, reason: 'alarm state is OK, not ALARM' } }]],
    [
      'a deployment baking',
      { endpoint: { ...inService, status: 'Updating' } },
      {},
      [{ level: 'info', message: 'alarm ignored', fields: { ...logged, endpointStatus: 'Updating', endpointConfigName: CONFIG, reason: 'deployment in progress' } }],
    ],
    ['no last-good version', { endpoint: inService, pointers: { production: 3 } }, {}, [{ level: 'warn', message: 'alarm with no last-good version: notified, nothing changed', fields: { ...logged, productionVersion: 3 } }]],
    ['a first alarm', { endpoint: inService, pointers: { production: 3, lastGood: 2 } }, {}, [{ level: 'info', message: 'rollback started', fields: { ...logged, key: KEY, executionArn, fromVersion: 3, toVersion: 2 } }]],
    [
      'a duplicate of a started rollback',
      { endpoint: inService, pointers: { production: 3, lastGood: 2 }, claim: { executionArn: 'arn:started' } },
      {},
      [{ level: 'info', message: 'duplicate alarm: the deployment is already being rolled back', fields: { ...logged, key: KEY, claimedAt: NOW.toISOString(), executionArn: 'arn:started', executionStatus: 'RUNNING' } }],
    ],
    [
      'a duplicate while the first attempt still runs',
      { endpoint: inService, pointers: { production: 3, lastGood: 2 }, claim: { createdAt: '2026-03-01T10:30:00.000Z' } },
      {},
      [{ level: 'info', message: 'duplicate alarm: the deployment is already being rolled back', fields: { ...logged, key: KEY, claimedAt: '2026-03-01T10:30:00.000Z' } }],
    ],
    [
      'a claim left by a crashed attempt',
      { endpoint: inService, pointers: { production: 3, lastGood: 2 }, claim: { createdAt: '2026-03-01T10:29:05.000Z', executionName } },
      {},
      [
        { level: 'warn', message: 'resuming a rollback whose execution was never started', fields: { ...logged, key: KEY, claimedAt: '2026-03-01T10:29:05.000Z' } },
        { level: 'info', message: 'rollback resumed', fields: { ...logged, key: KEY, executionArn, fromVersion: 3, toVersion: 2 } },
      ],
    ],
  ])('logs what it did with %s, naming the model, endpoint and alarm event', async (_, setup, alarm, logs) => {
    const { ports, done } = fakes(setup);
    await rollBack(request(alarm), ports);
    expect(done.logs).toStrictEqual(logs);
  });

  describe('a claimed rollback whose execution ended', () => {
    const ended = 'arn:aws:states:us-east-1:111111111111:execution:gantry-test-churn-deploy:' + executionName;
    const retryName = retryExecutionNameOf(executionName, 2);
    const retryArn = `arn:aws:states:us-east-1:111111111111:execution:gantry-test-churn-deploy:${retryName}`;
    const setup = (patch: Setup): Setup => ({ endpoint: inService, pointers: { production: 3, lastGood: 2 }, claim: { executionArn: ended, executionName }, ...patch });

    // https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html: the statuses an execution can have.
    it.each<[ExecutionStatus | undefined, RollbackResult['action']]>([
      ['FAILED', 'retried'],
      ['TIMED_OUT', 'retried'],
      ['ABORTED', 'retried'],
      ['RUNNING', 'duplicate'],
      ['PENDING_REDRIVE', 'duplicate'],
      ['SUCCEEDED', 'duplicate'],
      // Not yet visible (DescribeExecution is eventually consistent): it may be running.
      [undefined, 'duplicate'],
    ])('%s: %s', async (status, action) => {
      const { ports, done } = fakes(setup({ executionStatus: status }));
      expect((await rollBack(request(), ports)).action).toBe(action);
      expect(done.described).toEqual([ended]);
      expect(done.started.length).toBe(action === 'retried' ? 1 : 0);
    });

    it('releases the claim to a new attempt under a new execution name, starts it, tells the topic and records the start', async () => {
      const { ports, done } = fakes(setup({ executionStatus: 'FAILED' }));
      expect(await rollBack(request(), ports)).toStrictEqual({ action: 'retried', executionArn: retryArn, fromVersion: 3, toVersion: 2 });
      expect(done.rolledBack).toEqual([]);
      expect(done.retaken).toEqual([
        {
          key: KEY,
          endedExecutionArn: ended,
          executionName: retryName,
          reason: 'alarm gantry-test-churn-p99 in ALARM: Threshold Crossed',
          details: { alarmName: 'gantry-test-churn-p99', eventId: 'event-1', eventTime: '2026-03-01T10:30:01Z', alarmAt: '2026-03-01T10:30:00.000Z', toVersion: 2, previousStatus: 'FAILED' },
        },
      ]);
      expect(done.started.map((s) => [s.executionName, s.input.version, s.input.rollback])).toEqual([[retryName, 2, true]]);
      expect(done.notified.map((n) => n.notification.subject)).toEqual(['Gantry: rolling back churn from v3 to v2']);
      expect(done.claimStarted).toEqual([{ key: KEY, executionArn: retryArn }]);
      expect(done.logs.map((l) => [l.level, l.message])).toEqual([
        ['warn', 'retrying a rollback whose execution ended without succeeding'],
        ['info', 'rollback retried'],
      ]);
      expect(done.logs[0]!.fields).toEqual({ ...logged, key: KEY, previousExecutionArn: ended, previousStatus: 'FAILED', attempt: 2 });
    });

    it('counts attempts on from the claim: the third attempt gets its own name', async () => {
      const { ports, done } = fakes(setup({ executionStatus: 'TIMED_OUT', claim: { executionArn: ended, executionName: retryName, attempt: 2 } }));
      await rollBack(request(), ports);
      expect(done.retaken.map((r) => r.executionName)).toEqual([retryExecutionNameOf(executionName, 3)]);
    });

    it('is a duplicate, starting nothing, when another alarm retried the claim first', async () => {
      const { ports, done } = fakes(setup({ executionStatus: 'FAILED', retakenBy: 'arn:other-attempt' }));
      expect(await rollBack(request(), ports)).toStrictEqual({ action: 'duplicate', key: KEY, executionArn: 'arn:other-attempt' });
      expect({ started: done.started, notified: done.notified, claimStarted: done.claimStarted }).toEqual({ started: [], notified: [], claimStarted: [] });
    });

    it('logs the lost race at info with the winner, and leaves out an execution the winner has not started yet', async () => {
      const { ports, done } = fakes(setup({ executionStatus: 'ABORTED', retakenBy: 'arn:other-attempt' }));
      await rollBack(request(), ports);
      expect(done.logs).toStrictEqual([{ level: 'info', message: 'duplicate alarm: another attempt retried the rollback first', fields: { ...logged, key: KEY, executionArn: 'arn:other-attempt' } }]);
      const notStarted = fakes(setup({ executionStatus: 'FAILED', retakenBy: null }));
      expect(await rollBack(request(), notStarted.ports)).toStrictEqual({ action: 'duplicate', key: KEY });
      expect(notStarted.done.started).toEqual([]);
    });

    it('passes on an error of the retake other than a lost race, starting nothing', async () => {
      const { ports, done } = fakes(setup({ executionStatus: 'FAILED' }));
      ports.registry.retakeClaim = async () => {
        throw new Error('DynamoDB is throttling');
      };
      await expect(rollBack(request(), ports)).rejects.toThrow('DynamoDB is throttling');
      expect(done.started).toEqual([]);
    });
  });

  describe('an alarm with no last-good version', () => {
    const noLastGood: Setup = { endpoint: inService, pointers: { production: 3 } };

    it('claims a notice for the deployment, notifies, then marks the notice sent', async () => {
      const { ports, done } = fakes(noLastGood);
      await rollBack(request(), ports);
      expect(done.notices).toEqual([
        {
          version: 3,
          key: noticeKeyOf(CONFIG),
          reason: 'alarm gantry-test-churn-p99 in ALARM: Threshold Crossed; no last-good version to roll back to',
          details: { alarmName: 'gantry-test-churn-p99', eventId: 'event-1', alarmAt: '2026-03-01T10:30:00.000Z', endpointConfigName: CONFIG },
        },
      ]);
      expect(done.notified).toHaveLength(1);
      expect(done.noticeMarked).toEqual([noticeKeyOf(CONFIG)]);
    });

    it.each<[string, Partial<ClaimRecord>, boolean]>([
      ['told already', { notifiedAt: '2026-03-01T10:20:00.000Z', createdAt: '2026-03-01T10:20:00.000Z' }, false],
      ['claimed by an attempt that may still be notifying', { createdAt: '2026-03-01T10:29:30.000Z' }, false],
      ['claimed by an attempt that crashed before notifying', { createdAt: '2026-03-01T10:29:05.000Z' }, true],
    ])('a repeat for a deployment %s notifies: %s', async (_, notice, notifies) => {
      const { ports, done } = fakes({ ...noLastGood, notice });
      expect(await rollBack(request(), ports)).toStrictEqual({ action: 'no-last-good', productionVersion: 3, notified: notifies });
      expect(done.notified).toHaveLength(notifies ? 1 : 0);
      expect(done.noticeMarked).toEqual(notifies ? [noticeKeyOf(CONFIG)] : []);
    });

    it('logs a repeat at info, naming the notice claim', async () => {
      const { ports, done } = fakes({ ...noLastGood, notice: { notifiedAt: NOW.toISOString() } });
      await rollBack(request(), ports);
      expect(done.logs).toStrictEqual([
        { level: 'info', message: 'alarm with no last-good version: already notified for this deployment', fields: { ...logged, productionVersion: 3, key: noticeKeyOf(CONFIG), claimedAt: NOW.toISOString() } },
      ]);
    });

    it('passes on an error of the notice claim other than an existing claim, notifying nobody', async () => {
      const { ports, done } = fakes(noLastGood);
      ports.registry.claimNotice = async () => {
        throw new Error('DynamoDB is throttling');
      };
      await expect(rollBack(request(), ports)).rejects.toThrow('DynamoDB is throttling');
      expect(done.notified).toEqual([]);
    });

    it('a new deployment is a new incident: its notice has its own key', () => {
      expect(noticeKeyOf('gantry-test-churn-v4-0a1b2c3d')).not.toBe(noticeKeyOf(CONFIG));
      expect(noticeKeyOf(CONFIG)).not.toBe(claimKeyOf(CONFIG));
    });
  });
});
