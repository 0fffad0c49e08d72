import { Annotations, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { ModelConfig } from '../../config';
import { DEPLOY_ERRORS, type DeployStrategy, type PrepareDeployEvent, workflowName } from '../../contract';
import { acknowledgeWildcardResource } from '../../nag';
import { jobTags } from '../training-pipeline/requests';
import { FailurePath, grantPublishToEncryptedTopic, invokeFunction, RETRY, stateMachineLogGroupName, TRANSIENT_SAGEMAKER_SDK_ERRORS, TRANSIENT_SNS_ERRORS } from '../workflow/steps';
import {
  createEndpointConfigRequest,
  createEndpointRequest,
  createModelRequest,
  deregisterScalableTargetRequest,
  putScalingPolicyRequest,
  registerScalableTargetRequest,
  updateEndpointRequest,
  type EndpointLocations,
} from './requests';

/** The shared functions the workflow invokes (from the runtime stack). */
export interface DeployFunctions {
  /** Plans a deployment (`prepare`) and promotes or rolls back in the registry (`complete`). */
  readonly deploy: lambda.IFunction;
  readonly recordEvent: lambda.IFunction;
}

export interface DeployWorkflowProps {
  readonly model: ModelConfig;
  readonly stageName: string;
  readonly endpointName: string;
  /** The five cost tags, passed to every SageMaker resource the workflow creates. */
  readonly costTags: Readonly<Record<string, string>>;
  readonly key: kms.IKey;
  readonly captureBucket: s3.IBucket;
  /** The execution role of the model's containers. */
  readonly executionRole: iam.IRole;
  readonly vpc?: EndpointLocations['vpc'];
  readonly functions: DeployFunctions;
  readonly topic: sns.ITopic;
  /** The endpoint's service alarms: SageMaker rolls a canary or linear deployment back when one fires. */
  readonly alarmNames: readonly string[];
  /** Seconds between DescribeEndpoint polls. @default 60 */
  readonly pollSeconds?: number;
  /** How long the workflow's execution log is kept. */
  readonly logRetention: logs.RetentionDays;
}

/**
 * The one path by which a model version reaches its endpoint: check the version in the
 * registry, create the SageMaker model and endpoint config (tagged, data capture on), create
 * the endpoint or update it with a blue/green deployment (canary, linear or all-at-once, with
 * automatic rollback on the endpoint's alarms), wait for InService, register autoscaling,
 * then promote in the registry and notify. A failure records itself and notifies; the
 * registry's production pointer only moves once the endpoint serves the new version.
 */
export class DeployWorkflow extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: DeployWorkflowProps) {
    super(scope, id);
    const { model, functions } = props;
    const serverless = model.serving.target === 'serverless';
    const tags = jobTags(props.costTags);
    const at: EndpointLocations = {
      endpointName: props.endpointName,
      roleArn: props.executionRole.roleArn,
      kmsKeyArn: props.key.keyArn,
      captureUri: `s3://${props.captureBucket.bucketName}`,
      vpc: props.vpc,
    };
    if (serverless) {
      Annotations.of(this).addWarningV2(
        'gantry:serverless-endpoint',
        `${model.name} is served serverless: SageMaker captures no data for serverless endpoints (so no drift check runs for it) and has no deployment guardrails (every deployment is all-at-once).`,
      );
    }

    // --- failure paths -----------------------------------------------------------------------
    const failure = new FailurePath(this, {
      model: model.name,
      topic: props.topic,
      recordEvent: functions.recordEvent,
      subject: `Gantry: deployment of ${model.name} failed`,
      failId: 'DeploymentFailed',
      recordExtra: { version: sfn.JsonPath.numberAt('$.plan.version') },
    });
    const catchInto = (state: sfn.TaskStateBase | sfn.CustomState) => {
      state.addRetry({ ...RETRY, errors: TRANSIENT_SAGEMAKER_SDK_ERRORS });
      failure.catchInto(state);
    };
    // A refused request (bad input, a version that is not deployable, a busy endpoint)
    // changed nothing: say so and fail, without a registry event about a version.
    const refused = new sfn.Fail(this, 'DeploymentRefused', { errorPath: '$.error.Error', causePath: '$.error.Cause' });
    const notifyRefused = new tasks.SnsPublish(this, 'NotifyRefused', {
      topic: props.topic,
      subject: `Gantry: deployment of ${model.name} refused`,
      message: sfn.TaskInput.fromObject({ model: model.name, execution: sfn.JsonPath.executionId, error: sfn.JsonPath.stringAt('$.error.Error'), cause: sfn.JsonPath.stringAt('$.error.Cause') }),
      resultPath: sfn.JsonPath.DISCARD,
    });
    notifyRefused.addRetry({ ...RETRY, errors: TRANSIENT_SNS_ERRORS });
    // An unsent notification must not hide why the deployment was refused.
    notifyRefused.addCatch(refused, { resultPath: '$.notifyError' });
    notifyRefused.next(refused);

    // --- plan --------------------------------------------------------------------------------
    const prepareEvent: Record<keyof PrepareDeployEvent, unknown> = {
      action: 'prepare',
      model: model.name,
      input: sfn.JsonPath.entirePayload,
      endpointName: props.endpointName,
      target: model.serving.target,
      compiler: model.serving.compiler,
      instanceType: model.serving.instanceType,
      defaultStrategy: model.serving.strategy,
      // The first 8 hex digits of a UUID: SageMaker names are at most 63 characters.
      deploymentId: sfn.JsonPath.arrayGetItem(sfn.JsonPath.stringSplit(sfn.JsonPath.uuid(), '-'), 0),
      executionArn: sfn.JsonPath.executionId,
    };
    if (serverless) delete prepareEvent.instanceType;
    if (model.serving.compiler === undefined) delete prepareEvent.compiler;
    const prepare = invokeFunction(this, 'Prepare', functions.deploy, prepareEvent, '$.plan');
    prepare.addCatch(notifyRefused, { resultPath: '$.error' });

    // The AWS SDK integration, not the optimized `sagemaker:` one: Step Functions validates an
    // optimized integration's fields against its own list when the state machine is created, and
    // DataCaptureConfig, DeploymentConfig and RetainAllVariantProperties are not on it
    // (lib/constructs/workflow/sagemaker-optimized-parameters.ts). None of these calls needs `.sync`.
    const sagemakerTask = (stateId: string, action: string, parameters: Record<string, unknown>) => {
      const state = new sfn.CustomState(this, stateId, {
        stateJson: { Type: 'Task', Resource: `arn:${Stack.of(this).partition}:states:::aws-sdk:sagemaker:${action}`, Parameters: parameters, ResultPath: null },
      });
      catchInto(state);
      return state;
    };
    const createModel = sagemakerTask('CreateModel', 'createModel', createModelRequest(model, at, tags));
    const createConfig = sagemakerTask('CreateEndpointConfig', 'createEndpointConfig', createEndpointConfigRequest(model, at, tags));
    const createEndpoint = sagemakerTask('CreateEndpoint', 'createEndpoint', createEndpointRequest(at, tags));

    // --- wait for InService --------------------------------------------------------------------
    const maxPolls = Math.ceil((model.serving.deployment.timeoutMinutes * 60) / (props.pollSeconds ?? 60));
    const startPolling = new sfn.Pass(this, 'StartPolling', { result: sfn.Result.fromObject({ n: 0 }), resultPath: '$.polls' });
    const wait = new sfn.Wait(this, 'WaitForEndpoint', { time: sfn.WaitTime.duration(Duration.seconds(props.pollSeconds ?? 60)) });
    const describe = new tasks.CallAwsService(this, 'DescribeEndpoint', {
      service: 'sagemaker',
      action: 'describeEndpoint',
      parameters: { EndpointName: props.endpointName },
      iamResources: [this.arn('endpoint', props.endpointName)],
      resultSelector: { 'status.$': '$.EndpointStatus', 'configName.$': '$.EndpointConfigName' },
      resultPath: '$.endpoint',
    });
    catchInto(describe);
    const bump = new sfn.Pass(this, 'CountPoll', { parameters: { 'n.$': 'States.MathAdd($.polls.n, 1)' }, resultPath: '$.polls' });
    bump.next(wait);
    const failWith = (stateId: string, error: string, cause: string) => {
      const pass = new sfn.Pass(this, stateId, { parameters: { Error: error, 'Cause.$': cause }, resultPath: '$.error' });
      pass.next(failure.start);
      return pass;
    };
    const guardrails = failWith(
      'RolledBackByGuardrails',
      DEPLOY_ERRORS.guardrailRollback,
      `States.Format('${props.endpointName} is back on {}: an alarm fired while version {} was baking, and SageMaker rolled the deployment back', $.endpoint.configName, $.plan.version)`,
    );
    const endpointFailed = failWith('EndpointFailed', DEPLOY_ERRORS.endpointFailed, `States.Format('${props.endpointName} is {} after deploying version {}; see its FailureReason (gantry status)', $.endpoint.status, $.plan.version)`);
    const timedOut = failWith('DeploymentTimedOut', DEPLOY_ERRORS.timeout, `States.Format('${props.endpointName} still {} after ${maxPolls} polls (${model.serving.deployment.timeoutMinutes} minutes) deploying version {}', $.endpoint.status, $.plan.version)`);

    // --- promote -------------------------------------------------------------------------------
    const complete = invokeFunction(this, 'Promote', functions.deploy, { action: 'complete', plan: sfn.JsonPath.objectAt('$.plan'), executionArn: sfn.JsonPath.executionId }, '$.completed');
    failure.catchInto(complete);
    const notifyDeployed = new tasks.SnsPublish(this, 'NotifyDeployed', {
      topic: props.topic,
      subject: `Gantry: ${model.name} deployed`,
      // The whole plan: version, previous version (absent on a first deployment), strategy, rollback.
      message: sfn.TaskInput.fromObject({ model: model.name, endpoint: props.endpointName, execution: sfn.JsonPath.executionId, deployment: sfn.JsonPath.objectAt('$.plan') }),
      resultPath: sfn.JsonPath.DISCARD,
    });
    notifyDeployed.addRetry({ ...RETRY, errors: TRANSIENT_SNS_ERRORS });
    // The deployment is done and recorded; a lost notification must not fail it.
    const deployed = new sfn.Succeed(this, 'Deployed');
    notifyDeployed.addCatch(deployed, { resultPath: '$.notifyError' });
    complete.next(notifyDeployed).next(deployed);

    let inService: sfn.IChainable = complete;
    if (!serverless) {
      const register = new tasks.CallAwsService(this, 'RegisterScalableTarget', {
        service: 'applicationautoscaling',
        action: 'registerScalableTarget',
        parameters: registerScalableTargetRequest(model, at, props.costTags),
        iamResources: ['*'],
        iamAction: 'application-autoscaling:RegisterScalableTarget',
        resultPath: sfn.JsonPath.DISCARD,
      });
      const policy = new tasks.CallAwsService(this, 'PutScalingPolicy', {
        service: 'applicationautoscaling',
        action: 'putScalingPolicy',
        parameters: putScalingPolicyRequest(model, at),
        iamResources: ['*'],
        iamAction: 'application-autoscaling:PutScalingPolicy',
        resultPath: sfn.JsonPath.DISCARD,
      });
      for (const task of [register, policy]) {
        task.addRetry({ ...RETRY, errors: ['ApplicationAutoScaling.ConcurrentUpdateException', 'ApplicationAutoScaling.InternalServiceException'] });
        failure.catchInto(task);
      }
      register.next(policy).next(complete);
      inService = register;
    }

    const status = new sfn.Choice(this, 'EndpointStatus')
      .when(sfn.Condition.and(sfn.Condition.stringEquals('$.endpoint.status', 'InService'), sfn.Condition.stringEqualsJsonPath('$.endpoint.configName', '$.plan.resourceName')), inService)
      .when(sfn.Condition.stringEquals('$.endpoint.status', 'InService'), guardrails)
      .when(sfn.Condition.or(sfn.Condition.stringEquals('$.endpoint.status', 'Failed'), sfn.Condition.stringEquals('$.endpoint.status', 'UpdateRollbackFailed')), endpointFailed)
      .when(sfn.Condition.numberGreaterThanEquals('$.polls.n', maxPolls), timedOut)
      .otherwise(bump);
    startPolling.next(wait).next(describe).next(status);
    createEndpoint.next(startPolling);

    // --- create or update ------------------------------------------------------------------------
    const update = (strategy: DeployStrategy | 'rollback') =>
      sagemakerTask(
        serverless ? 'UpdateEndpoint' : `UpdateEndpoint${strategy === 'rollback' ? 'Rollback' : strategy === 'all-at-once' ? 'AllAtOnce' : strategy[0]!.toUpperCase() + strategy.slice(1)}`,
        'updateEndpoint',
        updateEndpointRequest(model, at, strategy === 'rollback' ? 'all-at-once' : strategy, props.alarmNames, { rollback: strategy === 'rollback' }),
      ).next(startPolling);
    let updateEndpoint: sfn.IChainable;
    if (serverless) {
      updateEndpoint = update('all-at-once');
    } else {
      const chooseStrategy = new sfn.Choice(this, 'Strategy')
        .when(sfn.Condition.booleanEquals('$.plan.rollback', true), update('rollback'))
        .when(sfn.Condition.stringEquals('$.plan.strategy', 'canary'), update('canary'))
        .when(sfn.Condition.stringEquals('$.plan.strategy', 'linear'), update('linear'))
        .otherwise(update('all-at-once'));
      // SageMaker refuses to change the instance type of a scalable variant: deregister first
      // (the new fleet starts at the config's instance count; autoscaling returns after InService).
      const deregister = new tasks.CallAwsService(this, 'DeregisterScalableTarget', {
        service: 'applicationautoscaling',
        action: 'deregisterScalableTarget',
        parameters: deregisterScalableTargetRequest(at),
        iamResources: ['*'],
        iamAction: 'application-autoscaling:DeregisterScalableTarget',
        resultPath: sfn.JsonPath.DISCARD,
      });
      deregister.addRetry({ ...RETRY, errors: ['ApplicationAutoScaling.ConcurrentUpdateException', 'ApplicationAutoScaling.InternalServiceException'] });
      deregister.addCatch(chooseStrategy, { errors: ['ApplicationAutoScaling.ObjectNotFoundException'], resultPath: sfn.JsonPath.DISCARD });
      failure.catchInto(deregister);
      deregister.next(chooseStrategy);
      updateEndpoint = new sfn.Choice(this, 'InstanceTypeChanged').when(sfn.Condition.booleanEquals('$.plan.instanceTypeChanged', true), deregister).otherwise(chooseStrategy);
    }
    const exists = new sfn.Choice(this, 'EndpointExists').when(sfn.Condition.booleanEquals('$.plan.endpointExists', true), updateEndpoint).otherwise(createEndpoint);

    const definition = prepare.next(createModel).next(createConfig).next(exists);

    const stateMachineName = workflowName(props.stageName, model.name, 'deploy');
    this.logGroup = new logs.LogGroup(this, 'Logs', { logGroupName: stateMachineLogGroupName(stateMachineName), encryptionKey: props.key, retention: props.logRetention });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      queryLanguage: sfn.QueryLanguage.JSON_PATH,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      timeout: Duration.minutes(model.serving.deployment.timeoutMinutes + 30),
    });
    grantPublishToEncryptedTopic(props.topic, this.stateMachine);
    this.grant(props);
  }

  private arn(resource: 'model' | 'endpoint-config' | 'endpoint', name: string): string {
    const stack = Stack.of(this);
    return `arn:${stack.partition}:sagemaker:${stack.region}:${stack.account}:${resource}/${name}`;
  }

  /** Least privilege: this model's SageMaker names, PassRole of its execution role to SageMaker only. */
  private grant(props: DeployWorkflowProps): void {
    const stack = Stack.of(this);
    const role = this.stateMachine.role;
    const versions = `${props.endpointName}-v*`;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['sagemaker:CreateModel', 'sagemaker:CreateEndpointConfig', 'sagemaker:CreateEndpoint', 'sagemaker:UpdateEndpoint', 'sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig', 'sagemaker:AddTags'],
        resources: [this.arn('model', versions), this.arn('endpoint-config', versions), this.arn('endpoint', props.endpointName)],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [props.executionRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      }),
    );
    // SageMaker encrypts the endpoint's volume and captured data with the stage key on the caller's behalf.
    props.key.grant(role, 'kms:CreateGrant', 'kms:DescribeKey');
    for (const name of [versions]) {
      for (const resource of ['model', 'endpoint-config'] as const) {
        acknowledgeWildcardResource(role, this.arn(resource, name), `SageMaker models and endpoint configs are named per deployment (${name.replace('*', '<version>-<id>')}); the wildcard is limited to this model's endpoint.`);
      }
    }
    if (props.model.serving.target !== 'serverless') {
      // Application Auto Scaling: its scalable targets have generated ARNs, and the first
      // registration creates its service-linked role for SageMaker.
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['sagemaker:UpdateEndpointWeightsAndCapacities'],
          resources: [this.arn('endpoint', props.endpointName)],
        }),
      );
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'],
          resources: [`arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:TargetTracking-endpoint/${props.endpointName}/*`],
        }),
      );
      // RegisterScalableTarget with Tags is authorized as TagResource too
      // (https://docs.aws.amazon.com/autoscaling/application/userguide/resource-tagging-support.html#tag-resources-iam-permissions).
      // A scalable target's ARN is generated at registration, so no resource can be named.
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['application-autoscaling:TagResource'], resources: ['*'] }));
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['iam:CreateServiceLinkedRole'],
          resources: [`arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint`],
          conditions: { StringLike: { 'iam:AWSServiceName': 'sagemaker.application-autoscaling.amazonaws.com' } },
        }),
      );
      acknowledgeWildcardResource(role, `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:TargetTracking-endpoint/${props.endpointName}/*`, 'Target tracking names its alarms TargetTracking-<resource id>-<generated suffix>; the wildcard is limited to this endpoint.');
    }
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray, CloudWatch Logs delivery, and Application Auto Scaling (scalable targets have generated ids, and its Register/Put/Deregister calls support no resource-level permissions for SageMaker variants).',
    });
  }
}
