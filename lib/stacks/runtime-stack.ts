import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ENV } from '../contract';
import { GantryFunction } from '../constructs/gantry-function/gantry-function';
import type { DataStack } from './data-stack';

export interface RuntimeStackProps extends StackProps {
  /** The stage's data stack, whose key, tables and buckets the functions use. */
  readonly data: DataStack;
}

/**
 * The stateless stack of Lambda functions shared by every model of the stage: one function per
 * role, each invocation naming its model in the event, so N models never mean N functions.
 */
export class RuntimeStack extends Stack {
  /** Registers a model version with its lineage (called by the training pipelines). */
  public readonly register: GantryFunction;

  constructor(scope: Construct, id: string, props: RuntimeStackProps) {
    super(scope, id, props);
    const { data } = props;
    this.register = new GantryFunction(this, 'Register', {
      handler: 'register',
      description: 'Registers a model version with its lineage in the registry',
      logKey: data.key,
      environment: { [ENV.registryTable]: data.registry.table.tableName },
    });
    data.registry.grantWrite(this.register.function);
  }
}
