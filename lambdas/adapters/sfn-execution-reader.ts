import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionReader } from '../core/rollback/on-alarm';
import type { ExecutionStatus } from '../core/rollback/rollback';

/** Reads an execution's status with Step Functions' DescribeExecution. */
export class SfnExecutionReader implements ExecutionReader {
  constructor(private readonly sfn: SFNClient) {}

  /** The status; undefined for an execution Step Functions does not know (ExecutionDoesNotExist). */
  async status(executionArn: string): Promise<ExecutionStatus | undefined> {
    try {
      const { status } = await this.sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (status === undefined) throw new Error(`DescribeExecution ${executionArn} returned no status`);
      return status;
    } catch (error) {
      if ((error as { name?: string }).name === 'ExecutionDoesNotExist') return undefined;
      throw error;
    }
  }
}
