import { DescribeExecutionCommand, GetExecutionHistoryCommand, StartExecutionCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';
import type { CliIo } from './context';
import { print } from './output';

/** Execution statuses after which nothing changes. */
const FINAL = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

const DEFAULT_POLL_MS = 10_000;

/** How long `--wait` sleeps between polls: GANTRY_POLL_MS, else 10 s (tests set it to 0). */
export function pollMsOf(io: CliIo): number {
  const raw = io.env.GANTRY_POLL_MS;
  const ms = raw === undefined || raw === '' ? DEFAULT_POLL_MS : Number(raw);
  // A bad value would otherwise turn the poll into a busy loop against Step Functions.
  return Number.isFinite(ms) && ms >= 0 ? ms : DEFAULT_POLL_MS;
}

/**
 * A readable execution name: `<parts>-<UTC time>`, at most 80 characters. Execution names are
 * unique per state machine for 90 days; the timestamp keeps them so.
 */
export function executionName(...parts: readonly (string | number)[]): string {
  return `${parts.join('-')}-${new Date().toISOString().replace(/[:.]/g, '-')}`.slice(0, 80);
}

/** Names of the states entered so far and the error, from an execution's history. */
export function progressOf(events: readonly HistoryEvent[]): { entered: string[]; error?: string; cause?: string } {
  const entered = events.flatMap((e) => (e.stateEnteredEventDetails?.name ? [e.stateEnteredEventDetails.name] : []));
  const failure = events.find((e) => e.executionFailedEventDetails)?.executionFailedEventDetails;
  return { entered, error: failure?.error, cause: failure?.cause };
}

/** How an execution ended. */
export interface ExecutionOutcome {
  readonly executionArn: string;
  /** SUCCEEDED, FAILED, TIMED_OUT or ABORTED. */
  readonly status: string;
  /** The states entered, in order. */
  readonly steps: string[];
  /** The execution's output, parsed (SUCCEEDED only). */
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
}

/**
 * Follows an execution until it ends (`--wait`): without --json, prints one line per state
 * as it is entered. The caller prints the result and picks the exit code.
 */
export async function followExecution(sfn: SFNClient, executionArn: string, io: CliIo, options: { readonly json?: boolean; readonly pollMs: number }): Promise<ExecutionOutcome> {
  let shown = 0;
  for (;;) {
    // The status first: the history read after it then holds every state up to that status.
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const progress = progressOf(await historyOf(sfn, executionArn));
    if (!options.json) {
      for (const state of progress.entered.slice(shown)) io.stdout(`  → ${state}\n`);
    }
    shown = progress.entered.length;
    if (FINAL.has(execution.status ?? '')) {
      return {
        executionArn,
        status: execution.status!,
        steps: progress.entered,
        output: execution.output ? (JSON.parse(execution.output) as unknown) : undefined,
        error: execution.error ?? progress.error,
        cause: execution.cause ?? progress.cause,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
}

// A deployment's wait loops can pass the 1000 events of one page, so every page is read.
async function historyOf(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/**
 * Starts an execution. Without `--wait` prints its ARN (or the JSON) and returns no outcome;
 * with it, follows the execution to its end and returns the outcome for the caller to report.
 */
export async function startExecution(
  sfn: SFNClient,
  request: { readonly stateMachineArn: string; readonly name: string; readonly input: unknown },
  io: CliIo,
  values: { readonly wait?: boolean; readonly json?: boolean },
  pollMs: number,
): Promise<{ executionArn: string; outcome?: ExecutionOutcome }> {
  const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: request.stateMachineArn, name: request.name, input: JSON.stringify(request.input) }));
  const executionArn = started.executionArn!;
  if (!values.wait) {
    print(io, values, { executionArn, input: request.input }, () => `started ${executionArn}`);
    return { executionArn };
  }
  if (!values.json) io.stdout(`started ${executionArn}\n`);
  return { executionArn, outcome: await followExecution(sfn, executionArn, io, { json: values.json, pollMs }) };
}
