import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { ENV } from '../contract';
import { GantryFunction } from '../constructs/gantry-function/gantry-function';
import type { PipelineFunctions } from '../constructs/training-pipeline/training-pipeline';
import { acknowledgeWildcardResource } from '../nag';
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
  /** Checks that training data exists and is not empty. */
  public readonly validateData: GantryFunction;
  /** Streams training data into drift baseline statistics. */
  public readonly baseline: GantryFunction;
  /** Reads a training job's evaluation report. */
  public readonly evaluate: GantryFunction;
  /** Compares candidate metrics with the thresholds and with production. */
  public readonly gate: GantryFunction;
  /** Appends failures to a model's registry history. */
  public readonly recordEvent: GantryFunction;

  constructor(scope: Construct, id: string, props: RuntimeStackProps) {
    super(scope, id, props);
    const { data } = props;
    const registryEnv = { [ENV.registryTable]: data.registry.table.tableName };
    const fn = (handler: string, description: string, environment: Record<string, string> = {}, timeout?: Duration, memorySize?: number) =>
      new GantryFunction(this, handler.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(''), { handler, description, logKey: data.key, environment, timeout, memorySize });

    this.register = fn('register', 'Registers a model version with its lineage in the registry', registryEnv);
    data.registry.grantWrite(this.register.function);
    this.recordEvent = fn('record-event', 'Appends a pipeline failure to the model history', registryEnv);
    data.registry.grantWrite(this.recordEvent.function);
    this.gate = fn('gate', 'Quality gate: candidate metrics against thresholds and production', registryEnv);
    data.registry.grantRead(this.gate.function);

    this.validateData = fn('validate-data', 'Checks that training data exists and is not empty');
    this.grantObjects(this.validateData, [data.lake.curated, data.lake.raw], false);
    this.evaluate = fn('evaluate', "Reads a training job's evaluation report");
    this.grantObjects(this.evaluate, [data.lake.artifacts], false);
    // Two streaming passes over the training data: give it time, and memory for the samples.
    this.baseline = fn('baseline', 'Streams training data into drift baseline statistics', {}, Duration.minutes(15), 1024);
    this.grantObjects(this.baseline, [data.lake.artifacts], true);
  }

  /** The functions the training pipelines invoke. */
  get pipelineFunctions(): PipelineFunctions {
    return {
      validateData: this.validateData.function,
      baseline: this.baseline.function,
      evaluate: this.evaluate.function,
      gate: this.gate.function,
      register: this.register.function,
      recordEvent: this.recordEvent.function,
    };
  }

  /** Named S3 actions only (CDK's bucket grants add `s3:GetObject*`, `s3:List*`, …). */
  private grantObjects(target: GantryFunction, buckets: readonly s3.IBucket[], write: boolean): void {
    target.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', ...(write ? ['s3:PutObject'] : [])],
        resources: buckets.flatMap((b) => [b.bucketArn, b.arnForObjects('*')]),
      }),
    );
    for (const bucket of buckets) {
      bucket.encryptionKey?.grant(target.role, 'kms:Decrypt', ...(write ? ['kms:GenerateDataKey'] : []));
      acknowledgeWildcardResource(target.role, bucket.arnForObjects('*'), 'The function reads (and the baseline writes) objects named per model and run; access stays within this bucket.');
    }
  }
}
