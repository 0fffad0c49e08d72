import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  assessAlarm,
  assessEndpoint,
  claimKeyOf,
  decideRollback,
  executionArnOf,
  executionNameOf,
  MAX_SUBJECT_LENGTH,
  retryExecutionNameOf,
  noLastGoodNotification,
  rollbackDeployInput,
  rollbackReason,
  rollbackStartedNotification,
  type AlarmFacts,
  type EndpointFacts,
} from '../../../../lambdas/core/rollback/rollback';
import type { Pointers } from '../../../../lambdas/core/registry/model';

const ENDPOINT = 'gantry-prod-churn';
const CONFIG_V3 = `${ENDPOINT}-v3-1a2b3c4d`;
const deployedAt = new Date('2026-03-01T10:00:00Z');

const alarm = (overrides: Partial<AlarmFacts> = {}): AlarmFacts => ({
  alarmName: `${ENDPOINT}-latency-p99`,
  state: 'ALARM',
  stateReason: 'Threshold Crossed: 3 datapoints were greater than the threshold (500.0).',
  stateAt: new Date('2026-03-01T10:30:00Z'),
  eventId: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
  eventTime: '2026-03-01T10:30:01Z',
  ...overrides,
});

const endpoint = (overrides: Partial<EndpointFacts> = {}): EndpointFacts => ({
  endpointName: ENDPOINT,
  status: 'InService',
  endpointConfigName: CONFIG_V3,
  lastModifiedTime: deployedAt,
  pendingDeployment: false,
  ...overrides,
});

describe('assessAlarm', () => {
  it.each([
    ['ALARM', undefined],
    ['OK', { action: 'ignore', reason: 'alarm state is OK, not ALARM' }],
    ['INSUFFICIENT_DATA', { action: 'ignore', reason: 'alarm state is INSUFFICIENT_DATA, not ALARM' }],
  ])('%s → %j', (state, expected) => {
    expect(assessAlarm(alarm({ state }))).toEqual(expected);
  });
});

describe('assessEndpoint', () => {
  it.each<[string, Partial<AlarmFacts>, Partial<EndpointFacts>, ReturnType<typeof assessEndpoint>]>([
    ['lets an alarm after the deployment through', {}, {}, undefined],
    ['lets an alarm at the very instant of the deployment through', { stateAt: deployedAt }, {}, undefined],
    ['ignores an alarm while the endpoint updates (guardrails bake)', {}, { status: 'Updating' }, { action: 'ignore', reason: 'deployment in progress' }],
    ['ignores an alarm while the endpoint is created', {}, { status: 'Creating' }, { action: 'ignore', reason: 'deployment in progress' }],
    ['ignores an alarm while SageMaker rolls a deployment back', {}, { status: 'RollingBack' }, { action: 'ignore', reason: 'deployment in progress' }],
    ['ignores an alarm when InService reports a pending deployment', {}, { pendingDeployment: true }, { action: 'ignore', reason: 'deployment in progress' }],
    ['ignores an alarm on a failed endpoint', {}, { status: 'Failed' }, { action: 'ignore', reason: 'endpoint is Failed, not InService' }],
    ['ignores an alarm on an endpoint being deleted', {}, { status: 'Deleting' }, { action: 'ignore', reason: 'endpoint is Deleting, not InService' }],
    ['ignores an alarm raised before the endpoint last changed', { stateAt: new Date(deployedAt.getTime() - 1) }, {}, { action: 'ignore', reason: 'alarm predates the current deployment' }],
  ])('%s', (_name, alarmOverrides, endpointOverrides, expected) => {
    expect(assessEndpoint(alarm(alarmOverrides), endpoint(endpointOverrides))).toEqual(expected);
  });
});

describe('decideRollback', () => {
  it.each<[string, Partial<EndpointFacts>, Pointers, ReturnType<typeof decideRollback>]>([
    ['rolls production back to last-good', {}, { production: 3, lastGood: 2 }, { action: 'roll-back', fromVersion: 3, toVersion: 2 }],
    ['notifies when there is no last-good version', {}, { production: 3 }, { action: 'notify-no-last-good', productionVersion: 3 }],
    ['ignores a model with no production version', {}, {}, { action: 'ignore', reason: 'the model has no production version' }],
    ['trusts the registry when the config is not named by Gantry', { endpointConfigName: 'hand-made-config' }, { production: 3, lastGood: 2 }, { action: 'roll-back', fromVersion: 3, toVersion: 2 }],
    [
      'asks for a retry when the endpoint serves a version the registry has not promoted yet',
      { endpointConfigName: `${ENDPOINT}-v4-0badc0de` },
      { production: 3, lastGood: 2 },
      { action: 'retry', reason: `endpoint config ${ENDPOINT}-v4-0badc0de serves version 4 but the registry's production version is 3` },
    ],
  ])('%s', (_name, endpointOverrides, pointers, expected) => {
    expect(decideRollback(endpoint(endpointOverrides), pointers)).toEqual(expected);
  });
});

describe('names', () => {
  it('claims one key per endpoint config', () => {
    expect(claimKeyOf(CONFIG_V3)).toBe(`rollback#${CONFIG_V3}`);
  });

  it('names the execution after the bad version and a hash of the claim key, within Step Functions limits', () => {
    const key = claimKeyOf(CONFIG_V3);
    const name = executionNameOf(3, key);
    expect(name).toBe(`rollback-v3-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`);
    expect(name).toMatch(/^rollback-v3-[0-9a-f]{16}$/);
    expect(executionNameOf(3, key)).toBe(name);
    expect(executionNameOf(3, claimKeyOf(`${ENDPOINT}-v3-99999999`))).not.toBe(name);
    expect(executionNameOf(999_999, key).length).toBeLessThanOrEqual(80);
  });

  // https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html: a name is
  // taken for 90 days after its execution ends, and at most 80 characters.
  it('names each later attempt after the first execution and the attempt number, within 80 characters', () => {
    expect(retryExecutionNameOf('rollback-v3-0123456789abcdef', 2)).toBe('rollback-v3-0123456789abcdef-attempt-2');
    expect(retryExecutionNameOf(executionNameOf(999_999, claimKeyOf(CONFIG_V3)), 9999).length).toBeLessThanOrEqual(80);
  });

  it.each([
    ['arn:aws:states:us-east-1:111111111111:stateMachine:gantry-prod-churn-deploy', 'arn:aws:states:us-east-1:111111111111:execution:gantry-prod-churn-deploy:rollback-v3-x'],
    ['arn:aws-cn:states:cn-north-1:111111111111:stateMachine:m', 'arn:aws-cn:states:cn-north-1:111111111111:execution:m:rollback-v3-x'],
  ])('forms the execution ARN of %s', (stateMachineArn, expected) => {
    expect(executionArnOf(stateMachineArn, 'rollback-v3-x')).toBe(expected);
  });

  it.each([
    'arn:aws:sns:us-east-1:111111111111:topic',
    'x-arn:aws:states:us-east-1:111111111111:stateMachine:m',
    'arn:aws:states:us-east-1:111111111111:stateMachine:m:v1',
  ])('throws when the state machine ARN %s is not one', (arn) => {
    expect(() => executionArnOf(arn, 'x')).toThrow(`not a state machine ARN: ${arn}`);
  });
});

describe('deploy input and notifications', () => {
  it('asks the deploy workflow for last-good, all at once, as a rollback by gantry-rollback', () => {
    const reason = rollbackReason(alarm());
    expect(reason).toBe(`alarm ${ENDPOINT}-latency-p99 in ALARM: Threshold Crossed: 3 datapoints were greater than the threshold (500.0).`);
    expect(rollbackDeployInput('churn', 2, reason)).toEqual({ model: 'churn', version: 2, strategy: 'all-at-once', rollback: true, reason, requestedBy: 'gantry-rollback' });
  });

  it('tells what was rolled back, to what, why, and which execution does it', () => {
    const executionArn = 'arn:aws:states:us-east-1:111111111111:execution:gantry-prod-churn-deploy:rollback-v3-x';
    const notification = rollbackStartedNotification({ model: 'churn', endpointName: ENDPOINT, fromVersion: 3, toVersion: 2, alarm: alarm(), executionArn });
    expect(notification.subject).toBe('Gantry: rolling back churn from v3 to v2');
    expect(JSON.parse(notification.message)).toEqual({
      event: 'RollbackStarted',
      model: 'churn',
      endpointName: ENDPOINT,
      badVersion: 3,
      lastGoodVersion: 2,
      alarmName: `${ENDPOINT}-latency-p99`,
      alarmReason: alarm().stateReason,
      alarmAt: '2026-03-01T10:30:00.000Z',
      executionArn,
      note: 'Version 3 is marked RolledBack; the deploy execution puts version 2 back in production.',
    });
  });

  it('tells that nothing changed and what to do when there is no last-good version', () => {
    const stateMachineArn = 'arn:aws:states:us-east-1:111111111111:stateMachine:gantry-prod-churn-deploy';
    const notification = noLastGoodNotification({ model: 'churn', endpointName: ENDPOINT, productionVersion: 3, alarm: alarm(), stateMachineArn });
    expect(notification.subject).toBe('Gantry: churn alarm, no version to roll back to');
    expect(JSON.parse(notification.message)).toMatchObject({ event: 'RollbackImpossible', model: 'churn', productionVersion: 3, action: expect.stringContaining(stateMachineArn) });
  });

  it(`keeps subjects within SNS's ${MAX_SUBJECT_LENGTH} characters for the longest names`, () => {
    const model = 'm'.repeat(32);
    const started = rollbackStartedNotification({ model, endpointName: ENDPOINT, fromVersion: 999_999, toVersion: 999_998, alarm: alarm(), executionArn: 'arn' });
    const impossible = noLastGoodNotification({ model, endpointName: ENDPOINT, productionVersion: 999_999, alarm: alarm(), stateMachineArn: 'arn' });
    for (const { subject } of [started, impossible]) {
      expect(subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
      expect(subject).toMatch(/^[\x20-\x7e]+$/);
    }
  });

  it('cuts a subject that would be longer than SNS allows at the limit', () => {
    const model = 'm'.repeat(120);
    const started = rollbackStartedNotification({ model, endpointName: ENDPOINT, fromVersion: 3, toVersion: 2, alarm: alarm(), executionArn: 'arn' });
    const impossible = noLastGoodNotification({ model, endpointName: ENDPOINT, productionVersion: 3, alarm: alarm(), stateMachineArn: 'arn' });
    expect(started.subject).toBe(`Gantry: rolling back ${model}`.slice(0, MAX_SUBJECT_LENGTH));
    expect(impossible.subject).toBe(`Gantry: ${model}`.slice(0, MAX_SUBJECT_LENGTH));
    expect(JSON.parse(started.message)).toMatchObject({ model });
  });
});
