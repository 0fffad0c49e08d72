import { describe, expect, it } from 'vitest';
import { describeFailedExecution, LocalStepFunctions } from '../../../../tools/local/lifecycle/local-step-functions';
import { ServiceError } from '../../../../tools/local/lifecycle/local-service';
import type { AslDefinition } from '../../../../tools/local/state-machine';

const ARN = 'arn:aws:states:us-east-1:111111111111:stateMachine:Demo';
const asl: AslDefinition = {
  StartAt: 'Train',
  States: { Train: { Type: 'Task', Resource: 'arn:aws:states:::sagemaker:createTrainingJob.sync', Parameters: { 'TrainingJobName.$': '$.name' }, End: true } },
};

function service(fail: boolean): LocalStepFunctions {
  const sfn = new LocalStepFunctions();
  sfn.register({
    arn: ARN,
    name: 'Demo',
    asl: { definition: asl, arnToLogicalId: {} },
    lambdas: {},
    tasks: () => async (input: unknown) => {
      if (fail) throw Object.assign(new Error('ResourceLimitExceeded: no ml.g5.2xlarge spot capacity'), { name: 'SageMaker.ResourceLimitExceededException' });
      return input;
    },
  });
  return sfn;
}

describe('LocalStepFunctions', () => {
  it('starts under a name once, like StartExecution, and describes the execution', async () => {
    const sfn = service(false);
    const { executionArn } = await sfn.api('StartExecution', { stateMachineArn: ARN, name: 'run-1', input: '{"name":"job-1"}' });
    expect(executionArn).toBe('arn:aws:states:us-east-1:111111111111:execution:Demo:run-1');
    await expect(sfn.api('StartExecution', { stateMachineArn: ARN, name: 'run-1', input: '{}' })).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    await sfn.settle();
    expect(await sfn.api('DescribeExecution', { executionArn })).toMatchObject({ status: 'SUCCEEDED', name: 'run-1' });
    await expect(sfn.api('DescribeExecution', { executionArn: `${executionArn}-x` })).rejects.toBeInstanceOf(ServiceError);
    await expect(sfn.api('StartExecution', { stateMachineArn: `${ARN}x`, input: '{}' })).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
  });

  it('names the failed state, the error, the cause and the task input of a failed execution', async () => {
    const sfn = service(true);
    const execution = sfn.start(ARN, { name: 'job-9' }, 'run-9');
    const trace = await execution.done;
    expect(execution.status).toBe('FAILED');
    expect(describeFailedExecution('training run-9', trace)).toBe(
      'training run-9 FAILED in state Train: SageMaker.ResourceLimitExceededException: ResourceLimitExceeded: no ml.g5.2xlarge spot capacity\n  input of Train: {"TrainingJobName":"job-9"}',
    );
  });

  it('answers a task token once with SendTaskSuccess, and refuses an unknown token', async () => {
    const sfn = new LocalStepFunctions();
    const waiting = sfn.waitForToken('t-1');
    await sfn.api('SendTaskSuccess', { taskToken: 't-1', output: '{"approved":true}' });
    expect(await waiting).toEqual({ approved: true });
    await expect(sfn.api('SendTaskSuccess', { taskToken: 't-1', output: '{}' })).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
  });
});
