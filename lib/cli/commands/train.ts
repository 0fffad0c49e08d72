import { DescribeExecutionCommand, GetExecutionHistoryCommand, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import type { TrainingInput } from '../../contract/pipeline';
import { trainingParameterKeyOf } from '../../contract';
import { parseFlags, required, s3Uri, UsageError } from '../args';
import { resolveName, type CliClients, type CliIo } from '../context';
import { print } from '../output';

export const TRAIN_HELP = `gantry train --model M [--data S3URI] [--param KEY=VALUE ...] [--reason R] [--wait]

Starts the model's training pipeline (its state machine ARN comes from --state-machine ARN or
the stage's SSM parameters, --stage S). --wait follows the execution, printing each step as it
starts, and exits 0 when a version was registered, 1 when the run failed (the error is shown).`;

const REASONS: readonly TrainingInput['reason'][] = ['manual', 'schedule', 'new-data', 'drift'];
const FINAL = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/** Names of the states entered so far and the error, from an execution's history. */
export function progressOf(events: readonly HistoryEvent[]): { entered: string[]; error?: string; cause?: string } {
  const entered = events.flatMap((e) => (e.stateEnteredEventDetails?.name ? [e.stateEnteredEventDetails.name] : []));
  const failure = events.find((e) => e.executionFailedEventDetails)?.executionFailedEventDetails;
  return { entered, error: failure?.error, cause: failure?.cause };
}

export async function trainCommand(args: readonly string[], io: CliIo, clients: CliClients, pollMs = Number(io.env.GANTRY_POLL_MS ?? 10_000)): Promise<number> {
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
  const stateMachineArn = await resolveName({ flag: 'state-machine', flagValue: values['state-machine'], parameterKey: trainingParameterKeyOf(model), stage: values.stage }, io, clients);

  const sfn = clients.sfn();
  // Execution names are unique per state machine for 90 days; a timestamp keeps them readable.
  const name = `${model}-${reason}-${new Date().toISOString().replace(/[:.]/g, '-')}`.slice(0, 80);
  const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
  const executionArn = started.executionArn!;
  if (!values.wait) {
    print(io, values, { executionArn, input }, () => `started ${executionArn}`);
    return 0;
  }

  if (!values.json) io.stdout(`started ${executionArn}\n`);
  let shown = 0;
  for (;;) {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    const progress = progressOf(history.events ?? []);
    if (!values.json) {
      for (const state of progress.entered.slice(shown)) io.stdout(`  → ${state}\n`);
    }
    shown = progress.entered.length;
    if (FINAL.has(execution.status ?? '')) {
      const output = execution.output ? (JSON.parse(execution.output) as { registered?: { version?: number } }) : undefined;
      const result = { executionArn, status: execution.status, steps: progress.entered, version: output?.registered?.version, error: execution.error ?? progress.error, cause: execution.cause ?? progress.cause };
      print(io, values, result, () =>
        execution.status === 'SUCCEEDED' ? `${model}: registered version ${result.version}` : `${model}: training ${execution.status}: ${result.error ?? ''} ${result.cause ?? ''}`.trim(),
      );
      return execution.status === 'SUCCEEDED' ? 0 : 1;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
