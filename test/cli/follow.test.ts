import { describe, expect, it } from 'vitest';
import { executionName, pollMsOf, progressOf } from '../../cli/follow';

describe('pollMsOf', () => {
  it.each([
    [undefined, 10_000],
    ['', 10_000],
    ['0', 0],
    ['250', 250],
    ['soon', 10_000],
    ['-5', 10_000],
  ])('GANTRY_POLL_MS=%j → %i ms', (value, expected) => {
    expect(pollMsOf({ stdout: () => undefined, stderr: () => undefined, env: { GANTRY_POLL_MS: value } })).toBe(expected);
  });
});

describe('executionName', () => {
  it('joins the parts and a UTC time with the characters Step Functions allows', () => {
    expect(executionName('churn', 'rollback', 'v7')).toMatch(/^churn-rollback-v7-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/);
  });

  it('cuts the name to the 80 characters Step Functions allows', () => {
    expect(executionName('m'.repeat(100), 'v1')).toHaveLength(80);
  });
});

describe('progressOf', () => {
  it('lists the states entered in order, with the failure', () => {
    const timestamp = new Date();
    expect(
      progressOf([
        { timestamp, type: 'ExecutionStarted', id: 1 },
        { timestamp, type: 'TaskStateEntered', id: 2, stateEnteredEventDetails: { name: 'Prepare' } },
        { timestamp, type: 'TaskStateExited', id: 3, stateExitedEventDetails: { name: 'Prepare' } },
        { timestamp, type: 'ChoiceStateEntered', id: 4, stateEnteredEventDetails: { name: 'EndpointExists' } },
        { timestamp, type: 'ExecutionFailed', id: 5, executionFailedEventDetails: { error: 'EndpointBusy', cause: 'Updating' } },
      ]),
    ).toEqual({ entered: ['Prepare', 'EndpointExists'], error: 'EndpointBusy', cause: 'Updating' });
  });
});
