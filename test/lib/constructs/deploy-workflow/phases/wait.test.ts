import { describe, expect, it } from 'vitest';
import { maxEndpointPolls, waitPhase } from '../../../../../lib/constructs/deploy-workflow/phases/wait';
import { phaseScaffold, statesOf } from './phases';

describe('maxEndpointPolls', () => {
  it.each([
    [90, 60, 90],
    [90, 45, 120],
    [10, 600, 1],
    [5, 120, 3],
  ])('%i minutes at one poll every %i s is %i polls', (minutes, seconds, polls) => {
    expect(maxEndpointPolls(minutes, seconds)).toBe(polls);
  });
});

describe('waitPhase', () => {
  function build(pollSeconds: number) {
    const { stack, model, context, done } = phaseScaffold('prod');
    let builtAfter: string[] = [];
    const start = waitPhase(stack, context, {
      pollSeconds,
      inService: () => {
        // The wait's own states are caught into the failure path before what follows is built.
        builtAfter = stack.node.children.map((c) => c.node.id);
        return done;
      },
    });
    return { model, states: statesOf(stack, start), builtAfter, start };
  }

  it('builds what follows only after its own states', () => {
    const { builtAfter, start } = build(60);
    expect(builtAfter).toEqual(expect.arrayContaining(['StartPolling', 'WaitForEndpoint', 'DescribeEndpoint', 'RolledBackByGuardrails', 'EndpointFailed', 'DeploymentTimedOut']));
    expect(builtAfter).not.toContain('EndpointStatus');
    expect(start.startState.id).toBe('StartPolling');
  });

  it('goes on only when the endpoint is InService on the planned config, and reads InService on another as a guardrail rollback', () => {
    const { states } = build(60);
    const choices = states.EndpointStatus!.Choices as Array<Record<string, any>>;
    expect(choices[0]).toEqual({ And: [{ Variable: '$.endpoint.status', StringEquals: 'InService' }, { Variable: '$.endpoint.configName', StringEqualsPath: '$.plan.resourceName' }], Next: 'Next' });
    expect(choices[1]).toEqual({ Variable: '$.endpoint.status', StringEquals: 'InService', Next: 'RolledBackByGuardrails' });
    expect(states.EndpointStatus!.Default).toBe('CountPoll');
    expect(states.RolledBackByGuardrails!.Next).toBe('RecordFailure');
  });

  it('gives up after the polls that fit in the deployment timeout', () => {
    const { model, states } = build(45);
    const polls = maxEndpointPolls(model.serving.deployment.timeoutMinutes, 45);
    expect(states.WaitForEndpoint).toMatchObject({ Type: 'Wait', Seconds: 45 });
    expect(states.EndpointStatus!.Choices).toContainEqual({ Variable: '$.polls.n', NumericGreaterThanEquals: polls, Next: 'DeploymentTimedOut' });
    expect(JSON.stringify(states.DeploymentTimedOut)).toContain(`after ${polls} polls (${model.serving.deployment.timeoutMinutes} minutes)`);
  });
});
