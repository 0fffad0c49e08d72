import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient, SFNServiceException } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SfnExecutionReader } from '../../../lambdas/adapters/sfn-execution-reader';

// Step Functions is mocked here (the workflows run on aws-local-stepfunctions elsewhere): the request is asserted in full.
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html
const client = new SFNClient({ region: 'us-east-1' });
const sfn = mockClient(client);
const ARN = 'arn:aws:states:us-east-1:111111111111:execution:gantry-test-churn-deploy:rollback-v3-abc';

afterEach(() => sfn.reset());

describe('SfnExecutionReader', () => {
  it.each(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const)('returns the status %s of the execution it asked about', async (status) => {
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: ARN, stateMachineArn: 'arn:sm', status, startDate: new Date() });
    expect(await new SfnExecutionReader(client).status(ARN)).toBe(status);
    expect(sfn.commandCalls(DescribeExecutionCommand).map((c) => c.args[0].input)).toEqual([{ executionArn: ARN }]);
  });

  it('answers undefined for an execution Step Functions does not know (ExecutionDoesNotExist)', async () => {
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} }));
    expect(await new SfnExecutionReader(client).status(ARN)).toBeUndefined();
  });

  it('throws any other error, and an answer without a status', async () => {
    sfn.on(DescribeExecutionCommand).rejects(new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'slow down', $metadata: {} }));
    await expect(new SfnExecutionReader(client).status(ARN)).rejects.toMatchObject({ name: 'ThrottlingException' });
    sfn.on(DescribeExecutionCommand).resolves({});
    await expect(new SfnExecutionReader(client).status(ARN)).rejects.toThrow(`DescribeExecution ${ARN} returned no status`);
  });
});
