import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { MlNetwork } from '../constructs/ml-network/ml-network';

export interface NetworkStackProps extends StackProps {
  /** The stage's VPC settings. */
  readonly vpc: NonNullable<StageConfig['vpc']>;
  /** Key of the flow logs. */
  readonly logKey: kms.IKey;
  /** How long flow logs are kept (the stage's `logRetentionDays`). */
  readonly logRetention: logs.RetentionDays;
}

/** The stage's VPC for SageMaker jobs, endpoints and the runtime functions (only when the stage config asks for one). */
export class NetworkStack extends Stack {
  public readonly network: MlNetwork;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    this.network = new MlNetwork(this, 'Network', { ...props.vpc, logKey: props.logKey, logRetention: props.logRetention });
  }
}
