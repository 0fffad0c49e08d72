import { PARAMETER_KEYS, type TrainingInput } from '../../lib/contract';
import { parseFlags, required, s3Uri, UsageError } from '../args';
import { resolveName, type CliClients, type CliIo } from '../context';
import { executionName, pollMsOf, startExecution } from '../follow';
import { print } from '../output';

export const TRAIN_HELP = `gantry train --model M [--data S3URI] [--param KEY=VALUE ...] [--reason R] [--wait]

Starts the model's training pipeline (its state machine ARN comes from --state-machine ARN or
the stage's SSM parameters, --stage S). --wait follows the execution, printing each step as it
starts, and exits 0 when a version was registered, 1 when the run failed (the error is shown).`;

const REASONS: readonly TrainingInput['reason'][] = ['manual', 'schedule', 'new-data', 'drift'];

export async function trainCommand(args: readonly string[], io: CliIo, clients: CliClients, pollMs = pollMsOf(io)): Promise<number> {
  const values = parseFlags(args, {
    model: { type: 'string' },
    data: { type: 'string' },
    param: { type: 'string', multiple: true },
    reason: { type: 'string' },
    wait: { type: 'boolean' },
    'state-machine': { type: 'string' },
  });
  const model = required(values, 'model');
  const reason = (values.reason ?? 'manual') as TrainingInput['reason'];
  if (!REASONS.includes(reason)) throw new UsageError(`--reason must be one of ${REASONS.join(', ')} (got ${JSON.stringify(values.reason)})`);
  const hyperparameters: Record<string, string> = {};
  for (const pair of values.param ?? []) {
    const match = /^([A-Za-z_][\w.-]*)=(.*)$/.exec(pair);
    if (!match) throw new UsageError(`--param must be KEY=VALUE (got ${JSON.stringify(pair)})`);
    hyperparameters[match[1]!] = match[2]!;
  }
  const input: TrainingInput = {
    reason,
    ...(values.data !== undefined ? { dataUri: s3Uri(values.data, 'data') } : {}),
    ...(Object.keys(hyperparameters).length > 0 ? { hyperparameters } : {}),
  };
  const stateMachineArn = await resolveName({ flag: 'state-machine', flagValue: values['state-machine'], parameterKey: PARAMETER_KEYS.trainingWorkflow(model), stage: values.stage }, io, clients);

  const sfn = clients.sfn();
  const { executionArn, outcome } = await startExecution(sfn, { stateMachineArn, name: executionName(model, reason), input }, io, values, pollMs);
  if (!outcome) return 0;
  const registered = (outcome.output as { registered?: { version?: number } } | undefined)?.registered;
  const result = { executionArn, status: outcome.status, steps: outcome.steps, version: registered?.version, error: outcome.error, cause: outcome.cause };
  print(io, values, result, () =>
    result.status === 'SUCCEEDED' ? `${model}: registered version ${result.version}` : `${model}: training ${result.status}: ${result.error ?? ''} ${result.cause ?? ''}`.trim(),
  );
  return result.status === 'SUCCEEDED' ? 0 : 1;
}
