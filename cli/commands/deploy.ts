import { DEPLOY_STRATEGIES, MAX_DEPLOYABLE_VERSION, type DeployInput, type DeployStrategy, PARAMETER_KEYS } from '../../lib/contract';
import { parseFlags, positiveInt, required, UsageError } from '../args';
import { resolveName, type CliClients, type CliIo } from '../context';
import { executionName, pollMsOf, startExecution } from '../follow';
import { print } from '../output';
import { registry, TABLE_OPTION } from './registry';

export const DEPLOY_HELP = `gantry deploy --model M --version N [--strategy ${DEPLOY_STRATEGIES.join('|')}] [--reason R] [--wait]

Starts the model's deploy workflow for version N: a blue/green update of the model's endpoint
that shifts traffic by the strategy (default: the model's configured one) under the endpoint's
alarms, then promotes N in the registry. The workflow refuses a version that may not go to
production. Its state machine ARN comes from --state-machine ARN or the stage's SSM parameters
(--stage S). --wait follows the execution, printing each step as it starts, and exits 0 when the
version serves, 1 when the deployment failed or was rolled back (the error is shown).`;

export const ROLLBACK_HELP = `gantry rollback --model M [--reason R] [--wait]

Redeploys the registry's last-good version all at once; the version in production is marked
RolledBack when the endpoint serves last-good again. Exits 1, changing nothing, when the model
has no last-good version. The registry table: --registry-table NAME, GANTRY_REGISTRY_TABLE or
--stage S; the deploy state machine and --wait as for \`gantry deploy\`.`;

const STATE_MACHINE_OPTION = { 'state-machine': { type: 'string' } } as const;

export async function deployCommand(args: readonly string[], io: CliIo, clients: CliClients, pollMs = pollMsOf(io)): Promise<number> {
  const values = parseFlags(args, { ...STATE_MACHINE_OPTION, model: { type: 'string' }, version: { type: 'string' }, strategy: { type: 'string' }, reason: { type: 'string' }, wait: { type: 'boolean' } });
  const model = required(values, 'model');
  const version = positiveInt(values, 'version');
  if (version > MAX_DEPLOYABLE_VERSION) throw new UsageError(`--version must be at most ${MAX_DEPLOYABLE_VERSION} (got ${version})`);
  const strategy = values.strategy as DeployStrategy | undefined;
  if (strategy !== undefined && !DEPLOY_STRATEGIES.includes(strategy)) {
    throw new UsageError(`--strategy must be one of ${DEPLOY_STRATEGIES.join(', ')} (got ${JSON.stringify(values.strategy)})`);
  }
  const input: DeployInput = { model, version, ...(strategy !== undefined ? { strategy } : {}), ...(values.reason !== undefined ? { reason: values.reason } : {}), requestedBy: requester(io) };
  const stateMachineArn = await deployStateMachine(model, values, io, clients);
  return startDeployment(stateMachineArn, input, values, io, clients, pollMs);
}

export async function rollbackCommand(args: readonly string[], io: CliIo, clients: CliClients, pollMs = pollMsOf(io)): Promise<number> {
  const values = parseFlags(args, { ...STATE_MACHINE_OPTION, ...TABLE_OPTION, model: { type: 'string' }, reason: { type: 'string' }, wait: { type: 'boolean' } });
  const model = required(values, 'model');
  // Both names first: a bad command line is reported before anything is read.
  const reg = await registry(values, io, clients);
  const stateMachineArn = await deployStateMachine(model, values, io, clients);
  const { production, lastGood } = await reg.pointers(model);
  if (lastGood === undefined) {
    io.stderr(`gantry: ${model} has no last-good version: nothing to roll back to${production !== undefined ? ` (production is version ${production})` : ''}; nothing was changed\n`);
    return 1;
  }
  const input: DeployInput = {
    model,
    version: lastGood,
    // A rollback restores what served before, as fast as possible: no canary of a known-good version.
    strategy: 'all-at-once',
    rollback: true,
    ...(values.reason !== undefined ? { reason: values.reason } : {}),
    requestedBy: requester(io),
  };
  return startDeployment(stateMachineArn, input, values, io, clients, pollMs);
}

function requester(io: CliIo): string {
  return `cli:${io.env.USER ?? 'unknown'}`;
}

/** The model's deploy state machine: --state-machine ARN, or the stage's SSM parameter. */
function deployStateMachine(model: string, values: { stage?: string; 'state-machine'?: string }, io: CliIo, clients: CliClients): Promise<string> {
  return resolveName({ flag: 'state-machine', flagValue: values['state-machine'], parameterKey: PARAMETER_KEYS.deployWorkflow(model), stage: values.stage }, io, clients);
}

/** Starts an execution of the deploy state machine with `input`; with --wait, follows it to the end. */
async function startDeployment(stateMachineArn: string, input: DeployInput, values: { json?: boolean; wait?: boolean }, io: CliIo, clients: CliClients, pollMs: number): Promise<number> {
  const { model, version } = input;
  const sfn = clients.sfn();
  const name = input.rollback ? executionName(model, 'rollback', `v${version}`) : executionName(model, `v${version}`);
  const { executionArn, outcome } = await startExecution(sfn, { stateMachineArn, name, input }, io, values, pollMs);
  if (!outcome) return 0;
  const result = { executionArn, status: outcome.status, steps: outcome.steps, model, version, rollback: input.rollback === true, error: outcome.error, cause: outcome.cause };
  const what = input.rollback ? 'rollback' : 'deployment';
  print(io, values, result, () =>
    outcome.status === 'SUCCEEDED'
      ? input.rollback
        ? `${model}: rolled back to version ${version}`
        : `${model}: version ${version} is deployed`
      : `${model}: ${what} of version ${version} ${outcome.status}: ${outcome.error ?? ''} ${outcome.cause ?? ''}`.trim(),
  );
  return outcome.status === 'SUCCEEDED' ? 0 : 1;
}
