import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { endpointName, endpointNamePattern, ENV, FUNCTION_NAMES, modelTopicName, modelTopicPattern, workflowName, workflowPattern, type FunctionName } from '../contract';
import { GantryFunction } from '../constructs/gantry-function/gantry-function';
import type { MlNetwork } from '../constructs/ml-network/ml-network';
import type { PipelineFunctions } from '../constructs/training-pipeline/training-pipeline';
import { acknowledgeWildcardResource } from '../nag';
import type { DataStack } from './data-stack';

/** What differs between the stage's functions. */
interface FunctionSettings {
  readonly description: string;
  readonly environment?: Record<string, string>;
  readonly timeout?: Duration;
  readonly memorySize?: number;
}

/** A function's construct id: `record-event` → `RecordEvent` (stable: it names the resources). */
function pascalCase(name: string): string {
  return name.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

export interface RuntimeStackProps extends StackProps {
  /** The stage's name: the functions may act on this stage's endpoints and workflows only. */
  readonly stageName: string;
  /** The stage's data stack, whose key, tables and buckets the functions use. */
  readonly data: DataStack;
  /** How long the functions' logs are kept (the stage's `logRetentionDays`). */
  readonly logRetention: logs.RetentionDays;
  /**
   * The stage's VPC: the functions run in its private subnets with a security group of their own.
   * @default - the functions run outside any VPC
   */
  readonly network?: MlNetwork;
}

/**
 * The stateless stack of Lambda functions shared by every model of the stage: one function per
 * role, each invocation naming its model in the event, so N models never mean N functions.
 */
export class RuntimeStack extends Stack {
  /** Registers a model version with its lineage (called by the training pipelines). */
  get register(): GantryFunction {
    return this.functions['register'];
  }
  /** Checks that training data exists and is not empty. */
  get validateData(): GantryFunction {
    return this.functions['validate-data'];
  }
  /** Streams training data into drift baseline statistics. */
  get baseline(): GantryFunction {
    return this.functions['baseline'];
  }
  /** Reads a training job's evaluation report. */
  get evaluate(): GantryFunction {
    return this.functions['evaluate'];
  }
  /** Compares candidate metrics with the thresholds and with production. */
  get gate(): GantryFunction {
    return this.functions['gate'];
  }
  /** Appends failures to a model's registry history. */
  get recordEvent(): GantryFunction {
    return this.functions['record-event'];
  }
  /** Plans deployments and promotes (or rolls back) in the registry (called by the deploy workflows). */
  get deploy(): GantryFunction {
    return this.functions['deploy'];
  }
  /** Rolls an endpoint back to its last-good version when one of its alarms fires. */
  get rollback(): GantryFunction {
    return this.functions['rollback'];
  }
  /** Compares a window of an endpoint's captured traffic with its baseline (scheduled per model). */
  get drift(): GantryFunction {
    return this.functions['drift'];
  }
  /** Every function, by its name in the contract's list. */
  public readonly functions: Readonly<Record<FunctionName, GantryFunction>>;

  constructor(scope: Construct, id: string, props: RuntimeStackProps) {
    super(scope, id, props);
    const { data, stageName } = props;
    const registryEnv = { [ENV.registryTable]: data.registry.table.tableName };
    const settings: Record<FunctionName, FunctionSettings> = {
      register: { description: 'Registers a model version with its lineage in the registry', environment: registryEnv },
      'record-event': { description: 'Appends a pipeline failure to the model history', environment: registryEnv },
      gate: { description: 'Quality gate: candidate metrics against thresholds and production', environment: registryEnv },
      'validate-data': { description: 'Checks that training data exists and is not empty' },
      evaluate: { description: "Reads a training job's evaluation report" },
      // Two streaming passes over the training data: give it time, and memory for the samples.
      baseline: { description: 'Streams training data into drift baseline statistics', timeout: Duration.minutes(15), memorySize: 1024 },
      deploy: { description: 'Checks a version against the registry, plans its deployment, and promotes it once in service', environment: registryEnv },
      rollback: { description: "Rolls a model's endpoint back to its last-good version when an endpoint alarm fires", environment: registryEnv },
      // Streams capture files line by line (bounded memory); a window of heavy traffic takes time.
      drift: {
        description: "Compares a window of an endpoint's captured traffic with the production version's baseline",
        environment: { ...registryEnv, [ENV.stage]: stageName, [ENV.captureBucket]: data.lake.capture.bucketName, [ENV.artifactsBucket]: data.lake.artifacts.bucketName },
        timeout: Duration.minutes(10),
        memorySize: 1024,
      },
    };
    const vpc = props.network?.functionPlacement();
    const functions = {} as Record<FunctionName, GantryFunction>;
    for (const name of FUNCTION_NAMES) {
      functions[name] = new GantryFunction(this, pascalCase(name), { handler: name, logKey: data.key, logRetention: props.logRetention, vpc, ...settings[name] });
    }
    this.functions = functions;

    data.registry.grantWrite(this.register.function);
    data.registry.grantWrite(this.recordEvent.function);
    data.registry.grantRead(this.gate.function);
    this.grantObjects(this.validateData, [data.lake.curated, data.lake.raw], false);
    this.grantObjects(this.evaluate, [data.lake.artifacts], false);
    this.grantObjects(this.baseline, [data.lake.artifacts], true);

    const stack = Stack.of(this);
    const sagemakerArn = (resource: string) => `arn:${stack.partition}:sagemaker:${stack.region}:${stack.account}:${resource}/${endpointNamePattern(stageName)}`;
    data.registry.grantWrite(this.deploy.function);
    this.deploy.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig'], resources: [sagemakerArn('endpoint'), sagemakerArn('endpoint-config')] }));
    // A Failed endpoint's tags tell whether its model's deploy workflow created it (and may delete it).
    this.deploy.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sagemaker:ListTags'], resources: [sagemakerArn('endpoint')] }));
    for (const resource of ['endpoint', 'endpoint-config']) {
      acknowledgeWildcardResource(this.deploy.role, sagemakerArn(resource), `The function serves every model of the stage; endpoints are named ${endpointName(stageName, '<model>')}.`);
    }

    data.registry.grantWrite(this.rollback.function);
    const deployStateMachines = `arn:${stack.partition}:states:${stack.region}:${stack.account}:stateMachine:${workflowPattern(stageName, 'deploy')}`;
    const modelTopics = `arn:${stack.partition}:sns:${stack.region}:${stack.account}:${modelTopicPattern(stageName)}`;
    this.rollback.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sagemaker:DescribeEndpoint'], resources: [sagemakerArn('endpoint')] }));
    this.rollback.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [deployStateMachines] }));
    // A duplicate alarm asks whether the claimed rollback's execution ended without succeeding.
    const deployExecutions = `arn:${stack.partition}:states:${stack.region}:${stack.account}:execution:${workflowPattern(stageName, 'deploy')}:*`;
    this.rollback.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [deployExecutions] }));
    this.rollback.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [modelTopics] }));
    // The model topics are encrypted with the stage key.
    data.key.grant(this.rollback.role, 'kms:GenerateDataKey', 'kms:Decrypt');
    acknowledgeWildcardResource(this.rollback.role, sagemakerArn('endpoint'), `The function serves every model of the stage; endpoints are named ${endpointName(stageName, '<model>')}.`);
    acknowledgeWildcardResource(this.rollback.role, deployStateMachines, `Deploy workflows are named ${workflowName(stageName, '<model>', 'deploy')}; the function starts the one of the model whose alarm fired.`);
    acknowledgeWildcardResource(this.rollback.role, deployExecutions, `Executions of the deploy workflows (${workflowName(stageName, '<model>', 'deploy')}); the function reads the status of the rollback execution it started, whose name it chose.`);
    acknowledgeWildcardResource(this.rollback.role, modelTopics, `Model topics are named ${modelTopicName(stageName, '<model>')}; the function notifies the one of the model whose alarm fired.`);

    data.registry.grantRead(this.drift.function);
    this.grantObjects(this.drift, [data.lake.capture], false);
    // Reads baselines and earlier reports, writes the window's report.
    this.grantObjects(this.drift, [data.lake.artifacts], true);
    this.drift.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [`arn:${stack.partition}:events:${stack.region}:${stack.account}:event-bus/default`] }));
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
