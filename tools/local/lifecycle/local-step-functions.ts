import { allStates, runStateMachine, type ExecutionTrace, type LambdaHandler, type ResolvedAsl, type TaskOverride } from '../state-machine';
import { ServiceError } from './local-service';

/**
 * Step Functions' API for the state machines CDK synthesized, executed locally by
 * aws-local-stepfunctions: StartExecution (names unique per state machine, as the API
 * requires), DescribeExecution, and the task-token callbacks SendTaskSuccess/SendTaskFailure.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
 */

export interface LocalStateMachine {
  readonly arn: string;
  readonly name: string;
  readonly asl: ResolvedAsl;
  /** Task states by Resource ARN prefix (`arn:aws:states:::aws-sdk:sagemaker:`), given the state's name. */
  readonly tasks: (state: string, resource: string) => TaskOverride | undefined;
  readonly lambdas: Readonly<Record<string, LambdaHandler>>;
}

export interface LocalExecution {
  readonly arn: string;
  readonly name: string;
  readonly stateMachine: string;
  readonly input: unknown;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  trace?: ExecutionTrace;
  readonly done: Promise<ExecutionTrace>;
}

type Json = Record<string, any>;

export class LocalStepFunctions {
  readonly executions = new Map<string, LocalExecution>();
  private readonly machines = new Map<string, LocalStateMachine>();
  private readonly tokens = new Map<string, { resolve: (output: unknown) => void; reject: (error: Error) => void }>();

  register(machine: LocalStateMachine): void {
    this.machines.set(machine.arn, machine);
  }

  /** Waits for a callback on `token` (a `.waitForTaskToken` task): the output of SendTaskSuccess. */
  waitForToken(token: string): Promise<unknown> {
    return new Promise((resolve, reject) => this.tokens.set(token, { resolve, reject }));
  }

  start(stateMachineArn: string, input: unknown, name: string): LocalExecution {
    const machine = this.machines.get(stateMachineArn);
    if (!machine) throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    const arn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    if (this.executions.has(arn)) throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    const overrides: Record<string, TaskOverride> = {};
    for (const [state, definition] of allStates(machine.asl.definition)) {
      if (definition.Type !== 'Task') continue;
      const task = machine.tasks(state, String(definition.Resource));
      if (task) overrides[state] = task;
    }
    const execution: LocalExecution = {
      arn,
      name,
      stateMachine: stateMachineArn,
      input,
      status: 'RUNNING',
      done: runStateMachine(machine.asl, input, {
        overrides,
        lambdas: machine.lambdas,
        executionName: name,
        stateMachineName: machine.name,
        context: { Task: { Token: `token-${name}` } },
      }).then((trace) => {
        execution.status = trace.status;
        execution.trace = trace;
        return trace;
      }),
    };
    this.executions.set(arn, execution);
    return execution;
  }

  /** The API, for an SDK client served by `serveLocally`. */
  readonly api = async (operation: string, input: Json): Promise<Json> => {
    switch (operation) {
      case 'StartExecution': {
        const execution = this.start(input.stateMachineArn, JSON.parse(input.input ?? '{}'), input.name ?? crypto.randomUUID());
        return { executionArn: execution.arn, startDate: new Date() };
      }
      case 'DescribeExecution': {
        const execution = this.executions.get(input.executionArn);
        if (!execution) throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${input.executionArn}'`);
        return { executionArn: execution.arn, stateMachineArn: execution.stateMachine, name: execution.name, status: execution.status, input: JSON.stringify(execution.input), startDate: new Date() };
      }
      case 'SendTaskSuccess':
      case 'SendTaskFailure': {
        const waiting = this.tokens.get(input.taskToken);
        if (!waiting) throw new ServiceError('TaskDoesNotExist', `Task Does Not Exist: '${input.taskToken}'`);
        this.tokens.delete(input.taskToken);
        if (operation === 'SendTaskSuccess') waiting.resolve(JSON.parse(input.output));
        else waiting.reject(Object.assign(new Error(input.cause ?? ''), { name: input.error ?? 'Error' }));
        return {};
      }
      default:
        throw new ServiceError('UnknownOperationException', `the local Step Functions does not model ${operation}`);
    }
  };

  /** Resolves once no execution is running (executions started meanwhile included). */
  async settle(): Promise<void> {
    for (;;) {
      const running = [...this.executions.values()].filter((e) => e.status === 'RUNNING');
      if (running.length === 0) return;
      await Promise.all(running.map((e) => e.done));
    }
  }
}


/** Why an execution failed: the state it failed in, the error and cause, and the failed task's input. */
export function describeFailedExecution(what: string, trace: ExecutionTrace): string {
  const failure = trace.failures.at(-1);
  const call = [...trace.calls].reverse().find((c) => c.error !== undefined);
  const input = call ? `\n  input of ${call.state}: ${JSON.stringify(call.parameters).slice(0, 800)}` : '';
  return `${what} ${trace.status} in state ${failure?.state ?? trace.statesEntered.at(-1)}: ${trace.error ?? 'no error'}: ${trace.cause ?? 'no cause'}${input}`;
}
