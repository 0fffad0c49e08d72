import { Annotations, Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { ModelConfig } from '../../config';
import { endpointName, workflowName } from '../../contract';
import { jobTags } from '../training-pipeline/requests';
import { FailurePath, grantPublishToEncryptedTopic, stateMachineLogGroupName } from '../workflow/steps';
import { type JobNetwork, vpcConfigOf, type WorkflowStage } from '../workflow/workflow-stage';
import { alarmNameOf } from './alarm-name';
import { grantDeployment } from './permissions';
import type { DeployPhaseContext } from './phases/context';
import { updatePhase, versionResources } from './phases/deploy';
import { planPhase } from './phases/plan';
import { promotePhase } from './phases/promote';
import { DELETION_WAIT_MINUTES, replacePhase } from './phases/replace';
import { scalePhase } from './phases/scale';
import { waitPhase } from './phases/wait';
import type { EndpointLocations } from './requests';

/** The shared functions the workflow invokes (from the runtime stack). */
export interface DeployFunctions {
  /** Plans a deployment (`prepare`) and promotes or rolls back in the registry (`complete`). */
  readonly deploy: lambda.IFunction;
  /** Records a failed deployment in the registry. */
  readonly recordEvent: lambda.IFunction;
}

/** What the model's endpoint runs as and writes to. */
export interface EndpointResources {
  /** The execution role of the model's containers. */
  readonly executionRole: iam.IRole;
  /** Where the endpoint's data capture lands, under `<endpoint>/`. */
  readonly captureBucket: s3.IBucket;
  /** The VPC the endpoint runs in. @default - the endpoint runs outside a VPC */
  readonly network?: JobNetwork;
}

export interface DeployWorkflowProps {
  /** The model the workflow deploys; its endpoint is `endpointName(stage, model)`. */
  readonly model: ModelConfig;
  /** The stage: names, key, cost tags and log retention. */
  readonly stage: WorkflowStage;
  /** What the endpoint runs as and writes to. */
  readonly endpoint: EndpointResources;
  /** The shared functions the workflow invokes. */
  readonly functions: DeployFunctions;
  /** The model's topic: deployments, refusals and failures are published here. */
  readonly topic: sns.ITopic;
  /** The endpoint's service alarms: SageMaker rolls a canary or linear deployment back when one fires. */
  readonly alarms: readonly cloudwatch.IAlarm[];
  /** Seconds between DescribeEndpoint polls. @default 60 */
  readonly pollSeconds?: number;
}

/**
 * The one path by which a model version reaches its endpoint: check the version in the
 * registry, create the SageMaker model and endpoint config (tagged, data capture on), create
 * the endpoint or update it with a blue/green deployment (canary, linear or all-at-once, with
 * automatic rollback on the endpoint's alarms) or, for a Failed endpoint it created, delete
 * and create it again, wait for InService, register autoscaling, then promote in the registry
 * and notify. A failure records itself and notifies; the
 * registry's production pointer only moves once the endpoint serves the new version.
 */
export class DeployWorkflow extends Construct {
  /** The workflow's state machine: start it with a deploy request. */
  public readonly stateMachine: sfn.StateMachine;
  /** The execution log. */
  public readonly logGroup: logs.LogGroup;
  /** The endpoint the workflow creates and updates. */
  public readonly endpointName: string;

  constructor(scope: Construct, id: string, props: DeployWorkflowProps) {
    super(scope, id);
    const { model, stage, functions } = props;
    const serverless = model.serving.target === 'serverless';
    this.endpointName = endpointName(stage.name, model.name);
    const at: EndpointLocations = {
      endpointName: this.endpointName,
      roleArn: props.endpoint.executionRole.roleArn,
      kmsKeyArn: stage.key.keyArn,
      captureUri: `s3://${props.endpoint.captureBucket.bucketName}`,
      vpc: vpcConfigOf(props.endpoint.network),
    };
    if (serverless) {
      Annotations.of(this).addWarningV2(
        'gantry:serverless-endpoint',
        `${model.name} is served serverless: SageMaker captures no data for serverless endpoints (so no drift check runs for it) and has no deployment guardrails (every deployment is all-at-once).`,
      );
    }
    const failure = new FailurePath(this, {
      model: model.name,
      topic: props.topic,
      recordEvent: functions.recordEvent,
      subject: `Gantry: deployment of ${model.name} failed`,
      failId: 'DeploymentFailed',
      recordExtra: { version: sfn.JsonPath.numberAt('$.plan.version') },
    });
    const context: DeployPhaseContext = { model, at, tags: jobTags(stage.costTags), failure };

    // The phases are built in the order their states are caught into the failure path: that
    // order fixes the order of the states in the definition, and a reordered definition is an
    // update of every deployed state machine.
    const pollSeconds = props.pollSeconds ?? 60;
    const prepare = planPhase(this, context, { deploy: functions.deploy, topic: props.topic });
    const version = versionResources(this, context);
    const wait = waitPhase(this, context, {
      pollSeconds,
      inService: () => {
        const promote = promotePhase(this, context, { deploy: functions.deploy, topic: props.topic });
        return serverless ? promote : scalePhase(this, context, { costTags: stage.costTags, next: promote });
      },
    });
    version.createEndpoint.next(wait);
    const update = updatePhase(this, context, { alarmNames: props.alarms.map(alarmNameOf), next: wait });
    // Built last: the phase that came last keeps the definition's earlier states where they were.
    const replace = replacePhase(this, context, { deploy: functions.deploy, pollSeconds, next: wait });
    const exists = new sfn.Choice(this, 'EndpointExists')
      .when(sfn.Condition.booleanEquals('$.plan.endpointExists', true), update)
      .when(sfn.Condition.isPresent('$.plan.failedEndpoint'), replace)
      .otherwise(version.createEndpoint);
    const definition = prepare.next(version.chain).next(exists);

    const stateMachineName = workflowName(stage.name, model.name, 'deploy');
    this.logGroup = new logs.LogGroup(this, 'Logs', { logGroupName: stateMachineLogGroupName(stateMachineName), encryptionKey: stage.key, retention: stage.logRetention });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      queryLanguage: sfn.QueryLanguage.JSON_PATH,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      // The wait for InService, a Failed endpoint's deletion, and room for the other states.
      timeout: Duration.minutes(model.serving.deployment.timeoutMinutes + DELETION_WAIT_MINUTES + 30),
    });
    grantPublishToEncryptedTopic(props.topic, this.stateMachine);
    grantDeployment(this.stateMachine, { endpointName: this.endpointName, model: model.name, workflowName: stateMachineName, executionRole: props.endpoint.executionRole, key: stage.key, scalable: !serverless });
  }
}
