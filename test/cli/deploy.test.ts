import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoRegistry } from '../../lambdas/adapters/dynamo-registry';
import type { CliClients } from '../../cli/context';
import { run } from '../../cli/main';
import { dynamoClient } from '../support/engines';
import { localRegistryTable } from '../support/local-data';

const ARN = 'arn:aws:states:us-east-1:111111111111:stateMachine:gantry-dev-churn-deploy';
const EXECUTION = 'arn:aws:states:us-east-1:111111111111:execution:gantry-dev-churn-deploy:churn-v2-1';
const IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.5.1-cpu-py311';

// Step Functions, SSM and SageMaker have no local engine here: their clients are mocked and the
// exact requests asserted. The registry is a real table in DynamoDB Local.
const sfnMock = mockClient(SFNClient);
const ssmMock = mockClient(SSMClient);
const sagemakerMock = mockClient(SageMakerClient);

const entered = (name: string) => ({ timestamp: new Date(), type: 'TaskStateEntered' as const, id: 1, stateEnteredEventDetails: { name } });

describe('gantry deploy | rollback | status', () => {
  let dynamo: DynamoDBClient;
  let registryTable: string;
  let clients: CliClients;

  async function gantry(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const env = { USER: 'ana', GANTRY_POLL_MS: '0', GANTRY_REGISTRY_TABLE: registryTable };
    const code = await run(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env }, clients);
    return { code, stdout, stderr };
  }

  const startRequests = () => sfnMock.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
  const pointers = (model: string) => new DynamoRegistry({ client: dynamo, tableName: registryTable }).pointers(model);

  beforeAll(async () => {
    dynamo = dynamoClient();
    ({ tableName: registryTable } = await localRegistryTable(dynamo));
    clients = {
      dynamo: () => dynamo,
      ssm: () => new SSMClient({ region: 'us-east-1' }),
      sfn: () => new SFNClient({ region: 'us-east-1' }),
      sagemaker: () => new SageMakerClient({ region: 'us-east-1' }),
    } as unknown as CliClients;
    // churn: versions 1-5 registered and approved, 1 then 2 promoted (production 2, last-good 1):
    // 12 events. fraud: version 1 in production, no last-good. The registry CLI writes them.
    const seed = async (...argv: string[]) => expect((await gantry('registry', ...argv)).code).toBe(0);
    for (let n = 1; n <= 5; n++) await seed('register', '--model', 'churn', '--artifact', `s3://gantry-dev-artifacts/churn/${n}/model.tar.gz`, '--image', IMAGE);
    for (let n = 1; n <= 5; n++) await seed('approve', '--model', 'churn', '--version', String(n));
    await seed('promote', '--model', 'churn', '--version', '1');
    await seed('promote', '--model', 'churn', '--version', '2', '--reason', 'auc +0.02');
    await seed('register', '--model', 'fraud', '--artifact', 's3://gantry-dev-artifacts/fraud/1/model.tar.gz', '--image', IMAGE);
    await seed('approve', '--model', 'fraud', '--version', '1');
    await seed('promote', '--model', 'fraud', '--version', '1');
  });

  afterEach(() => {
    sfnMock.reset();
    ssmMock.reset();
    sagemakerMock.reset();
  });

  afterAll(() => {
    sfnMock.restore();
    ssmMock.restore();
    sagemakerMock.restore();
    dynamo?.destroy();
  });

  describe('gantry deploy', () => {
    it('starts the deploy state machine published for the stage, with the exact input', async () => {
      ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: ARN } });
      sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });

      const out = await gantry('deploy', '--model', 'churn', '--version', '3', '--strategy', 'canary', '--reason', 'new features', '--stage', 'dev', '--json');

      expect(out.code).toBe(0);
      expect(ssmMock.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([{ Name: '/gantry/dev/models/churn/deploy-state-machine' }]);
      expect(startRequests()).toEqual([
        {
          stateMachineArn: ARN,
          name: expect.stringMatching(/^churn-v3-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/),
          input: JSON.stringify({ model: 'churn', version: 3, strategy: 'canary', reason: 'new features', requestedBy: 'cli:ana' }),
        },
      ]);
      expect(JSON.parse(out.stdout)).toEqual({ executionArn: EXECUTION, input: { model: 'churn', version: 3, strategy: 'canary', reason: 'new features', requestedBy: 'cli:ana' } });
      expect(sfnMock.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
    });

    it('leaves the strategy to the model\'s configuration when none is given', async () => {
      sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION });

      const out = await gantry('deploy', '--model', 'churn', '--version', '3', '--state-machine', ARN);

      expect(out).toEqual({ code: 0, stdout: `started ${EXECUTION}\n`, stderr: '' });
      expect(ssmMock.calls()).toHaveLength(0);
      expect(startRequests()).toEqual([{ stateMachineArn: ARN, name: expect.stringMatching(/^churn-v3-/), input: JSON.stringify({ model: 'churn', version: 3, requestedBy: 'cli:ana' }) }]);
    });

    it('follows the execution with --wait, one line per state entered, reading every page of the history, and exits 0', async () => {
      sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION });
      sfnMock.on(DescribeExecutionCommand).resolvesOnce({ status: 'RUNNING' }).resolvesOnce({ status: 'RUNNING' }).resolves({ status: 'SUCCEEDED', output: '{}' });
      sfnMock
        .on(GetExecutionHistoryCommand)
        .resolvesOnce({ events: [entered('Prepare')] })
        .resolvesOnce({ events: [entered('Prepare'), entered('CreateModel'), entered('UpdateEndpoint')] })
        .resolves({ events: [entered('Prepare'), entered('CreateModel'), entered('UpdateEndpoint')], nextToken: 'page-2' });
      sfnMock.on(GetExecutionHistoryCommand, { nextToken: 'page-2' }).resolves({ events: [entered('WaitForEndpoint'), entered('Complete')] });

      const out = await gantry('deploy', '--model', 'churn', '--version', '3', '--state-machine', ARN, '--wait');

      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      expect(out.stdout).toBe(`started ${EXECUTION}\n  → Prepare\n  → CreateModel\n  → UpdateEndpoint\n  → WaitForEndpoint\n  → Complete\nchurn: version 3 is deployed\n`);
      expect(sfnMock.commandCalls(DescribeExecutionCommand).map((c) => c.args[0].input)).toEqual([{ executionArn: EXECUTION }, { executionArn: EXECUTION }, { executionArn: EXECUTION }]);
      expect(sfnMock.commandCalls(GetExecutionHistoryCommand).map((c) => c.args[0].input)).toEqual([
        { executionArn: EXECUTION, maxResults: 1000 },
        { executionArn: EXECUTION, maxResults: 1000 },
        { executionArn: EXECUTION, maxResults: 1000 },
        { executionArn: EXECUTION, maxResults: 1000, nextToken: 'page-2' },
      ]);
    });

    it('exits 1 with the error and cause when the deployment fails', async () => {
      sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION });
      sfnMock.on(DescribeExecutionCommand).resolves({ status: 'FAILED', error: 'RolledBackByGuardrails', cause: 'alarm gantry-dev-churn-5xx fired during the canary' });
      sfnMock.on(GetExecutionHistoryCommand).resolves({ events: [entered('Prepare'), entered('UpdateEndpoint'), entered('DeploymentFailed')] });

      const out = await gantry('deploy', '--model', 'churn', '--version', '3', '--state-machine', ARN, '--wait');

      expect(out.code).toBe(1);
      expect(out.stdout).toBe(
        `started ${EXECUTION}\n  → Prepare\n  → UpdateEndpoint\n  → DeploymentFailed\nchurn: deployment of version 3 FAILED: RolledBackByGuardrails alarm gantry-dev-churn-5xx fired during the canary\n`,
      );
    });
  });

  describe('gantry rollback', () => {
    it('redeploys the last-good version all at once, with the exact input, and leaves the registry to the workflow', async () => {
      sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION });

      const out = await gantry('rollback', '--model', 'churn', '--reason', 'p99 latency', '--state-machine', ARN, '--json');

      expect(out.code).toBe(0);
      const input = { model: 'churn', version: 1, strategy: 'all-at-once', rollback: true, reason: 'p99 latency', requestedBy: 'cli:ana' };
      expect(startRequests()).toEqual([{ stateMachineArn: ARN, name: expect.stringMatching(/^churn-rollback-v1-\d{4}-/), input: JSON.stringify(input) }]);
      expect(JSON.parse(out.stdout)).toEqual({ executionArn: EXECUTION, input });
      expect(await pointers('churn')).toEqual({ production: 2, lastGood: 1 });
    });

    it('reads the state machine from the stage\'s SSM parameters and follows it with --wait', async () => {
      ssmMock.on(GetParameterCommand, { Name: '/gantry/dev/models/churn/deploy-state-machine' }).resolves({ Parameter: { Value: ARN } });
      sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION });
      sfnMock.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED', output: '{}' });
      sfnMock.on(GetExecutionHistoryCommand).resolves({ events: [entered('Prepare'), entered('UpdateEndpoint'), entered('Complete')] });

      const out = await gantry('rollback', '--model', 'churn', '--stage', 'dev', '--wait');

      expect(out.code).toBe(0);
      expect(out.stdout).toBe(`started ${EXECUTION}\n  → Prepare\n  → UpdateEndpoint\n  → Complete\nchurn: rolled back to version 1\n`);
      // GANTRY_REGISTRY_TABLE names the table, so SSM is asked for the state machine only.
      expect(ssmMock.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([{ Name: '/gantry/dev/models/churn/deploy-state-machine' }]);
      expect(startRequests().map((r) => JSON.parse(r.input!))).toEqual([{ model: 'churn', version: 1, strategy: 'all-at-once', rollback: true, requestedBy: 'cli:ana' }]);
    });

    it('reports a failed rollback in JSON and exits 1', async () => {
      sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION });
      sfnMock.on(DescribeExecutionCommand).resolves({ status: 'FAILED', error: 'EndpointBusy', cause: 'gantry-dev-churn is Updating' });
      sfnMock.on(GetExecutionHistoryCommand).resolves({ events: [entered('Prepare')] });

      const out = await gantry('rollback', '--model', 'churn', '--state-machine', ARN, '--wait', '--json');

      expect(out.code).toBe(1);
      expect(JSON.parse(out.stdout)).toEqual({ executionArn: EXECUTION, status: 'FAILED', steps: ['Prepare'], model: 'churn', version: 1, rollback: true, error: 'EndpointBusy', cause: 'gantry-dev-churn is Updating' });
    });

    it('exits 1 and starts nothing when there is no last-good version', async () => {
      const out = await gantry('rollback', '--model', 'fraud', '--state-machine', ARN);

      expect(out.code).toBe(1);
      expect(out.stdout).toBe('');
      expect(out.stderr).toBe('gantry: fraud has no last-good version: nothing to roll back to (production is version 1); nothing was changed\n');
      expect(sfnMock.calls()).toHaveLength(0);
      expect(await pointers('fraud')).toEqual({ production: 1 });
    });

    it('exits 1 for a model the registry does not know', async () => {
      const out = await gantry('rollback', '--model', 'nope', '--state-machine', ARN);

      expect(out.code).toBe(1);
      expect(out.stderr).toContain('UnknownModelError: model "nope" has no registered versions');
      expect(sfnMock.calls()).toHaveLength(0);
    });
  });

  describe('gantry status', () => {
    const since = new Date('2026-11-02T10:00:00Z');

    it('shows an endpoint in service, its version and instances, and the registry\'s versions and last 10 events', async () => {
      sagemakerMock.on(DescribeEndpointCommand).resolves({
        EndpointName: 'gantry-dev-churn',
        EndpointStatus: 'InService',
        EndpointConfigName: 'gantry-dev-churn-v2-1a2b3c4d',
        ProductionVariants: [{ VariantName: 'primary', CurrentInstanceCount: 2, DesiredInstanceCount: 2 }],
        LastModifiedTime: since,
      });

      const out = await gantry('status', '--model', 'churn', '--stage', 'dev', '--json');

      expect(out.code).toBe(0);
      expect(sagemakerMock.commandCalls(DescribeEndpointCommand).map((c) => c.args[0].input)).toEqual([{ EndpointName: 'gantry-dev-churn' }]);
      const status = JSON.parse(out.stdout) as { events: Array<{ seq: number; type: string; version?: number; actor: string; reason?: string; at: string }> };
      expect(status).toMatchObject({
        model: 'churn',
        endpoint: {
          name: 'gantry-dev-churn',
          status: 'InService',
          configName: 'gantry-dev-churn-v2-1a2b3c4d',
          version: 2,
          variant: { name: 'primary', currentInstanceCount: 2, desiredInstanceCount: 2 },
          pendingDeployment: null,
          failureReason: null,
          lastModified: '2026-11-02T10:00:00.000Z',
        },
        registry: { production: 2, lastGood: 1 },
      });
      expect(status.events.map((e) => e.seq)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      expect(status.events.at(-1)).toEqual({ seq: 12, at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), type: 'Promoted', version: 2, actor: 'cli:ana', reason: 'auc +0.02' });
      expect(Object.keys(status.events[0]!).sort()).toEqual(['actor', 'at', 'seq', 'type', 'version']);
    });

    it('shows a deployment in progress in the human table', async () => {
      sagemakerMock.on(DescribeEndpointCommand, { EndpointName: 'churn-shadow' }).resolves({
        EndpointName: 'churn-shadow',
        EndpointStatus: 'Updating',
        EndpointConfigName: 'churn-shadow-v2-1a2b3c4d',
        ProductionVariants: [{ VariantName: 'primary', CurrentInstanceCount: 2, DesiredInstanceCount: 3 }],
        PendingDeploymentSummary: { EndpointConfigName: 'churn-shadow-v3-5e6f7a8b', StartTime: since, ProductionVariants: [{ VariantName: 'primary' }] },
      });

      const out = await gantry('status', '--model', 'churn', '--endpoint', 'churn-shadow');

      expect(out.code).toBe(0);
      const lines = out.stdout.split('\n');
      expect(lines.slice(0, 8)).toEqual([
        'churn',
        '  endpoint     churn-shadow  Updating',
        '  serving      version 2  (churn-shadow-v2-1a2b3c4d)',
        '  deploying    version 3  (churn-shadow-v3-5e6f7a8b), since 2026-11-02T10:00:00.000Z',
        '  instances    2 of 3  (variant primary)',
        '  production   version 2',
        '  last-good    version 1',
        'events (last 10)',
      ]);
      expect(lines.slice(8, -1)).toHaveLength(10);
      expect(lines.at(-2)).toMatch(/^ {2}#12 {2}\S+ {2}Promoted {11}v2 \(was v1\) auc \+0\.02 {2}by cli:ana$/);
      expect(sagemakerMock.commandCalls(DescribeEndpointCommand).map((c) => c.args[0].input)).toEqual([{ EndpointName: 'churn-shadow' }]);
    });

    it('shows a failure reason and a deployment in progress in JSON', async () => {
      sagemakerMock.on(DescribeEndpointCommand).resolves({
        EndpointStatus: 'Updating',
        EndpointConfigName: 'gantry-dev-churn-v2-1a2b3c4d',
        ProductionVariants: [{ VariantName: 'primary', CurrentInstanceCount: 2, DesiredInstanceCount: 2 }],
        PendingDeploymentSummary: { EndpointConfigName: 'gantry-dev-churn-v3-5e6f7a8b', StartTime: since },
        FailureReason: 'previous update rolled back: alarm fired',
      });

      const out = await gantry('status', '--model', 'churn', '--stage', 'dev', '--json');

      expect(JSON.parse(out.stdout).endpoint).toMatchObject({
        status: 'Updating',
        version: 2,
        pendingDeployment: { configName: 'gantry-dev-churn-v3-5e6f7a8b', version: 3, startTime: '2026-11-02T10:00:00.000Z' },
        failureReason: 'previous update rolled back: alarm fired',
      });
    });

    it('says "absent" when the endpoint does not exist', async () => {
      sagemakerMock
        .on(DescribeEndpointCommand)
        .rejects(Object.assign(new Error('Could not find endpoint "arn:aws:sagemaker:us-east-1:111111111111:endpoint/gantry-dev-fraud".'), { name: 'ValidationException' }));

      const json = await gantry('status', '--model', 'fraud', '--stage', 'dev', '--json');
      const text = await gantry('status', '--model', 'fraud', '--stage', 'dev');

      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({ model: 'fraud', endpoint: { name: 'gantry-dev-fraud', status: 'absent' }, registry: { production: 1, lastGood: null } });
      expect(JSON.parse(json.stdout).endpoint).toEqual({ name: 'gantry-dev-fraud', status: 'absent' });
      expect(text.stdout.split('\n').slice(0, 4)).toEqual(['fraud', '  endpoint     gantry-dev-fraud  absent', '  production   version 1', '  last-good    none']);
      expect(sagemakerMock.commandCalls(DescribeEndpointCommand).map((c) => c.args[0].input)).toEqual([{ EndpointName: 'gantry-dev-fraud' }, { EndpointName: 'gantry-dev-fraud' }]);
    });

    it('exits 1 on another SageMaker error', async () => {
      sagemakerMock.on(DescribeEndpointCommand).rejects(Object.assign(new Error('User is not authorized to perform: sagemaker:DescribeEndpoint'), { name: 'AccessDeniedException' }));

      const out = await gantry('status', '--model', 'churn', '--endpoint', 'gantry-dev-churn');

      expect(out.code).toBe(1);
      expect(out.stderr).toBe('gantry: User is not authorized to perform: sagemaker:DescribeEndpoint\n');
      expect(out.stdout).toBe('');
    });
  });

  describe('bad command lines: a clear error, exit 2, nothing started or described', () => {
    it.each([
      [['deploy', '--version', '3', '--state-machine', ARN], /--model is required/],
      [['deploy', '--model', 'churn', '--state-machine', ARN], /--version is required/],
      [['deploy', '--model', 'churn', '--version', 'abc', '--state-machine', ARN], /--version must be a positive integer \(got "abc"\)/],
      [['deploy', '--model', 'churn', '--version', '0', '--state-machine', ARN], /--version must be a positive integer \(got "0"\)/],
      [['deploy', '--model', 'churn', '--version', '-3', '--state-machine', ARN], /--version/],
      [['deploy', '--model', 'churn', '--version', '1000000', '--state-machine', ARN], /--version must be at most 999999 \(got 1000000\)/],
      [['deploy', '--model', 'churn', '--version', '3', '--strategy', 'bogus', '--state-machine', ARN], /--strategy must be one of canary, linear, all-at-once \(got "bogus"\)/],
      [['deploy', '--model', 'churn', '--version', '3'], /no state-machine given: pass --state-machine, or pass --stage/],
      [['deploy', '--model', 'churn', '--version', '3', '--state-machine', ARN, '--rollback'], /unknown option '--rollback'/],
      [['rollback', '--state-machine', ARN], /--model is required/],
      [['rollback', '--model', 'churn'], /no state-machine given/],
      [['rollback', '--model', 'churn', '--version', '1', '--state-machine', ARN], /unknown option '--version'/],
      [['status'], /--model is required/],
      [['status', '--model', 'churn'], /no endpoint given: pass --endpoint NAME, or --stage S \(or set GANTRY_STAGE\)/],
      [['status', '--model', 'churn', '--stage', 'dev', '--wait'], /unknown option '--wait'/],
    ])('%j', async (argv, message) => {
      const out = await gantry(...argv);
      expect(out.code).toBe(2);
      expect(out.stderr).toMatch(message);
      expect(out.stdout).toBe('');
      expect(sfnMock.calls()).toHaveLength(0);
      expect(sagemakerMock.calls()).toHaveLength(0);
    });
  });
});
