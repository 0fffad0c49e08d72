import { describe, expect, it } from 'vitest';
import { updatePhase, updateStateId, versionResources } from '../../../../../lib/constructs/deploy-workflow/phases/deploy';
import { phaseScaffold, statesOf } from './phases';

describe('updateStateId', () => {
  it.each([
    [false, 'canary', 'UpdateEndpointCanary'],
    [false, 'linear', 'UpdateEndpointLinear'],
    [false, 'all-at-once', 'UpdateEndpointAllAtOnce'],
    [false, 'rollback', 'UpdateEndpointRollback'],
    [true, 'all-at-once', 'UpdateEndpoint'],
  ] as const)('serverless %s, %s → %s', (serverless, strategy, id) => {
    expect(updateStateId(serverless, strategy)).toBe(id);
  });
});

describe('versionResources', () => {
  it('creates the model, then the endpoint config, through the AWS SDK integration, and CreateEndpoint apart', () => {
    const { stack, context, done } = phaseScaffold('prod');
    const version = versionResources(stack, context);
    version.createEndpoint.next(done);
    const states = statesOf(stack, version.chain.next(version.createEndpoint));
    expect(states.CreateModel).toMatchObject({ Resource: 'arn:aws:states:::aws-sdk:sagemaker:createModel', Next: 'CreateEndpointConfig', ResultPath: null });
    expect(states.CreateEndpointConfig).toMatchObject({ Resource: 'arn:aws:states:::aws-sdk:sagemaker:createEndpointConfig', Next: 'CreateEndpoint' });
    expect(states.CreateEndpoint).toMatchObject({ Parameters: { EndpointName: 'gantry-prod-churn' }, Next: 'Next' });
    for (const id of ['CreateModel', 'CreateEndpointConfig', 'CreateEndpoint']) {
      expect(states[id]!.Retry[0].ErrorEquals, id).toContain('SageMaker.ThrottlingException');
      expect(states[id]!.Catch, id).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' }]);
    }
  });
});

describe('updatePhase', () => {
  it('deregisters autoscaling when the instance type changes, then updates with the plan\'s strategy', () => {
    const { stack, context, done } = phaseScaffold('prod');
    const states = statesOf(stack, updatePhase(stack, context, { alarmNames: ['gantry-prod-churn-latency-p99'], next: done }));
    expect(states.InstanceTypeChanged!.Choices).toEqual([{ Variable: '$.plan.instanceTypeChanged', BooleanEquals: true, Next: 'DeregisterScalableTarget' }]);
    expect(states.InstanceTypeChanged!.Default).toBe('Strategy');
    // Nothing to deregister is not a failure.
    expect(states.DeregisterScalableTarget!.Catch[0]).toEqual({ ErrorEquals: ['ApplicationAutoScaling.ObjectNotFoundException'], ResultPath: null, Next: 'Strategy' });
    expect((states.Strategy!.Choices as Array<{ Next: string }>).map((c) => c.Next)).toEqual(['UpdateEndpointRollback', 'UpdateEndpointCanary', 'UpdateEndpointLinear']);
    expect(states.Strategy!.Default).toBe('UpdateEndpointAllAtOnce');
    expect(states.UpdateEndpointCanary!.Parameters.DeploymentConfig.AutoRollbackConfiguration).toEqual({ Alarms: [{ AlarmName: 'gantry-prod-churn-latency-p99' }] });
    // Putting last-good back while the alarms are still in ALARM: no auto-rollback.
    expect(states.UpdateEndpointRollback!.Parameters.DeploymentConfig.AutoRollbackConfiguration).toBeUndefined();
  });

  it('is one plain update on a serverless endpoint', () => {
    const { stack, context, done } = phaseScaffold('dev');
    const states = statesOf(stack, updatePhase(stack, context, { alarmNames: [], next: done }));
    expect(Object.keys(states).sort()).toEqual(['DeploymentFailed', 'Next', 'NotifyFailure', 'RecordFailure', 'UpdateEndpoint']);
    expect(states.UpdateEndpoint!.Parameters).toEqual({ EndpointName: 'gantry-dev-churn', 'EndpointConfigName.$': '$.plan.resourceName' });
  });
});
