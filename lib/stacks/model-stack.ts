import { Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { compilesWithNeo, modelTags, type ModelConfig, type StageConfig } from '../config';
import { type ArtifactArea, artifactPrefix, type DriftCheckEvent, endpointName, modelTopicName, type ModelServingContract, PARAMETER_KEYS, type RollbackEvent, type TrainingInput } from '../contract';
import { DeployWorkflow } from '../constructs/deploy-workflow/deploy-workflow';
import { EndpointMonitoring } from '../constructs/endpoint-monitoring/endpoint-monitoring';
import type { MlNetwork } from '../constructs/ml-network/ml-network';
import { ModelCode } from '../constructs/model-code/model-code';
import { PublishedNames } from '../constructs/published-names/published-names';
import { SageMakerJobRole } from '../constructs/sagemaker-job-role/sagemaker-job-role';
import { TrainingPipeline } from '../constructs/training-pipeline/training-pipeline';
import { acknowledgeWildcardResource } from '../nag';
import type { DataStack } from './data-stack';
import type { RuntimeStack } from './runtime-stack';

export interface ModelStackProps extends StackProps {
  readonly stage: StageConfig;
  readonly model: ModelConfig;
  readonly data: DataStack;
  readonly runtime: RuntimeStack;
  /** The VPC the model's jobs run in. @default - no VPC */
  readonly network?: MlNetwork;
}

/**
 * One model's stack (stateless): its training pipeline with its triggers, its deploy workflow,
 * the endpoint's alarms and dashboard with the rule that rolls a bad version back, its SNS
 * topic, its SageMaker roles and code, and the serving contract the application client reads.
 */
export class ModelStack extends Stack {
  public readonly model: ModelConfig;
  /** What applications need to call the model, as published in SSM. */
  public readonly servingContract: ModelServingContract;
  /** Failures and approvals of this model are published here. */
  public readonly topic: sns.Topic;
  public readonly pipeline: TrainingPipeline;
  public readonly deployment: DeployWorkflow;
  public readonly monitoring: EndpointMonitoring;

  constructor(scope: Construct, id: string, props: ModelStackProps) {
    super(scope, id, props);
    const { model, stage, data, runtime, network } = props;
    this.model = model;
    this.servingContract = {
      model: model.name,
      endpointName: endpointName(stage.name, model.name),
      contentType: model.serving.contentType,
      ...(model.features ? { features: { group: model.features.group, names: model.features.features } } : {}),
    };

    // Named, so the shared rollback function may publish to gantry-<stage>-* topics only.
    this.topic = new sns.Topic(this, 'Topic', { topicName: modelTopicName(stage.name, model.name), displayName: `Gantry ${stage.name} ${model.name}`, masterKey: data.key, enforceSSL: true });
    for (const email of stage.budgets.subscriberEmails) this.topic.addSubscription(new subscriptions.EmailSubscription(email));

    const code = new ModelCode(this, 'Code', { entryPoint: model.training.entryPoint, preprocessScript: model.preprocessing.script });
    // The compiled/ folder only where a Neo compilation job writes it.
    const neo = compilesWithNeo(model);
    const jobAreas: ArtifactArea[] = ['runs', 'models', 'checkpoints', ...(neo ? (['compiled'] as const) : [])];
    const servedAreas: ArtifactArea[] = ['models', ...(neo ? (['compiled'] as const) : [])];
    const jobRole = new SageMakerJobRole(this, 'JobRole', {
      model: model.name,
      key: data.key,
      // Training data may come from anywhere in the curated and raw zones (an execution's dataUri).
      reads: [{ bucket: data.lake.curated }, { bucket: data.lake.raw }],
      writes: [{ bucket: data.lake.artifacts, prefixes: jobAreas.map((area) => artifactPrefix(area, model.name)) }],
      images: [model.training.image, model.preprocessing.image],
      inVpc: network !== undefined,
    });
    code.grantRead(jobRole.role);

    const endpoint = this.servingContract.endpointName;
    // The id says 'Endpoint' for a construct that creates only its alarms and dashboard: it names
    // their logical ids, and a new id would make CloudFormation create the fixed-name alarms
    // anew and then delete the old resources, that is the same alarms, leaving none.
    this.monitoring = new EndpointMonitoring(this, 'Endpoint', { model, stageName: stage.name, topic: this.topic });
    // A topic with a policy has no default policy: the alarms' notifications need a statement of
    // their own (https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger),
    // for these alarms of this account only. The key policy already lets CloudWatch use the key.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EndpointAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { ArnLike: { 'aws:SourceArn': this.monitoring.alarms.map((a) => a.alarmArn) }, StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    const endpointRole = new SageMakerJobRole(this, 'EndpointRole', {
      model: model.name,
      key: data.key,
      // The trained (and, with Neo, the compiled) model of this model only.
      reads: [{ bucket: data.lake.artifacts, prefixes: servedAreas.map((area) => artifactPrefix(area, model.name)) }],
      // Data capture is written as the endpoint's execution role, under `<endpoint>/`.
      writes: [{ bucket: data.lake.capture, prefixes: [`${endpoint}/`] }],
      images: [model.serving.image ?? model.training.image],
      inVpc: network !== undefined,
    });
    const workflowStage = { name: stage.name, key: data.key, costTags: modelTags(stage, model), logRetention: stage.logRetentionDays };
    this.deployment = new DeployWorkflow(this, 'Deploy', {
      model,
      stage: workflowStage,
      endpoint: { executionRole: endpointRole.role, captureBucket: data.lake.capture, network },
      functions: { deploy: runtime.deploy.function, recordEvent: runtime.recordEvent.function },
      topic: this.topic,
      alarms: this.monitoring.serviceAlarms,
    });
    // The guardrails read the auto-rollback alarms; grant both the caller of UpdateEndpoint and
    // the endpoint's execution role, since SageMaker's page does not say which it uses.
    this.monitoring.grantDescribeServiceAlarms(this.deployment.stateMachine);
    this.monitoring.grantDescribeServiceAlarms(endpointRole.role);
    const deployMachine = this.deployment.stateMachine;
    for (const fn of [runtime.deploy.function, runtime.recordEvent.function]) acknowledgeWildcardResource(deployMachine.role, `${fn.functionArn}:*`, 'Step Functions invokes the function by ARN; CDK grants its versions and aliases too.');
    this.addRollbackRule(model, runtime, endpoint);
    if (model.serving.target !== 'serverless') this.addDriftSchedule(model, runtime, endpoint);

    const group = stage.featureGroups.find((g) => g.name === model.features?.group);
    this.pipeline = new TrainingPipeline(this, 'Training', {
      model,
      stage: workflowStage,
      storage: { artifacts: data.lake.artifacts, curated: data.lake.curated, jobRole: jobRole.role, code, network },
      functions: runtime.pipelineFunctions,
      topic: this.topic,
      ...(model.serving.autoDeploy ? { deployStateMachine: deployMachine } : {}),
      ...(model.features && group
        ? { baselineFeatures: model.features.features.map((name) => ({ name, kind: ['double', 'bigint'].includes(group.features.find((f) => f.name === name)!.type) ? ('numeric' as const) : ('categorical' as const) })) }
        : {}),
    });
    const stateMachine = this.pipeline.stateMachine;
    for (const fn of Object.values(runtime.pipelineFunctions)) acknowledgeWildcardResource(stateMachine.role, `${fn.functionArn}:*`, 'Step Functions invokes the function by ARN; CDK grants its versions and aliases too.');

    this.addTriggers(model, data, stateMachine);

    new PublishedNames(this, 'Names', {
      stageName: stage.name,
      values: {
        [PARAMETER_KEYS.modelServing(model.name)]: JSON.stringify(this.servingContract),
        [PARAMETER_KEYS.trainingWorkflow(model.name)]: stateMachine.stateMachineArn,
        [PARAMETER_KEYS.deployWorkflow(model.name)]: deployMachine.stateMachineArn,
      },
    });
  }

  /**
   * After a deployment has baked, an endpoint alarm in ALARM invokes the stage's rollback
   * function for this model (during a bake, SageMaker's guardrails roll back by themselves).
   */
  private addRollbackRule(model: ModelConfig, runtime: RuntimeStack, endpoint: string): void {
    const input: Record<Exclude<keyof RollbackEvent, 'alarm'>, string> = {
      model: model.name,
      endpointName: endpoint,
      stateMachineArn: this.deployment.stateMachine.stateMachineArn,
      topicArn: this.topic.topicArn,
    };
    new events.Rule(this, 'RollbackRule', {
      description: `An alarm of ${endpoint} rolls ${model.name} back to its last-good version`,
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        resources: this.monitoring.serviceAlarms.map((a) => a.alarmArn),
        detail: { state: { value: ['ALARM'] } },
      },
      targets: [new eventTargets.LambdaFunction(runtime.rollback.function, { event: new WithWholeEvent(input, 'alarm'), retryAttempts: 4 })],
    });
  }

  /** Checks the endpoint's captured traffic for drift on `drift.schedule` (serverless endpoints capture nothing). */
  private addDriftSchedule(model: ModelConfig, runtime: RuntimeStack, endpoint: string): void {
    const check: DriftCheckEvent = {
      model: model.name,
      endpointName: endpoint,
      windowMinutes: model.drift.windowMinutes,
      thresholds: { psi: model.drift.psiThreshold, ks: model.drift.ksThreshold },
      consecutiveWindows: model.drift.consecutiveWindows,
    };
    new scheduler.Schedule(this, 'DriftSchedule', {
      description: `Checks ${endpoint}'s captured traffic for drift`,
      schedule: scheduler.ScheduleExpression.expression(model.drift.schedule),
      target: new schedulerTargets.LambdaInvoke(runtime.drift.function, { input: scheduler.ScheduleTargetInput.fromObject(check), retryAttempts: 2 }),
    });
    // The target's role is the stack's shared scheduler role, so the acknowledgement is the stack's.
    acknowledgeWildcardResource(this, `${runtime.drift.function.functionArn}:*`, "The scheduler invokes the stage's drift function by ARN; CDK grants its versions and aliases too.");
  }

  /** A schedule, new curated data under `<model>/`, and drift events start training. */
  private addTriggers(model: ModelConfig, data: DataStack, stateMachine: TrainingPipeline['stateMachine']): void {
    const start = (reason: TrainingInput['reason'], extra: Partial<TrainingInput> = {}) => ({ reason, ...extra });
    if (model.training.schedule) {
      new scheduler.Schedule(this, 'TrainingSchedule', {
        description: `Retrains ${model.name}`,
        schedule: scheduler.ScheduleExpression.expression(model.training.schedule),
        target: new schedulerTargets.StepFunctionsStartExecution(stateMachine, { input: scheduler.ScheduleTargetInput.fromObject(start('schedule')) }),
      });
    }
    new events.Rule(this, 'NewDataRule', {
      description: `New objects under ${model.name}/ in the curated bucket retrain ${model.name}`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [data.lake.curated.bucketName] }, object: { key: [{ prefix: `${model.name}/` }] } },
      },
      targets: [new eventTargets.SfnStateMachine(stateMachine, { input: events.RuleTargetInput.fromObject(start('new-data', { dataUri: `s3://${data.lake.curated.bucketName}/${model.name}/` })) })],
    });
    // Persistent drift notifies the model's topic, and retrains unless drift.retrainOnDrift is off.
    // A target of our own: CDK's SnsTopic target would grant EventBridge the stage key without a
    // condition; the data stack's key policy already allows it for the stage's topics, and the
    // topic policy below lets this rule publish.
    const driftRule = new events.Rule(this, 'DriftRule', {
      description: `Drift detected on ${model.name} notifies${model.drift.retrainOnDrift ? ' and retrains it' : ''}`,
      eventPattern: { source: ['gantry.drift'], detailType: ['DriftDetected'], detail: { model: [model.name] } },
      targets: [
        {
          bind: () => ({
            arn: this.topic.topicArn,
            input: events.RuleTargetInput.fromObject({
              subject: `Gantry: drift on ${model.name}`,
              model: model.name,
              window: events.EventField.fromPath('$.detail.window'),
              maxPsi: events.EventField.fromPath('$.detail.maxPsi'),
              features: events.EventField.fromPath('$.detail.features'),
              report: events.EventField.fromPath('$.detail.reportUri'),
              retraining: model.drift.retrainOnDrift,
            }),
          }),
        },
        ...(model.drift.retrainOnDrift ? [new eventTargets.SfnStateMachine(stateMachine, { input: events.RuleTargetInput.fromObject(start('drift')) })] : []),
      ],
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DriftRulePublish',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { ArnEquals: { 'aws:SourceArn': driftRule.ruleArn } },
      }),
    );
  }
}

/**
 * A target input of fixed fields plus the whole event under `eventField`. EventBridge's
 * `<aws.events.event.json>` is the complete event (`<aws.events.event>` leaves out `detail`);
 * CDK's `EventField` cannot name it, hence this small input of our own.
 */
class WithWholeEvent extends events.RuleTargetInput {
  constructor(
    private readonly fields: Readonly<Record<string, string>>,
    private readonly eventField: string,
  ) {
    super();
  }

  bind(): events.RuleTargetInputProperties {
    const parts: string[] = ['{'];
    for (const [key, value] of Object.entries(this.fields)) parts.push(`${JSON.stringify(key)}:"`, value, '",');
    parts.push(`${JSON.stringify(this.eventField)}:<aws.events.event.json>}`);
    return { inputTemplate: Fn.join('', parts) };
  }
}
