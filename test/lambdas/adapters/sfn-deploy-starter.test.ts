import { ExecutionAlreadyExists, SFNClient, SFNServiceException, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SfnDeployStarter } from '../../../lambdas/adapters/sfn-deploy-starter';
import type { DeployInput } from '../../../lib/contract';

// Step Functions is mocked here (the workflows run on aws-local-stepfunctions elsewhere): the request is asserted in full.
const client = new SFNClient({ region: 'us-east-1' });
const sfn = mockClient(client);

const STATE_MACHINE = 'arn:aws:states:us-east-1:111111111111:stateMachine:gantry-test-churn-deploy';
const input: DeployInput = { model: 'churn', version: 2, strategy: 'all-at-once', rollback: true, reason: 'alarm', requestedBy: 'gantry-rollback' };

afterEach(() => sfn.reset());

describe('SfnDeployStarter', () => {
  it('starts the execution under the name with the input as JSON, and returns its ARN', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    expect(await new SfnDeployStarter(client).start(STATE_MACHINE, 'rollback-v3-abc', input)).toBe('arn:exec');
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input)).toEqual([{ stateMachineArn: STATE_MACHINE, name: 'rollback-v3-abc', input: JSON.stringify(input) }]);
  });

  it('counts an execution already started under the name as started', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    expect(await new SfnDeployStarter(client).start(STATE_MACHINE, 'rollback-v3-abc', input)).toBe('arn:aws:states:us-east-1:111111111111:execution:gantry-test-churn-deploy:rollback-v3-abc');
  });

  it('throws any other error, and an answer without an ARN', async () => {
    sfn.on(StartExecutionCommand).rejects(new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'slow down', $metadata: {} }));
    await expect(new SfnDeployStarter(client).start(STATE_MACHINE, 'n', input)).rejects.toMatchObject({ name: 'ThrottlingException' });
    sfn.on(StartExecutionCommand).resolves({});
    await expect(new SfnDeployStarter(client).start(STATE_MACHINE, 'n', input)).rejects.toThrow('StartExecution n returned no execution ARN');
  });
});
