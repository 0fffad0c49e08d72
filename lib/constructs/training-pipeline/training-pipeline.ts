import { Duration } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { compilesWithNeo, type ModelConfig } from '../../config';
import { workflowName } from '../../contract';
import type { ModelCode } from '../model-code/model-code';
import { FailurePath, grantPublishToEncryptedTopic, stateMachineLogGroupName } from '../workflow/steps';
import { type JobNetwork, vpcConfigOf, type WorkflowStage } from '../workflow/workflow-stage';
import { grantJobs } from './permissions';
import { approvalPhase } from './phases/approval';
import { COMPILE_POLL_SECONDS, compilePhase } from './phases/compile';
import type { TrainingPhaseContext } from './phases/context';
import { type BaselineFeature, evaluationPhase } from './phases/evaluation';
import { gatePhase } from './phases/gate';
import { runInput } from './phases/input';
import { trainingJobs } from './phases/jobs';
import { COMPILE_MAX_RUNTIME_SECONDS, jobTags, type JobLocations } from './requests';

/** The shared functions the pipeline invokes (from the runtime stack). */
export interface PipelineFunctions {
  /** Checks the run's data and hyperparameters. */
  readonly validateData: lambda.IFunction;
  /** Computes the drift baseline of the training data. */
  readonly baseline: lambda.IFunction;
  /** Evaluates the trained model. */
  readonly evaluate: lambda.IFunction;
  /** Applies the quality gate against the production version. */
  readonly gate: lambda.IFunction;
  /** Registers the version with its lineage. */
  readonly register: lambda.IFunction;
  /** Records a registry event (a failed gate, a failed run). */
  readonly recordEvent: lambda.IFunction;
}

/** Where the model's code and data are, and what the jobs run as. */
export interface PipelineStorage {
  /** The lake's artifacts bucket: processed data, checkpoints, models, baselines. */
  readonly artifacts: s3.IBucket;
  /** The lake's curated zone: a run trains on `<curated>/<model>/` unless its input names other data. */
  readonly curated: s3.IBucket;
  /** The SageMaker execution role of the model's jobs. */
  readonly jobRole: iam.IRole;
  /** The model's training source dir and preprocessing script. */
  readonly code: ModelCode;
  /** The VPC the jobs run in. @default - the jobs run outside a VPC */
  readonly network?: JobNetwork;
}

export interface TrainingPipelineProps {
  /** The model the pipeline trains. */
  readonly model: ModelConfig;
  /** The stage: names, key, cost tags and log retention. */
  readonly stage: WorkflowStage;
  /** Where the model's code and data are, and what the jobs run as. */
  readonly storage: PipelineStorage;
  /** The shared functions the pipeline invokes. */
  readonly functions: PipelineFunctions;
  /** The model's topic: failures and approval requests are published here. */
  readonly topic: sns.ITopic;
  /** The features the baseline describes, in the endpoint's order, with their kinds. @default - inferred from the data's header */
  readonly baselineFeatures?: readonly BaselineFeature[];
  /** Started with the new version once it is approved (`serving.autoDeploy`). @default - no deployment */
  readonly deployStateMachine?: sfn.IStateMachine;
  /** How often the compilation job is polled before the run gives up. @default 40 (20 minutes at 30 s) */
  readonly maxCompilePolls?: number;
}

/**
 * A model's training pipeline: validate the data, preprocess (SageMaker Processing), train
 * (SageMaker training on GPU at spot prices, with checkpoints), compile for Inferentia when
 * the model serves on inf2, compute drift baselines, evaluate, gate against production,
 * register. Every task retries transient errors; anything else records the failure in the
 * registry, notifies the model's topic and fails the execution.
 */
export class TrainingPipeline extends Construct {
  /** The pipeline's state machine: start it with a `TrainingInput`. */
  public readonly stateMachine: sfn.StateMachine;
  /** The execution log. */
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: TrainingPipelineProps) {
    super(scope, id);
    const { model, stage, storage, functions } = props;
    const at: JobLocations = {
      stageName: stage.name,
      artifactsBucket: storage.artifacts.bucketName,
      roleArn: storage.jobRole.roleArn,
      kmsKeyArn: stage.key.keyArn,
      sourceDirUri: storage.code.sourceDir.s3ObjectUrl,
      preprocessCodeUri: storage.code.preprocessScript.s3ObjectUrl,
      preprocessScriptName: storage.code.preprocessScriptName,
      vpc: vpcConfigOf(storage.network),
    };
    const failure = new FailurePath(this, { model: model.name, topic: props.topic, recordEvent: functions.recordEvent, subject: `Gantry: training of ${model.name} failed`, failId: 'TrainingFailed' });
    const context: TrainingPhaseContext = { model, at, tags: jobTags(stage.costTags), failure };
    const compiled = compilesWithNeo(model);
    const maxCompilePolls = props.maxCompilePolls ?? 40;

    // Built from the end: each phase takes the phase that follows it.
    const approval = approvalPhase(this, context, { topic: props.topic, deployStateMachine: props.deployStateMachine });
    const gate = gatePhase(this, context, { gate: functions.gate, register: functions.register, recordEvent: functions.recordEvent, next: approval });
    const evaluation = evaluationPhase(this, context, { baseline: functions.baseline, evaluate: functions.evaluate, baselineFeatures: props.baselineFeatures, next: gate });
    const afterTraining = compiled ? compilePhase(this, context, { maxPolls: maxCompilePolls, next: evaluation }) : evaluation;
    const jobs = trainingJobs(this, context, { validateData: functions.validateData, next: afterTraining });
    const definition = runInput(this, { model, defaultDataUri: `s3://${storage.curated.bucketName}/${model.name}/`, sourceDirUri: at.sourceDirUri, next: jobs });

    const stateMachineName = workflowName(stage.name, model.name, 'training');
    this.logGroup = new logs.LogGroup(this, 'Logs', { logGroupName: stateMachineLogGroupName(stateMachineName), encryptionKey: stage.key, retention: stage.logRetention });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      queryLanguage: sfn.QueryLanguage.JSON_PATH,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      timeout: Duration.seconds(trainingExecutionTimeoutSeconds(model, compiled ? maxCompilePolls : 0)),
    });
    grantPublishToEncryptedTopic(props.topic, this.stateMachine);
    grantJobs(this.stateMachine, stage.name, model.name, storage.jobRole);
  }
}

/**
 * The execution's timeout: every stage of the run at its configured worst case, plus two
 * hours for the functions, queueing and retries. A manual approval waits inside the run, so
 * its wait is included; a run cut off by its own timeout would lose the approval.
 */
export function trainingExecutionTimeoutSeconds(model: ModelConfig, compilePolls: number): number {
  const training = model.training.spot.enabled ? model.training.spot.maxWaitSeconds : model.training.maxRuntimeSeconds;
  const compile = compilePolls > 0 ? COMPILE_MAX_RUNTIME_SECONDS + compilePolls * COMPILE_POLL_SECONDS : 0;
  const approval = model.training.approval === 'manual' ? model.training.approvalTimeoutHours * 3600 : 0;
  return model.preprocessing.maxRuntimeSeconds + training + compile + approval + 2 * 3600;
}
