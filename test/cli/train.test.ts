import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliClients } from '../../cli/context';
import { run } from '../../cli/main';

const ARN = 'arn:aws:states:us-east-1:111111111111:stateMachine:gantry-dev-churn-training';
const EXECUTION = 'arn:aws:states:us-east-1:111111111111:execution:gantry-dev-churn-training:churn-manual-1';

// Step Functions and SSM have no local engine here: their clients are mocked and the exact requests asserted.
const sfnMock = mockClient(SFNClient);
const ssmMock = mockClient(SSMClient);
const clients = { sfn: () => new SFNClient({ region: 'us-east-1' }), ssm: () => new SSMClient({ region: 'us-east-1' }) } as unknown as CliClients;

async function gantry(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { GANTRY_POLL_MS: '1' } }, clients);
  return { code, stdout, stderr };
}

const entered = (name: string) => ({ timestamp: new Date(), type: 'TaskStateEntered' as const, id: 1, stateEnteredEventDetails: { name } });

describe('gantry train', () => {
  afterEach(() => {
    sfnMock.reset();
    ssmMock.reset();
  });

  it('starts an execution of the state machine published for the stage, with the exact input', async () => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: ARN } });
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
    const out = await gantry('train', '--model', 'churn', '--stage', 'dev', '--data', 's3://curated/churn/2026-11/', '--param', 'epochs=5', '--json');
    expect(out.code).toBe(0);
    expect(ssmMock.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([{ Name: '/gantry/dev/models/churn/training-state-machine' }]);
    const start = sfnMock.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(start.stateMachineArn).toBe(ARN);
    expect(start.name).toMatch(/^churn-manual-\d{4}-\d{2}-\d{2}T/);
    expect(JSON.parse(start.input!)).toEqual({ reason: 'manual', dataUri: 's3://curated/churn/2026-11/', hyperparameters: { epochs: '5' } });
    expect(JSON.parse(out.stdout)).toMatchObject({ executionArn: EXECUTION });
  });

  it('follows the execution with --wait, printing each step, and reports the registered version', async () => {
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION });
    sfnMock
      .on(DescribeExecutionCommand)
      .resolvesOnce({ status: 'RUNNING' })
      .resolves({ status: 'SUCCEEDED', output: JSON.stringify({ registered: { version: 7 } }) });
    sfnMock
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: [entered('ApplyDefaults'), entered('ValidateData')] })
      .resolves({ events: [entered('ApplyDefaults'), entered('ValidateData'), entered('Train'), entered('Register')] });
    const out = await gantry('train', '--model', 'churn', '--state-machine', ARN, '--wait');
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(`started ${EXECUTION}\n  → ApplyDefaults\n  → ValidateData\n  → Train\n  → Register\nchurn: registered version 7\n`);
    expect(sfnMock.commandCalls(DescribeExecutionCommand)[0]!.args[0].input).toEqual({ executionArn: EXECUTION });
  });

  it('exits 1 with the error and cause when the run fails', async () => {
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION });
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'FAILED', error: 'GateFailed', cause: 'auc 0.71 is below production v3' });
    sfnMock.on(GetExecutionHistoryCommand).resolves({ events: [entered('QualityGate')] });
    const out = await gantry('train', '--model', 'churn', '--state-machine', ARN, '--wait', '--json');
    expect(out.code).toBe(1);
    expect(JSON.parse(out.stdout)).toMatchObject({ status: 'FAILED', error: 'GateFailed', cause: 'auc 0.71 is below production v3', steps: ['QualityGate'] });
  });

  it.each([
    [['train'], /--model is required/],
    [['train', '--model', 'churn', '--data', 'file:///tmp/x.csv', '--state-machine', ARN], /--data must be an s3:\/\/bucket\/key URI/],
    [['train', '--model', 'churn', '--param', 'epochs', '--state-machine', ARN], /--param must be KEY=VALUE \(got "epochs"\)/],
    [['train', '--model', 'churn', '--reason', 'because', '--state-machine', ARN], /--reason must be one of manual, schedule, new-data, drift/],
    [['train', '--model', 'churn'], /no state-machine given: pass --state-machine, or pass --stage/],
  ])('%j is a usage error and starts nothing', async (argv, message) => {
    const out = await gantry(...argv);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(message);
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});
