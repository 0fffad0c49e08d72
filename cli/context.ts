import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SFNClient } from '@aws-sdk/client-sfn';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { parameterName } from '../lib/contract';
import { UsageError } from './args';

/** Where the CLI writes and what it can reach. Tests inject their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** SDK clients, created lazily; the SDK's own variables (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB, ...) apply. */
export interface CliClients {
  dynamo(): DynamoDBClient;
  s3(): S3Client;
  ssm(): SSMClient;
  sfn(): SFNClient;
  sagemaker(): SageMakerClient;
  costExplorer(): CostExplorerClient;
}

export function defaultClients(): CliClients {
  let dynamo: DynamoDBClient | undefined;
  let s3: S3Client | undefined;
  let ssm: SSMClient | undefined;
  let sfn: SFNClient | undefined;
  let sagemaker: SageMakerClient | undefined;
  let costExplorer: CostExplorerClient | undefined;
  return {
    sfn: () => (sfn ??= new SFNClient({})),
    dynamo: () => (dynamo ??= new DynamoDBClient({})),
    // Path-style works with every S3-compatible endpoint a user may point AWS_ENDPOINT_URL_S3 at.
    s3: () => (s3 ??= new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL) })),
    ssm: () => (ssm ??= new SSMClient({})),
    sagemaker: () => (sagemaker ??= new SageMakerClient({})),
    // Any region will do: the SDK sends Cost Explorer requests to the partition's one endpoint (us-east-1).
    costExplorer: () => (costExplorer ??= new CostExplorerClient({})),
  };
}

/**
 * Resolves a resource name: an explicit flag, then an environment variable, then the SSM
 * parameter the stage publishes (`--stage S`). Names what to set when none is there.
 */
export async function resolveName(
  options: { flag: string; flagValue: unknown; envVar?: string; parameterKey: string; stage: unknown },
  io: CliIo,
  clients: CliClients,
): Promise<string> {
  if (typeof options.flagValue === 'string' && options.flagValue !== '') return options.flagValue;
  const fromEnv = options.envVar === undefined ? undefined : io.env[options.envVar];
  if (fromEnv) return fromEnv;
  if (typeof options.stage === 'string' && options.stage !== '') {
    const name = parameterName(options.stage, options.parameterKey);
    try {
      const { Parameter } = await clients.ssm().send(new GetParameterCommand({ Name: name }));
      if (Parameter?.Value) return Parameter.Value;
    } catch (error) {
      throw new UsageError(`cannot read SSM parameter ${name} for --stage ${options.stage}: ${(error as Error).message}`);
    }
    throw new UsageError(`SSM parameter ${name} is empty`);
  }
  throw new UsageError(`no ${options.flag} given: pass --${options.flag}${options.envVar ? `, set ${options.envVar}` : ''}, or pass --stage to read it from SSM`);
}
