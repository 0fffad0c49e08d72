import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { compilesWithNeo, type ModelConfig } from '../../config';
import { artifactPrefix, type JobKind, jobNamePrefix, PIPELINE_ERRORS, workflowName } from '../../contract';
import { acknowledgeWildcardResource } from '../../nag';
import { FailurePath, grantPublishToEncryptedTopic, invokeFunction, OPTIMIZED_SAGEMAKER_RETRY, RETRY, stateMachineLogGroupName, TRANSIENT_SAGEMAKER_OPTIMIZED_ERRORS, TRANSIENT_SAGEMAKER_SDK_ERRORS, TRANSIENT_SNS_ERRORS } from '../workflow/steps';
import { COMPILE_MAX_RUNTIME_SECONDS, compilationJobRequest, jobNameFormat, jobTags, processingJobRequest, trainingJobRequest, type JobLocations } from './requests';

/** The shared functions the pipeline invokes (from the runtime stack). */
export interface PipelineFunctions {
  readonly validateData: lambda.IFunction;
  readonly baseline: lambda.IFunction;
  readonly evaluate: lambda.IFunction;
  readonly gate: lambda.IFunction;
  readonly register: lambda.IFunction;
  readonly recordEvent: lambda.IFunction;
}

/** Where the model's code and data are, and what the jobs run as. */
export interface PipelineStorage {
  readonly artifacts: s3.IBucket;
  readonly curated: s3.IBucket;
  readonly key: kms.IKey;
  /** The SageMaker execution role of the model's jobs. */
  readonly jobRole: iam.IRole;
  /** `s3://…/sourcedir.tar.gz` of the training code. */
  readonly sourceDirUri: string;
  /** `s3://…` of the preprocessing script, and its file name there. */
  readonly preprocessScriptUri: string;
  readonly preprocessScriptName: string;
  readonly vpc?: JobLocations['vpc'];
}

export interface TrainingPipelineProps {
  readonly model: ModelConfig;
  /** Stage name, part of the state machine's name. */
  readonly stageName: string;
  /** The five cost tags, passed to every SageMaker job (CloudFormation cannot tag them). */
  readonly costTags: Readonly<Record<string, string>>;
  readonly storage: PipelineStorage;
  readonly functions: PipelineFunctions;
  /** The model's topic: failures are published here. */
  readonly topic: sns.ITopic;
  /** The features the baseline describes, in the endpoint's order, with their kinds. @default - inferred from the data's header */
  readonly baselineFeatures?: readonly { readonly name: string; readonly kind: 'numeric' | 'categorical' }[];
  /** Started with the new version once it is approved (`serving.autoDeploy`). @default - no deployment */
  readonly deployStateMachine?: sfn.IStateMachine;
  /** How often the compilation job is polled before the run gives up. @default 40 (20 minutes at 30 s) */
  readonly maxCompilePolls?: number;
  /** How long the workflow's execution log is kept. */
  readonly logRetention: logs.RetentionDays;
}

/** Seconds between DescribeCompilationJob polls. */
const COMPILE_POLL_SECONDS = 30;


const RUN_REASONS = ['schedule', 'new-data', 'drift', 'manual'] as const;

/**
 * A model's training pipeline: validate the data, preprocess (SageMaker Processing), train
 * (SageMaker training on GPU at spot prices, with checkpoints), compile for Inferentia when
 * the model serves on inf2, compute drift baselines, evaluate, gate against production,
 * register. Every task retries transient errors; anything else records the failure in the
 * registry, notifies the model's topic and fails the execution.
 */
export class TrainingPipeline extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: TrainingPipelineProps) {
    super(scope, id);
    const { model, storage, functions } = props;
    const tags = jobTags(props.costTags);
    const bucket = storage.artifacts.bucketName;
    const at: JobLocations = {
      stageName: props.stageName,
      artifactsBucket: bucket,
      roleArn: storage.jobRole.roleArn,
      kmsKeyArn: storage.key.keyArn,
      sourceDirUri: storage.sourceDirUri,
      preprocessCodeUri: storage.preprocessScriptUri,
      preprocessScriptName: storage.preprocessScriptName,
      vpc: storage.vpc,
    };

    // --- failure path -------------------------------------------------------------------
    const failure = new FailurePath(this, { model: model.name, topic: props.topic, recordEvent: functions.recordEvent, subject: `Gantry: training of ${model.name} failed`, failId: 'TrainingFailed' });
    const recordFailure = failure.start;
    const catchInto = (state: sfn.TaskStateBase | sfn.CustomState) => failure.catchInto(state);

    // --- input -----------------------------------------------------------------------------
    const defaults = new sfn.Pass(this, 'ApplyDefaults', {
      parameters: {
        'input.$': '$',
        // The input is merged over these; hyperparameters are merged key by key, below.
        defaults: { dataUri: `s3://${storage.curated.bucketName}/${model.name}/`, hyperparameters: {} },
        configuredHyperparameters: {
          ...model.training.hyperparameters,
          // SageMaker script mode: the framework container downloads and runs this code.
          sagemaker_program: model.training.entryPoint.split('/').pop()!,
          sagemaker_submit_directory: storage.sourceDirUri,
          sagemaker_region: Stack.of(this).region,
        },
      },
    });
    const invalidInput = new sfn.Fail(this, 'InvalidInput', {
      error: 'InvalidInput',
      cause: `input must be {"reason": ${RUN_REASONS.map((r) => `"${r}"`).join(' | ')}, "dataUri"?: "s3://…", "hyperparameters"?: {…}}`,
    });
    const reasonOk = sfn.Condition.or(...RUN_REASONS.map((r) => sfn.Condition.stringEquals('$.input.reason', r)));
    const dataUriOk = sfn.Condition.or(sfn.Condition.not(sfn.Condition.isPresent('$.input.dataUri')), sfn.Condition.stringMatches('$.input.dataUri', 's3://*'));
    // Not(IsNull) rather than `IsNull: false`: the same in Step Functions, and aws-local-stepfunctions
    // (which runs this definition in the tests) evaluates every `Is*: false` rule as false.
    const hyperparametersOk = sfn.Condition.or(sfn.Condition.not(sfn.Condition.isPresent('$.input.hyperparameters')), sfn.Condition.not(sfn.Condition.isNull('$.input.hyperparameters')));
    const checkInput = new sfn.Choice(this, 'CheckInput');
    const resolve = new sfn.Pass(this, 'ResolveRun', {
      parameters: {
        'args.$': 'States.JsonMerge($.defaults, $.input, false)',
        'configuredHyperparameters.$': '$.configuredHyperparameters',
        // A short unique id: SageMaker job names are at most 63 characters.
        'id.$': "States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 0)",
      },
    });
    const run = new sfn.Pass(this, 'MergeHyperparameters', {
      parameters: {
        'id.$': '$.id',
        'reason.$': '$.args.reason',
        'dataUri.$': '$.args.dataUri',
        'hyperparameters.$': 'States.JsonMerge($.configuredHyperparameters, $.args.hyperparameters, false)',
      },
      resultPath: '$.run',
    });
    const keepRun = new sfn.Pass(this, 'StartRun', { parameters: { 'run.$': '$.run' } });

    // --- steps -----------------------------------------------------------------------------
    const validate = this.invoke(
      'ValidateData',
      functions.validateData,
      { model: model.name, dataUri: sfn.JsonPath.stringAt('$.run.dataUri'), hyperparameters: sfn.JsonPath.objectAt('$.run.hyperparameters') },
      '$.data',
    );
    const preprocess = new sfn.CustomState(this, 'Preprocess', {
      stateJson: {
        Type: 'Task',
        // CDK has no task for SageMaker Processing; this is the optimized .sync integration.
        Resource: `arn:${Stack.of(this).partition}:states:::sagemaker:createProcessingJob.sync`,
        Parameters: processingJobRequest(model, at, tags),
        ResultSelector: { 'ProcessingJobArn.$': '$.ProcessingJobArn' },
        ResultPath: '$.preprocess',
      },
    });
    const train = new sfn.CustomState(this, 'Train', {
      stateJson: {
        Type: 'Task',
        // SageMakerCreateTrainingJob cannot express managed spot, MaxWaitTimeInSeconds or
        // CheckpointConfig, so the request is written out in full for the .sync integration.
        Resource: `arn:${Stack.of(this).partition}:states:::sagemaker:createTrainingJob.sync`,
        Parameters: trainingJobRequest(model, at, tags),
        ResultSelector: { 'TrainingJobName.$': '$.TrainingJobName', 'TrainingJobArn.$': '$.TrainingJobArn', 'ModelArtifacts.$': '$.ModelArtifacts' },
        ResultPath: '$.train',
      },
    });
    for (const job of [preprocess, train]) {
      job.addRetry({ ...OPTIMIZED_SAGEMAKER_RETRY, errors: TRANSIENT_SAGEMAKER_OPTIMIZED_ERRORS });
      catchInto(job);
    }
    const outputUri = `States.Format('s3://${bucket}/${artifactPrefix('models', model.name)}{}/output/output.tar.gz', $.train.TrainingJobName)`;
    const baseline = this.invoke(
      'Baseline',
      functions.baseline,
      {
        model: model.name,
        dataUri: sfn.JsonPath.format(`s3://${bucket}/${artifactPrefix('runs', model.name)}{}/processed/train/`, sfn.JsonPath.executionName),
        outputUri: sfn.JsonPath.stringAt(outputUri),
        baselineUri: sfn.JsonPath.format(`s3://${bucket}/${artifactPrefix('baselines', model.name)}{}.json`, sfn.JsonPath.stringAt('$.run.id')),
        ...(props.baselineFeatures ? { features: props.baselineFeatures } : {}),
      },
      '$.baseline',
    );
    const evaluate = this.invoke('Evaluate', functions.evaluate, { model: model.name, outputUri: sfn.JsonPath.stringAt(outputUri) }, '$.evaluation');
    const gate = this.invoke('QualityGate', functions.gate, { model: model.name, metrics: sfn.JsonPath.objectAt('$.evaluation.metrics'), gate: model.gate }, '$.gate');
    const gateFailed = new sfn.Fail(this, 'GateFailed', { error: PIPELINE_ERRORS.gateFailed, causePath: '$.gate.reason' });
    const recordGateFailure = this.invoke('RecordGateFailure', functions.recordEvent, {
      model: model.name,
      type: 'GateFailed',
      reason: sfn.JsonPath.stringAt('$.gate.reason'),
      executionArn: sfn.JsonPath.executionId,
    }, sfn.JsonPath.DISCARD);
    recordGateFailure.next(gateFailed);
    // SageMaker Neo compiles ahead of time; with `neuronx` the Neuron serving container traces
    // the trained model when it loads it, so the pipeline has nothing to compile.
    const compiled = compilesWithNeo(model);
    const register = this.invoke(
      'Register',
      functions.register,
      {
        model: model.name,
        artifactUri: sfn.JsonPath.stringAt('$.train.ModelArtifacts.S3ModelArtifacts'),
        imageUri: model.serving.image ?? model.training.image,
        metrics: sfn.JsonPath.objectAt('$.evaluation.metrics'),
        hyperparameters: sfn.JsonPath.objectAt('$.data.hyperparameters'),
        dataInputs: sfn.JsonPath.listAt('$.data.dataInputs'),
        trainingJobArn: sfn.JsonPath.stringAt('$.train.TrainingJobArn'),
        baselineUri: sfn.JsonPath.stringAt('$.baseline.baselineUri'),
        ...(compiled ? { compiledArtifactUri: sfn.JsonPath.stringAt('$.compile.artifactUri') } : {}),
        createdBy: sfn.JsonPath.executionId,
        // training.approval 'auto': passing the quality gate approves the version.
        ...(model.training.approval === 'auto' ? { approval: { reason: sfn.JsonPath.stringAt('$.gate.reason') } } : {}),
      },
      '$.registered',
    );
    const succeeded = new sfn.Succeed(this, 'Registered');
    let approved: sfn.IChainable = succeeded;
    if (props.deployStateMachine) {
      // Fire and forget: the deploy workflow records and notifies its own outcome.
      const deploy = new tasks.StepFunctionsStartExecution(this, 'StartDeploy', {
        stateMachine: props.deployStateMachine,
        integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
        input: sfn.TaskInput.fromObject({
          model: model.name,
          version: sfn.JsonPath.numberAt('$.registered.version'),
          reason: 'serving.autoDeploy: deployed after training',
          requestedBy: sfn.JsonPath.executionId,
        }),
        resultSelector: { 'executionArn.$': '$.ExecutionArn' },
        resultPath: '$.deployment',
      });
      deploy.addRetry({ ...RETRY, errors: ['StepFunctions.SdkClientException', 'StepFunctions.StepFunctionsException', 'SFN.ThrottlingException'] });
      catchInto(deploy);
      approved = deploy.next(succeeded);
    }
    const afterRegister: sfn.IChainable = model.training.approval === 'manual' ? this.approval(model, props.topic, approved, catchInto) : approved;
    const maxCompilePolls = props.maxCompilePolls ?? 40;

    for (const task of [validate, baseline, evaluate, gate, register, recordGateFailure]) catchInto(task);

    const afterTraining: sfn.IChainable = compiled ? this.compileLoop(model, at, tags, maxCompilePolls, catchInto, recordFailure, baseline) : baseline;

    const definition = defaults
      .next(checkInput.when(sfn.Condition.and(sfn.Condition.isPresent('$.input.reason'), reasonOk, dataUriOk, hyperparametersOk), resolve).otherwise(invalidInput));
    resolve.next(run).next(keepRun).next(validate).next(preprocess).next(train).next(afterTraining);
    baseline.next(evaluate).next(gate).next(new sfn.Choice(this, 'GatePassed').when(sfn.Condition.booleanEquals('$.gate.passed', true), register.next(afterRegister)).otherwise(recordGateFailure));

    const stateMachineName = workflowName(props.stageName, model.name, 'training');
    this.logGroup = new logs.LogGroup(this, 'Logs', { logGroupName: stateMachineLogGroupName(stateMachineName), encryptionKey: storage.key, retention: props.logRetention });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      queryLanguage: sfn.QueryLanguage.JSON_PATH,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      timeout: Duration.seconds(trainingExecutionTimeoutSeconds(model, compiled ? maxCompilePolls : 0)),
    });
    grantPublishToEncryptedTopic(props.topic, this.stateMachine);
    this.grantJobs(model, props.stageName, storage);
  }

  /**
   * Waits for a person: publishes the version and a task token to the model's topic, and
   * resumes when `gantry registry approve|reject --task-token` answers. A rejection ends the
   * run as Rejected; no answer within `training.approvalTimeoutHours` takes the failure path.
   */
  private approval(model: ModelConfig, topic: sns.ITopic, approved: sfn.IChainable, catchInto: (s: sfn.TaskStateBase) => unknown): sfn.IChainable {
    const request = new tasks.SnsPublish(this, 'RequestApproval', {
      topic,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      subject: `Gantry: approve ${model.name}?`,
      message: sfn.TaskInput.fromObject({
        model: model.name,
        version: sfn.JsonPath.numberAt('$.registered.version'),
        metrics: sfn.JsonPath.objectAt('$.evaluation.metrics'),
        gate: sfn.JsonPath.stringAt('$.gate.reason'),
        taskToken: sfn.JsonPath.taskToken,
        approve: sfn.JsonPath.format(`gantry registry approve --model ${model.name} --version {} --task-token {}`, sfn.JsonPath.stringAt('$.registered.version'), sfn.JsonPath.taskToken),
        reject: sfn.JsonPath.format(`gantry registry reject --model ${model.name} --version {} --reason TEXT --task-token {}`, sfn.JsonPath.stringAt('$.registered.version'), sfn.JsonPath.taskToken),
      }),
      taskTimeout: sfn.Timeout.duration(Duration.hours(model.training.approvalTimeoutHours)),
      resultPath: '$.approval',
    });
    request.addRetry({ ...RETRY, errors: TRANSIENT_SNS_ERRORS });
    const rejected = new sfn.Fail(this, 'Rejected', { error: 'Rejected', causePath: '$.rejection.Cause' });
    request.addCatch(rejected, { errors: ['Rejected'], resultPath: '$.rejection' });
    catchInto(request);
    return request.next(approved);
  }

  /** A Lambda task with Gantry's retries; its failures go to the failure path. */
  private invoke(id: string, fn: lambda.IFunction, payload: Record<string, unknown>, resultPath: string): tasks.LambdaInvoke {
    return invokeFunction(this, id, fn, payload, resultPath);
  }

  /**
   * CreateCompilationJob has no .sync integration: start it, then poll DescribeCompilationJob
   * in a bounded Wait loop. FAILED/STOPPED or too many polls take the failure path.
   */
  private compileLoop(
    model: ModelConfig,
    at: JobLocations,
    tags: ReturnType<typeof jobTags>,
    maxPolls: number,
    catchInto: (s: sfn.TaskStateBase | sfn.CustomState) => unknown,
    recordFailure: sfn.IChainable,
    next: sfn.IChainable,
  ): sfn.IChainable {
    const featureCount = model.features?.features.length ?? 1;
    const start = new tasks.CallAwsService(this, 'Compile', {
      service: 'sagemaker',
      action: 'createCompilationJob',
      parameters: compilationJobRequest(model, at, tags, featureCount),
      iamResources: [this.jobArn(at.stageName, model, 'compilation-job')],
      resultSelector: { 'CompilationJobArn.$': '$.CompilationJobArn' },
      resultPath: '$.compile',
    });
    const startPolling = new sfn.Pass(this, 'StartCompilePolling', { result: sfn.Result.fromObject({ n: 0 }), resultPath: '$.compilePolls' });
    const wait = new sfn.Wait(this, 'WaitForCompilation', { time: sfn.WaitTime.duration(Duration.seconds(COMPILE_POLL_SECONDS)) });
    const describe = new tasks.CallAwsService(this, 'DescribeCompilation', {
      service: 'sagemaker',
      action: 'describeCompilationJob',
      parameters: { 'CompilationJobName.$': jobNameFormat(at, model.name, 'neo') },
      iamResources: [this.jobArn(at.stageName, model, 'compilation-job')],
      resultSelector: { 'status.$': '$.CompilationJobStatus', 'artifactUri.$': '$.ModelArtifacts.S3ModelArtifacts', 'failureReason.$': '$.FailureReason' },
      resultPath: '$.compileStatus',
    });
    for (const task of [start, describe]) {
      task.addRetry({ ...RETRY, errors: TRANSIENT_SAGEMAKER_SDK_ERRORS });
      catchInto(task);
    }
    const failedJob = new sfn.Pass(this, 'CompilationFailed', {
      parameters: {
        Error: PIPELINE_ERRORS.compileFailed,
        'Cause.$': `States.Format('compilation job ${jobNamePrefix(at.stageName, model.name, 'neo')}{} ended {}: {}', $.run.id, $.compileStatus.status, $.compileStatus.failureReason)`,
      },
      resultPath: '$.error',
    });
    const timedOut = new sfn.Pass(this, 'CompilationTimedOut', {
      parameters: { Error: PIPELINE_ERRORS.compileTimeout, 'Cause.$': `States.Format('compilation job ${jobNamePrefix(at.stageName, model.name, 'neo')}{} still running after ${maxPolls} polls', $.run.id)` },
      resultPath: '$.error',
    });
    failedJob.next(recordFailure);
    timedOut.next(recordFailure);
    const keepArtifact = new sfn.Pass(this, 'CompilationDone', { parameters: { 'artifactUri.$': '$.compileStatus.artifactUri' }, resultPath: '$.compile' });
    keepArtifact.next(next);
    // The poll counter is an object so one Pass can both read and replace it.
    const bump = new sfn.Pass(this, 'CountCompilePoll', { parameters: { 'n.$': 'States.MathAdd($.compilePolls.n, 1)' }, resultPath: '$.compilePolls' });
    const decide = new sfn.Choice(this, 'CompilationStatus')
      .when(sfn.Condition.stringEquals('$.compileStatus.status', 'COMPLETED'), keepArtifact)
      .when(sfn.Condition.or(sfn.Condition.stringEquals('$.compileStatus.status', 'FAILED'), sfn.Condition.stringEquals('$.compileStatus.status', 'STOPPED')), failedJob)
      .when(sfn.Condition.numberGreaterThanEquals('$.compilePolls.n', maxPolls), timedOut)
      .otherwise(bump);
    bump.next(wait);
    return start.next(startPolling).next(wait).next(describe).next(decide);
  }

  private jobArn(stageName: string, model: ModelConfig, kind: keyof typeof JOB_KINDS): string {
    const stack = Stack.of(this);
    return `arn:${stack.partition}:sagemaker:${stack.region}:${stack.account}:${kind}/${jobNamePrefix(stageName, model.name, JOB_KINDS[kind])}*`;
  }

  /** Least privilege for the jobs: this model's job names only, PassRole to SageMaker only. */
  private grantJobs(model: ModelConfig, stageName: string, storage: PipelineStorage): void {
    const stack = Stack.of(this);
    const role = this.stateMachine.role;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob', 'sagemaker:AddTags'],
        resources: (Object.keys(JOB_KINDS) as (keyof typeof JOB_KINDS)[]).map((kind) => this.jobArn(stageName, model, kind)),
      }),
    );
    // The .sync integrations follow jobs through these managed EventBridge rules.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resources: ['TrainingJobs', 'ProcessingJobs'].map((k) => `arn:${stack.partition}:events:${stack.region}:${stack.account}:rule/StepFunctionsGetEventsForSageMaker${k}Rule`),
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [storage.jobRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      }),
    );
    for (const [kind, infix] of Object.entries(JOB_KINDS) as [keyof typeof JOB_KINDS, JobKind][]) {
      acknowledgeWildcardResource(role, this.jobArn(stageName, model, kind), `Job names are generated per execution (${jobNamePrefix(stageName, model.name, infix)}<run id>); the wildcard is limited to this model's jobs of this kind.`);
    }
    Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray and CloudWatch Logs delivery (logs:CreateLogDelivery and friends) support no resource-level permissions.' });
  }
}

/** The SageMaker resource type of each kind of job, with its name infix. */
const JOB_KINDS = { 'processing-job': 'prep', 'training-job': 'train', 'compilation-job': 'neo' } as const satisfies Record<string, JobKind>;

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
