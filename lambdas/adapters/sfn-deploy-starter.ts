import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { DeployInput } from '../../lib/contract';
import type { DeployStarter } from '../core/rollback/on-alarm';
import { executionArnOf } from '../core/rollback/rollback';

/** Starts deploy workflow executions with Step Functions. */
export class SfnDeployStarter implements DeployStarter {
  constructor(private readonly sfn: SFNClient) {}

  /** Starts the execution; one already started under this name (an earlier attempt) counts as started. */
  async start(stateMachineArn: string, executionName: string, input: DeployInput): Promise<string> {
    try {
      const { executionArn } = await this.sfn.send(new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }));
      if (!executionArn) throw new Error(`StartExecution ${executionName} returned no execution ARN`);
      return executionArn;
    } catch (error) {
      if ((error as { name?: string }).name !== 'ExecutionAlreadyExists') throw error;
      // Step Functions names executions by state machine and name, so the ARN is known without asking.
      return executionArnOf(stateMachineArn, executionName);
    }
  }
}
