import type { Json } from '../../tools/local/intrinsics';
import type { AwsEnvironment } from '../support/physical-names';
import type { StageModel, StageResource } from '../support/stage-model';
import {
  alarmArn,
  ec2Arn,
  ecrRepositoryArn,
  eventRuleArn,
  executionArn,
  kmsKeyArn,
  logGroupActionArn,
  logStreamArn,
  sagemakerArn,
  scalableTargetArn,
  scheduleGroupArn,
} from './arns';
import type { EncryptionFacts } from './encryption';
import { parseS3Uri, s3BucketArn, s3ObjectArn, type Principal, type RequestSpec, type RolePrincipal, type RunTimeRequest } from './requests';
import { SAMPLE } from './sample-run';
import { iamAction, taskCallRequests } from './task-calls';
import type { WorkflowTask } from './workflows';

/*
 * The implied permissions: the requests that AWS makes, or checks, on top of the call a
 * template or a handler spells out. One row per rule, each with the documentation that states
 * it. Three kinds of rows:
 *   - task rules follow from a Step Functions task's integration and Parameters;
 *   - request rules follow from another request (encrypted data implies KMS);
 *   - stage rules follow from a resource's configuration (trust policies, alarm actions, event
 *     and schedule targets, a function's logs and traces).
 */

export interface RuleContext {
  readonly env: AwsEnvironment;
  readonly model: StageModel;
  readonly encryption: EncryptionFacts;
  /** Every task of every state machine of the stage. */
  readonly tasks: readonly WorkflowTask[];
  /** The role with this ARN. @throws when the stage has none */
  role(arn: string, where: string): RolePrincipal;
}

interface RuleBase {
  readonly id: string;
  /** What the documentation says, in one sentence. */
  readonly summary: string;
  readonly docs: readonly string[];
}

export interface TaskRule extends RuleBase {
  readonly kind: 'task';
  /** Requests made as the state machine's role unless a spec names another principal. */
  imply(task: WorkflowTask, context: RuleContext): RequestSpec[];
}

export interface RequestRule extends RuleBase {
  readonly kind: 'request';
  /** Requests made as the request's principal unless a spec names another. */
  imply(request: RunTimeRequest, context: RuleContext): RequestSpec[];
}

export interface StageRule extends RuleBase {
  readonly kind: 'stage';
  imply(context: RuleContext): RunTimeRequest[];
}

export type ImpliedRule = TaskRule | RequestRule | StageRule;

// --- helpers ---------------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const obj = (value: unknown): Obj => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const service = (id: string): Principal => ({ kind: 'service', id });

const isSageMaker = (task: WorkflowTask, ...apis: string[]) => task.integration.service === 'sagemaker' && apis.includes(task.integration.api);

/** The SageMaker job or model execution role a task passes. */
function passedRole(task: WorkflowTask, context: RuleContext): RolePrincipal | undefined {
  const arn = str(task.parameters.RoleArn) ?? str(task.parameters.ExecutionRoleArn);
  return arn === undefined ? undefined : context.role(arn, `${task.origin} RoleArn`);
}

/** The tasks of the same state machine as `task`. */
const siblings = (task: WorkflowTask, context: RuleContext) => context.tasks.filter((t) => t.machine === task.machine);

/** The CreateModel task of the machine whose model is `modelName`. */
function modelTask(task: WorkflowTask, context: RuleContext, modelName: unknown): WorkflowTask | undefined {
  return siblings(task, context).find((t) => isSageMaker(t, 'createModel') && t.parameters.ModelName === modelName);
}

/** The CreateEndpointConfig task of the machine whose config is `configName`. */
function endpointConfigTask(task: WorkflowTask, context: RuleContext, configName: unknown): WorkflowTask | undefined {
  return siblings(task, context).find((t) => isSageMaker(t, 'createEndpointConfig') && t.parameters.EndpointConfigName === configName);
}

/** The endpoint the machine creates or updates. */
function endpointOf(task: WorkflowTask, context: RuleContext): string | undefined {
  return siblings(task, context)
    .filter((t) => isSageMaker(t, 'createEndpoint', 'updateEndpoint'))
    .map((t) => str(t.parameters.EndpointName))
    .find((name) => name !== undefined);
}

/**
 * The aws:ResourceTag context of a call on an existing endpoint that the policy conditions on
 * its tags (DeleteEndpoint): the tags the machine's own CreateEndpoint put on it, in a run of
 * the same machine. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourcetag
 */
function resourceTagContext(task: WorkflowTask, context: RuleContext): { context?: Record<string, string> } {
  if (!isSageMaker(task, 'deleteEndpoint')) return {};
  const creator = siblings(task, context).find((t) => isSageMaker(t, 'createEndpoint') && t.parameters.EndpointName === task.parameters.EndpointName);
  if (!creator) throw new Error(`${task.origin}: deletes an endpoint its state machine never creates, so its tags are unknown`);
  const tags = list(creator.parameters.Tags).map(obj);
  return { context: Object.fromEntries(tags.map((tag) => [`aws:ResourceTag/${String(tag.Key)}`, String(tag.Value)])) };
}

/** The execution role of the model a (single-variant) endpoint config serves. */
function servingRole(task: WorkflowTask, context: RuleContext, config: WorkflowTask | undefined): RolePrincipal | undefined {
  const variant = obj(list(config?.parameters.ProductionVariants)[0]);
  const model = modelTask(task, context, variant.ModelName);
  return model && passedRole(model, context);
}

const partNames = { csv: 'part-00000.csv', jsonl: 'part-00000.jsonl' } as const;

/** An S3Prefix input: ListBucket on the prefix, GetObject of an object under it (or of the exact key). */
function prefixRead(uri: string, principal: RolePrincipal, partition: string): RequestSpec[] {
  const { bucket, key } = parseS3Uri(uri);
  const object = key === '' || key.endsWith('/') ? `${key}${partNames.csv}` : key;
  return [
    { principal, action: 's3:ListBucket', resource: s3BucketArn(bucket, partition), context: { 's3:prefix': key } },
    { principal, action: 's3:GetObject', resource: s3ObjectArn(bucket, object, partition) },
  ];
}

const objectRead = (uri: string, principal: RolePrincipal, partition: string): RequestSpec => {
  const { bucket, key } = parseS3Uri(uri);
  return { principal, action: 's3:GetObject', resource: s3ObjectArn(bucket, key, partition) };
};

const objectWrite = (uri: string, principal: RolePrincipal, partition: string, multipartUpload = false): RequestSpec => {
  const { bucket, key } = parseS3Uri(uri);
  return { principal, action: 's3:PutObject', resource: s3ObjectArn(bucket, key, partition), ...(multipartUpload ? { multipartUpload } : {}) };
};

const join = (prefix: string, name: string) => (prefix.endsWith('/') ? `${prefix}${name}` : `${prefix}/${name}`);

/** The SageMaker APIs whose jobs run as a passed role, with where the job logs. */
const JOB_LOGS: Readonly<Record<string, { group: string; metrics?: string; name: string }>> = {
  createTrainingJob: { group: '/aws/sagemaker/TrainingJobs', metrics: '/aws/sagemaker/TrainingJobs', name: 'TrainingJobName' },
  createProcessingJob: { group: '/aws/sagemaker/ProcessingJobs', metrics: '/aws/sagemaker/ProcessingJobs', name: 'ProcessingJobName' },
  createCompilationJob: { group: '/aws/sagemaker/CompilationJobs', name: 'CompilationJobName' },
};

const SYNC_JOBS: Readonly<Record<string, { type: string; name: string; rule: string; api: string }>> = {
  createTrainingJob: { type: 'training-job', name: 'TrainingJobName', rule: 'TrainingJobs', api: 'TrainingJob' },
  createProcessingJob: { type: 'processing-job', name: 'ProcessingJobName', rule: 'ProcessingJobs', api: 'ProcessingJob' },
  createTransformJob: { type: 'transform-job', name: 'TransformJobName', rule: 'TransformJobs', api: 'TransformJob' },
  createHyperParameterTuningJob: { type: 'hyper-parameter-tuning-job', name: 'HyperParameterTuningJobName', rule: 'TuningJobs', api: 'HyperParameterTuningJob' },
};

/** An epoch-seconds suffix like the one SageMaker gives log streams. */
const epoch = Math.floor(SAMPLE.now.getTime() / 1000);
const captureHour = SAMPLE.now.toISOString().slice(0, 13).replace(/[-T]/g, '/');

function vpcConfig(task: WorkflowTask): { subnets: string[]; securityGroups: string[] } | undefined {
  const config = obj(task.parameters.VpcConfig ?? obj(task.parameters.NetworkConfig).VpcConfig);
  const subnets = list(config.Subnets).map(String);
  return subnets.length === 0 ? undefined : { subnets, securityGroups: list(config.SecurityGroupIds).map(String) };
}

function functionLogGroup(model: StageModel, fn: StageResource): string {
  const configured = str(obj(model.properties(fn).LoggingConfig).LogGroup);
  return configured ?? `/aws/lambda/${model.ref(fn)}`;
}

/** The resources of the stage whose properties name `arn` in `field`. */
function users(model: StageModel, type: string, read: (props: Record<string, Json>) => unknown, arn: string): StageResource[] {
  return model.ofType(type).filter((resource) => list(read(model.properties(resource))).includes(arn));
}

/** What a target (of a rule or a schedule) is sent as: the action on the target ARN. */
function targetAction(arn: string): string | undefined {
  const service = arn.split(':')[2];
  return { lambda: 'lambda:InvokeFunction', states: 'states:StartExecution', sns: 'sns:Publish', sqs: 'sqs:SendMessage' }[service ?? ''];
}

const DOCS = {
  sfnSageMaker: 'https://docs.aws.amazon.com/step-functions/latest/dg/sagemaker-iam.html',
  sfnStates: 'https://docs.aws.amazon.com/step-functions/latest/dg/stepfunctions-iam.html',
  passRole: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html',
  sageMakerRoles: 'https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html',
  sageMakerApiPermissions: 'https://docs.aws.amazon.com/sagemaker/latest/dg/api-permissions-reference.html',
  serviceAuthorization: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html',
} as const;

// --- the table -------------------------------------------------------------------------------

export const IMPLIED_PERMISSIONS: readonly ImpliedRule[] = [
  {
    kind: 'task',
    id: 'task-call',
    summary: "A task's own call is authorized on every resource type the Service Authorization Reference marks required (UpdateEndpoint: the endpoint and the endpoint config).",
    docs: [DOCS.serviceAuthorization, 'https://docs.aws.amazon.com/step-functions/latest/dg/service-integration-iam-templates.html'],
    imply: (task, context) => taskCallRequests(task, context.env).map((request) => ({ ...request, ...resourceTagContext(task, context) })),
  },
  {
    kind: 'task',
    id: 'sagemaker-delete-scaled-endpoint',
    summary: 'DeleteEndpoint of an endpoint whose variant is a scalable target makes Application Auto Scaling deregister it, which needs application-autoscaling:DeregisterScalableTarget by the caller.',
    docs: ['https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-delete-with-scaling.html'],
    imply: (task, context) => {
      if (!isSageMaker(task, 'deleteEndpoint')) return [];
      // Only the machines that register autoscaling leave a scalable target behind.
      return siblings(task, context)
        .filter((t) => iamAction(t) === 'application-autoscaling:RegisterScalableTarget')
        .map((t) => ({ action: 'application-autoscaling:DeregisterScalableTarget', resource: scalableTargetArn(context.env, String(t.parameters.ResourceId)) }));
    },
  },
  {
    kind: 'task',
    id: 'sagemaker-pass-role',
    summary: 'A SageMaker call with RoleArn/ExecutionRoleArn needs iam:PassRole on that role, with iam:PassedToService sagemaker.amazonaws.com.',
    docs: [DOCS.sfnSageMaker, DOCS.passRole],
    imply: (task) => {
      const arn = task.integration.service === 'sagemaker' ? (str(task.parameters.RoleArn) ?? str(task.parameters.ExecutionRoleArn)) : undefined;
      return arn === undefined ? [] : [{ action: 'iam:PassRole', resource: arn, context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } }];
    },
  },
  {
    kind: 'task',
    id: 'sagemaker-add-tags',
    summary: 'A SageMaker Create* call with Tags also needs sagemaker:AddTags on the resource it creates.',
    docs: [DOCS.sfnSageMaker, 'https://docs.aws.amazon.com/sagemaker/latest/dg/security_iam_id-based-policy-examples.html'],
    imply: (task, context) => {
      if (task.integration.service !== 'sagemaker' || !task.integration.api.startsWith('create') || list(task.parameters.Tags).length === 0) return [];
      const created = taskCallRequests(task, context.env)[0];
      return created ? [{ action: 'sagemaker:AddTags', resource: created.resource }] : [];
    },
  },
  {
    kind: 'task',
    id: 'sagemaker-sync-job',
    summary: 'A .sync SageMaker job task polls and can stop the job (Describe*/Stop*) and follows it through the managed rule StepFunctionsGetEventsForSageMaker<Kind>Rule (events:PutTargets, PutRule, DescribeRule).',
    docs: [DOCS.sfnSageMaker],
    imply: (task, context) => {
      const job = SYNC_JOBS[task.integration.api];
      if (task.integration.service !== 'sagemaker' || task.integration.pattern !== 'sync' || !job) return [];
      const jobArn = sagemakerArn(context.env, job.type, String(task.parameters[job.name]));
      const rule = eventRuleArn(context.env, `StepFunctionsGetEventsForSageMaker${job.rule}Rule`);
      return [
        { action: `sagemaker:Describe${job.api}`, resource: jobArn },
        { action: `sagemaker:Stop${job.api}`, resource: jobArn },
        ...['events:PutTargets', 'events:PutRule', 'events:DescribeRule'].map((action) => ({ action, resource: rule })),
      ];
    },
  },
  {
    kind: 'task',
    id: 'states-sync-execution',
    summary: 'A .sync StartExecution task describes and can stop the child execution, through the managed rule StepFunctionsGetEventsForStepFunctionsExecutionRule.',
    docs: [DOCS.sfnStates],
    imply: (task, context) => {
      if (task.integration.service !== 'states' || task.integration.api !== 'startExecution' || task.integration.pattern !== 'sync') return [];
      const execution = executionArn(String(task.parameters.StateMachineArn), SAMPLE.executionName);
      const rule = eventRuleArn(context.env, 'StepFunctionsGetEventsForStepFunctionsExecutionRule');
      return [
        { action: 'states:DescribeExecution', resource: execution },
        { action: 'states:StopExecution', resource: execution },
        ...['events:PutTargets', 'events:PutRule', 'events:DescribeRule'].map((action) => ({ action, resource: rule })),
      ];
    },
  },
  {
    kind: 'task',
    id: 'autoscaling-tag-on-register',
    summary: 'RegisterScalableTarget with Tags needs application-autoscaling:TagResource on the scalable target.',
    docs: ['https://docs.aws.amazon.com/autoscaling/application/userguide/resource-tagging-support.html', 'https://docs.aws.amazon.com/autoscaling/application/userguide/security_iam_service-with-iam.html'],
    imply: (task, context) =>
      iamAction(task) === 'application-autoscaling:RegisterScalableTarget' && Object.keys(obj(task.parameters.Tags)).length > 0
        ? [{ action: 'application-autoscaling:TagResource', resource: scalableTargetArn(context.env, String(task.parameters.ResourceId)) }]
        : [],
  },
  {
    kind: 'task',
    id: 'autoscaling-service-linked-role',
    summary: "The first RegisterScalableTarget creates Application Auto Scaling's service-linked role for the namespace: the caller needs iam:CreateServiceLinkedRole.",
    docs: ['https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-service-linked-roles.html'],
    imply: (task, context) =>
      iamAction(task) === 'application-autoscaling:RegisterScalableTarget' && task.parameters.ServiceNamespace === 'sagemaker'
        ? [
            {
              action: 'iam:CreateServiceLinkedRole',
              resource: `arn:${context.env.partition}:iam::${context.env.account}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint`,
              context: { 'iam:AWSServiceName': 'sagemaker.application-autoscaling.amazonaws.com' },
            },
          ]
        : [],
  },
  {
    kind: 'task',
    id: 'autoscaling-sagemaker-variant',
    summary: 'Registering a SageMaker variant as a scalable target needs sagemaker:DescribeEndpoint and sagemaker:UpdateEndpointWeightsAndCapacities on its endpoint.',
    docs: ['https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-prerequisites.html'],
    imply: (task, context) => {
      const endpoint = /^endpoint\/([^/]+)\/variant\//.exec(String(task.parameters.ResourceId ?? ''))?.[1];
      if (iamAction(task) !== 'application-autoscaling:RegisterScalableTarget' || endpoint === undefined) return [];
      const arn = sagemakerArn(context.env, 'endpoint', endpoint);
      return [
        { action: 'sagemaker:DescribeEndpoint', resource: arn },
        { action: 'sagemaker:UpdateEndpointWeightsAndCapacities', resource: arn },
      ];
    },
  },
  {
    kind: 'task',
    id: 'autoscaling-target-tracking-alarms',
    summary: 'A target tracking policy creates and deletes its CloudWatch alarms (TargetTracking-<resource id>-AlarmHigh/Low-<uuid>) as the caller: PutScalingPolicy needs PutMetricAlarm and DescribeAlarms, DeregisterScalableTarget DescribeAlarms and DeleteAlarms.',
    docs: ['https://docs.aws.amazon.com/autoscaling/application/userguide/security_iam_id-based-policy-examples.html', 'https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-prerequisites.html'],
    imply: (task, context) => {
      const action = iamAction(task);
      const resourceId = String(task.parameters.ResourceId ?? '');
      const alarms = ['AlarmHigh-6f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f', 'AlarmLow-0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d'].map((s) => alarmArn(context.env, `TargetTracking-${resourceId}-${s}`));
      if (action === 'application-autoscaling:PutScalingPolicy' && task.parameters.PolicyType === 'TargetTrackingScaling') {
        return alarms.flatMap((resource) => [{ action: 'cloudwatch:PutMetricAlarm', resource }, { action: 'cloudwatch:DescribeAlarms', resource }]);
      }
      if (action === 'application-autoscaling:DeregisterScalableTarget') {
        return alarms.flatMap((resource) => [{ action: 'cloudwatch:DescribeAlarms', resource }, { action: 'cloudwatch:DeleteAlarms', resource }]);
      }
      return [];
    },
  },
  {
    kind: 'task',
    id: 'sagemaker-endpoint-kms-grant',
    summary: "CreateEndpoint/UpdateEndpoint with an endpoint config that has a KmsKeyId need kms:CreateGrant on that key by the caller: the key policy must allow the role that calls CreateEndpoint and UpdateEndpoint.",
    docs: ['https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html', DOCS.sageMakerApiPermissions],
    imply: (task, context) => {
      if (!isSageMaker(task, 'createEndpoint', 'updateEndpoint')) return [];
      const key = str(endpointConfigTask(task, context, task.parameters.EndpointConfigName)?.parameters.KmsKeyId);
      const keyArn = key && kmsKeyArn(context.env, key);
      return keyArn ? [{ action: 'kms:CreateGrant', resource: keyArn, context: { 'kms:ViaService': `sagemaker.${context.env.region}.amazonaws.com`, 'kms:GrantIsForAWSResource': 'true' } }] : [];
    },
  },
  {
    kind: 'task',
    id: 'sagemaker-auto-rollback-alarms',
    summary: "Deployment guardrails read the auto-rollback alarms as the endpoint's execution role: it needs cloudwatch:DescribeAlarms on each alarm named in AutoRollbackConfiguration.",
    docs: ['https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-configuration.html'],
    imply: (task, context) => {
      if (!isSageMaker(task, 'updateEndpoint', 'createEndpoint')) return [];
      const alarms = list(obj(obj(task.parameters.DeploymentConfig).AutoRollbackConfiguration).Alarms).map((a) => String(obj(a).AlarmName));
      if (alarms.length === 0) return [];
      const role = servingRole(task, context, endpointConfigTask(task, context, task.parameters.EndpointConfigName));
      if (!role) throw new Error(`${task.origin}: cannot tell the execution role of the model behind ${String(task.parameters.EndpointConfigName)}`);
      return alarms.map((name) => ({ principal: role, action: 'cloudwatch:DescribeAlarms', resource: alarmArn(context.env, name) }));
    },
  },
  {
    kind: 'task',
    id: 'sagemaker-job-inputs',
    summary: "A job reads its inputs as its execution role: an S3Prefix channel needs s3:ListBucket on the bucket (with the prefix) and s3:GetObject on the objects; a model reads its ModelDataUrl, a compilation job its model artifact.",
    docs: [DOCS.sageMakerRoles],
    imply: (task, context) => {
      const role = passedRole(task, context);
      if (!role) return [];
      const { partition } = context.env;
      const p = task.parameters;
      const sources: Array<{ uri: unknown; type: unknown }> = [
        ...list(p.InputDataConfig).map((c) => obj(obj(obj(c).DataSource).S3DataSource)).map((s) => ({ uri: s.S3Uri, type: s.S3DataType })),
        ...list(p.ProcessingInputs).map((i) => obj(obj(i).S3Input)).map((s) => ({ uri: s.S3Uri, type: s.S3DataType })),
      ];
      const reads = sources.flatMap(({ uri, type }) => {
        if (typeof uri !== 'string') return [];
        return type === 'S3Prefix' ? prefixRead(uri, role, partition) : [objectRead(uri, role, partition)];
      });
      for (const uri of [obj(p.InputConfig).S3Uri, obj(p.PrimaryContainer).ModelDataUrl]) if (typeof uri === 'string') reads.push(objectRead(uri, role, partition));
      return reads;
    },
  },
  {
    kind: 'task',
    id: 'sagemaker-job-outputs',
    summary: 'A job writes its outputs as its execution role (s3:PutObject): training artifacts and checkpoints (checkpoints are also listed and read back on resume), processing outputs, compiled models; an endpoint writes captured data as the execution role of its model.',
    docs: [DOCS.sageMakerRoles, 'https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture.html'],
    imply: (task, context) => {
      const { partition } = context.env;
      const p = task.parameters;
      if (isSageMaker(task, 'createEndpointConfig')) {
        const destination = str(obj(p.DataCaptureConfig).DestinationS3Uri);
        const role = servingRole(task, context, task);
        const endpoint = endpointOf(task, context);
        if (!destination || !role || !endpoint) return [];
        const variant = String(obj(list(p.ProductionVariants)[0]).VariantName);
        return [objectWrite(join(destination, `${endpoint}/${variant}/${captureHour}/20-00-000-${SAMPLE.uuid}.jsonl`), role, partition)];
      }
      const role = passedRole(task, context);
      if (!role) return [];
      const writes: RequestSpec[] = [];
      const trainingOutput = str(obj(p.OutputDataConfig).S3OutputPath);
      // model.tar.gz from /opt/ml/model, output.tar.gz from /opt/ml/output/data (the evaluation report).
      if (trainingOutput) for (const file of ['model.tar.gz', 'output.tar.gz']) writes.push(objectWrite(join(trainingOutput, `${String(p.TrainingJobName)}/output/${file}`), role, partition, true));
      const checkpoints = str(obj(p.CheckpointConfig).S3Uri);
      if (checkpoints) {
        // Spot training uploads checkpoints as it goes, and lists and reads them back on resume.
        const checkpoint = join(checkpoints, 'checkpoint-epoch-3.pt');
        writes.push(objectWrite(checkpoint, role, partition, true), objectRead(checkpoint, role, partition), prefixRead(checkpoints, role, partition)[0]!);
      }
      for (const output of list(obj(p.ProcessingOutputConfig).Outputs)) {
        const uri = str(obj(obj(output).S3Output).S3Uri);
        if (uri) writes.push(objectWrite(join(uri, partNames.csv), role, partition));
      }
      const compiled = str(obj(p.OutputConfig).S3OutputLocation);
      if (compiled) writes.push(objectWrite(join(compiled, `model-${String(obj(p.OutputConfig).TargetDevice)}.tar.gz`), role, partition, true));
      return writes;
    },
  },
  {
    kind: 'task',
    id: 'sagemaker-output-kms',
    summary: "With a KmsKeyId for outputs (OutputDataConfig, ProcessingOutputConfig, a compilation's OutputConfig, DataCaptureConfig), SageMaker encrypts them with that key as the execution role: kms:Encrypt, and kms:GenerateDataKey through S3 for the output bucket.",
    docs: ['https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OutputDataConfig.html', 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DataCaptureConfig.html'],
    imply: (task, context) => {
      const p = task.parameters;
      const outputs: Array<[key: unknown, uri: unknown]> = [
        [obj(p.OutputDataConfig).KmsKeyId, obj(p.OutputDataConfig).S3OutputPath],
        [obj(p.ProcessingOutputConfig).KmsKeyId, obj(obj(list(obj(p.ProcessingOutputConfig).Outputs)[0]).S3Output).S3Uri],
        [obj(p.OutputConfig).KmsKeyId, obj(p.OutputConfig).S3OutputLocation],
        [obj(p.DataCaptureConfig).KmsKeyId, obj(p.DataCaptureConfig).DestinationS3Uri],
      ];
      const role = isSageMaker(task, 'createEndpointConfig') ? servingRole(task, context, task) : passedRole(task, context);
      if (!role) return [];
      return outputs.flatMap(([key, uri]) => {
        const keyArn = typeof key === 'string' ? kmsKeyArn(context.env, key) : undefined;
        if (!keyArn || typeof uri !== 'string') return [];
        const bucket = parseS3Uri(uri).bucket;
        // S3 Bucket Keys make the bucket's ARN the encryption context (the lake's buckets have them).
        const encryptionContext = context.encryption.bucket(bucket)?.bucketKey === false ? {} : { 'kms:EncryptionContext:aws:s3:arn': s3BucketArn(bucket, context.env.partition) };
        return [
          { principal: role, action: 'kms:Encrypt', resource: keyArn },
          { principal: role, action: 'kms:GenerateDataKey', resource: keyArn, context: { 'kms:ViaService': `s3.${context.env.region}.amazonaws.com`, ...encryptionContext } },
        ];
      });
    },
  },
  {
    kind: 'task',
    id: 'sagemaker-volume-kms',
    summary: 'A VolumeKmsKeyId on a training or processing job needs kms:CreateGrant on the key, by the caller unless the job role has it (checked here on the job role).',
    docs: [DOCS.sageMakerApiPermissions],
    imply: (task, context) => {
      const p = task.parameters;
      const key = str(obj(p.ResourceConfig).VolumeKmsKeyId) ?? str(obj(obj(p.ProcessingResources).ClusterConfig).VolumeKmsKeyId);
      const keyArn = key && kmsKeyArn(context.env, key);
      const role = passedRole(task, context);
      return keyArn && role ? [{ principal: role, action: 'kms:CreateGrant', resource: keyArn, context: { 'kms:GrantIsForAWSResource': 'true' } }] : [];
    },
  },
  {
    kind: 'task',
    id: 'sagemaker-images',
    summary: 'SageMaker pulls the job or model image as the execution role: ecr:GetAuthorizationToken, and ecr:BatchGetImage, GetDownloadUrlForLayer, BatchCheckLayerAvailability on the repository.',
    docs: [DOCS.sageMakerRoles],
    imply: (task, context) => {
      const role = passedRole(task, context);
      const p = task.parameters;
      const image = str(obj(p.AlgorithmSpecification).TrainingImage) ?? str(obj(p.AppSpecification).ImageUri) ?? str(obj(p.PrimaryContainer).Image);
      const repository = image && ecrRepositoryArn(image);
      if (!role || !repository) return [];
      return [
        { principal: role, action: 'ecr:GetAuthorizationToken', resource: '*' },
        ...['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'].map((action) => ({ principal: role, action, resource: repository })),
      ];
    },
  },
  {
    kind: 'task',
    id: 'sagemaker-logs-metrics',
    summary: 'Jobs and endpoints log to /aws/sagemaker/<kind> and publish metrics as the execution role: logs:CreateLogGroup, CreateLogStream, PutLogEvents, DescribeLogStreams, cloudwatch:PutMetricData in the /aws/sagemaker/ namespace.',
    docs: [DOCS.sageMakerRoles],
    imply: (task, context) => {
      const role = passedRole(task, context);
      if (!role || task.integration.service !== 'sagemaker') return [];
      const job = JOB_LOGS[task.integration.api];
      const endpoint = task.integration.api === 'createModel' ? endpointOf(task, context) : undefined;
      const target = job ? { group: job.group, stream: `${String(task.parameters[job.name])}/algo-1-${epoch}`, metrics: job.metrics } : endpoint ? { group: `/aws/sagemaker/Endpoints/${endpoint}`, stream: `primary/i-0a1b2c3d4e5f60718`, metrics: '/aws/sagemaker/Endpoints' } : undefined;
      if (!target) return [];
      const group = logGroupActionArn(context.env, target.group);
      return [
        { principal: role, action: 'logs:CreateLogGroup', resource: group },
        { principal: role, action: 'logs:DescribeLogStreams', resource: group },
        { principal: role, action: 'logs:CreateLogStream', resource: logStreamArn(context.env, target.group, target.stream) },
        { principal: role, action: 'logs:PutLogEvents', resource: logStreamArn(context.env, target.group, target.stream) },
        ...(target.metrics ? [{ principal: role, action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': target.metrics } }] : []),
      ];
    },
  },
  {
    kind: 'task',
    id: 'sagemaker-vpc',
    summary: 'A job or model in a VPC gets network interfaces created as its execution role: ec2:CreateNetworkInterface (in the subnets, with the security groups) and the ENI Describe/Delete/Permission actions.',
    docs: [DOCS.sageMakerRoles, 'https://docs.aws.amazon.com/sagemaker/latest/dg/train-vpc.html'],
    imply: (task, context) => {
      const role = passedRole(task, context);
      const vpc = vpcConfig(task);
      if (!role || !vpc) return [];
      const eni = ec2Arn(context.env, 'network-interface', 'eni-0a1b2c3d4e5f60718');
      return [
        ...[eni, ...vpc.subnets.map((id) => ec2Arn(context.env, 'subnet', id)), ...vpc.securityGroups.map((id) => ec2Arn(context.env, 'security-group', id))].map((resource) => ({ principal: role, action: 'ec2:CreateNetworkInterface', resource })),
        ...['ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission'].map((action) => ({ principal: role, action, resource: eni })),
        ...['ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs', 'ec2:DescribeDhcpOptions', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups'].map((action) => ({ principal: role, action, resource: '*' })),
      ];
    },
  },

  // --- requests that imply requests ---------------------------------------------------------
  {
    kind: 'request',
    id: 'sns-encrypted-topic',
    summary: 'Publishing to a topic encrypted with a customer managed key needs kms:GenerateDataKey and kms:Decrypt on the key, allowed by the identity policy and the key policy (encryption context aws:sns:topicArn).',
    docs: ['https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html'],
    imply: (request, context) => {
      const keyArn = request.action === 'sns:Publish' ? context.encryption.topic(request.resource) : undefined;
      if (!keyArn) return [];
      const kmsContext = { 'kms:ViaService': `sns.${context.env.region}.amazonaws.com`, 'kms:EncryptionContext:aws:sns:topicArn': request.resource };
      return ['kms:GenerateDataKey', 'kms:Decrypt'].map((action) => ({ action, resource: keyArn, context: kmsContext }));
    },
  },
  {
    kind: 'request',
    id: 's3-sse-kms',
    summary: 'An object in an SSE-KMS bucket is read with kms:Decrypt and written with kms:GenerateDataKey (a multipart upload needs kms:Decrypt too), through S3; with S3 Bucket Keys the encryption context is the bucket ARN.',
    docs: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html', 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html'],
    imply: (request, context) => {
      const match = /^arn:[\w-]+:s3:::([^/]+)\/(.+)$/.exec(request.resource);
      const encryption = match && context.encryption.bucket(match[1]!);
      if (!encryption || !['s3:GetObject', 's3:PutObject'].includes(request.action) || request.metadataOnly) return [];
      const kmsContext = {
        'kms:ViaService': `s3.${context.env.region}.amazonaws.com`,
        'kms:EncryptionContext:aws:s3:arn': encryption.bucketKey ? s3BucketArn(match[1]!, context.env.partition) : request.resource,
      };
      const actions = request.action === 's3:GetObject' ? ['kms:Decrypt'] : request.multipartUpload ? ['kms:GenerateDataKey', 'kms:Decrypt'] : ['kms:GenerateDataKey'];
      return actions.map((action) => ({ action, resource: encryption.keyArn, context: kmsContext }));
    },
  },
  {
    kind: 'request',
    id: 'dynamodb-sse-kms',
    summary: 'A table encrypted with a customer managed key is read with kms:Decrypt and written with kms:Decrypt and kms:GenerateDataKey, through DynamoDB, by the caller.',
    docs: ['https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html'],
    imply: (request, context) => {
      const table = request.action.startsWith('dynamodb:') ? context.encryption.table(request.resource) : undefined;
      if (!table) return [];
      const write = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'].includes(request.action);
      const kmsContext = { 'kms:ViaService': `dynamodb.${context.env.region}.amazonaws.com`, 'kms:EncryptionContext:aws:dynamodb:tableName': table.tableArn.split('/')[1]! };
      return (write ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt']).map((action) => ({ action, resource: table.keyArn, context: kmsContext }));
    },
  },
  // --- what the stage's resources make their principals do ------------------------------------
  {
    kind: 'stage',
    id: 'logs-encrypted-group',
    summary: 'CloudWatch Logs encrypts the events of a KMS-encrypted log group as logs.<region>.amazonaws.com: the key policy must allow it kms:GenerateDataKey and kms:Decrypt for that log group (encryption context aws:logs:arn).',
    docs: ['https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html'],
    imply: (context) =>
      context.model.ofType('AWS::Logs::LogGroup').flatMap((group) => {
        const keyArn = context.encryption.logGroup(context.model.arn(group))?.keyArn;
        if (!keyArn) return [];
        const principal = service(`logs.${context.env.region}.amazonaws.com`);
        const encryptionContext = { 'kms:EncryptionContext:aws:logs:arn': context.model.arn(group).replace(/:\*$/, '') };
        return ['kms:GenerateDataKey', 'kms:Decrypt'].map((action) => ({ principal, action, resource: keyArn, context: encryptionContext, origin: context.model.describe(group), rule: 'logs-encrypted-group' }));
      }),
  },
  {
    kind: 'stage',
    id: 'lambda-logs',
    summary: "A function writes its logs as its execution role: logs:CreateLogStream and logs:PutLogEvents in its log group.",
    docs: ['https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html'],
    imply: (context) =>
      context.model.ofType('AWS::Lambda::Function').flatMap((fn) => {
        const principal = context.role(String(context.model.properties(fn).Role), context.model.describe(fn));
        const stream = logStreamArn(context.env, functionLogGroup(context.model, fn), `2026/01/15/[$LATEST]0a1b2c3d4e5f60718293a4b5c6d7e8f9`);
        return ['logs:CreateLogStream', 'logs:PutLogEvents'].map((action) => ({ principal, action, resource: stream, origin: context.model.describe(fn), rule: 'lambda-logs' }));
      }),
  },
  {
    kind: 'stage',
    id: 'lambda-xray',
    summary: 'Active tracing sends traces as the execution role: xray:PutTraceSegments and xray:PutTelemetryRecords.',
    docs: ['https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html'],
    imply: (context) =>
      context.model.ofType('AWS::Lambda::Function').flatMap((fn) => {
        const props = context.model.properties(fn);
        if (obj(props.TracingConfig).Mode !== 'Active') return [];
        const principal = context.role(String(props.Role), context.model.describe(fn));
        return ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'].map((action) => ({ principal, action, resource: '*', origin: context.model.describe(fn), rule: 'lambda-xray' }));
      }),
  },
  {
    kind: 'stage',
    id: 'states-xray-and-logs',
    summary: 'A state machine with tracing sends traces (xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets) and one with logging manages its log delivery (logs:*LogDelivery, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) as its role.',
    docs: ['https://docs.aws.amazon.com/step-functions/latest/dg/xray-iam.html', 'https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html'],
    imply: (context) =>
      context.model.ofType('AWS::StepFunctions::StateMachine').flatMap((machine) => {
        const props = context.model.properties(machine);
        const principal = context.role(String(props.RoleArn), context.model.describe(machine));
        const origin = context.model.describe(machine);
        const actions = [
          ...(obj(props.TracingConfiguration).Enabled === true ? ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'] : []),
          ...(list(obj(props.LoggingConfiguration).Destinations).length > 0
            ? ['logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery', 'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups']
            : []),
        ];
        return actions.map((action) => ({ principal, action, resource: '*', origin, rule: 'states-xray-and-logs' }));
      }),
  },
  {
    kind: 'stage',
    id: 'trust',
    summary: "A service assumes a role with sts:AssumeRole, carrying aws:SourceAccount and aws:SourceArn of the resource it acts for; the trust policy must allow it.",
    docs: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html', 'https://docs.aws.amazon.com/sagemaker/latest/dg/security-confused-deputy-prevention.html'],
    imply: (context) => trustRequests(context, context.env.account),
  },
  {
    kind: 'stage',
    id: 'trust-confused-deputy',
    summary: "A SageMaker execution role must refuse sts:AssumeRole when SageMaker acts for another account (aws:SourceAccount), or any account's SageMaker could run jobs as it.",
    docs: ['https://docs.aws.amazon.com/sagemaker/latest/dg/security-confused-deputy-prevention.html'],
    imply: (context) =>
      trustRequests(context, '999999999999')
        .filter((request) => request.principal.id === 'sagemaker.amazonaws.com')
        .map((request) => ({ ...request, expect: 'deny' as const, rule: 'trust-confused-deputy' })),
  },
  {
    kind: 'stage',
    id: 'alarm-actions',
    summary: "An alarm's SNS actions are published by cloudwatch.amazonaws.com for the alarm (aws:SourceArn): the topic policy must allow it.",
    docs: ['https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger', 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html'],
    imply: (context) =>
      context.model.ofType('AWS::CloudWatch::Alarm').flatMap((alarm) => {
        const props = context.model.properties(alarm);
        const topics = new Set([...list(props.AlarmActions), ...list(props.OKActions), ...list(props.InsufficientDataActions)].map(String).filter((arn) => arn.includes(':sns:')));
        return [...topics].map((topic) => ({
          principal: service('cloudwatch.amazonaws.com'),
          action: 'sns:Publish',
          resource: topic,
          context: { 'aws:SourceArn': context.model.arn(alarm), 'aws:SourceAccount': context.env.account },
          origin: context.model.describe(alarm),
          rule: 'alarm-actions',
        }));
      }),
  },
  {
    kind: 'stage',
    id: 'event-targets',
    summary: 'A rule target with a role is sent as that role (states:StartExecution, lambda:InvokeFunction, …); one without is sent by events.amazonaws.com for the rule, and the target\'s resource policy must allow it.',
    docs: ['https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html', 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html'],
    imply: (context) =>
      context.model.ofType('AWS::Events::Rule').flatMap((rule) => {
        const ruleArn = context.model.arn(rule);
        return list(context.model.properties(rule).Targets).flatMap((target) => {
          const arn = String(obj(target).Arn);
          const action = targetAction(arn);
          if (!action) throw new Error(`${context.model.describe(rule)}: no action known for target ${arn}; add it to targetAction`);
          const roleArn = str(obj(target).RoleArn);
          const principal = roleArn ? context.role(roleArn, context.model.describe(rule)) : service('events.amazonaws.com');
          return [{ principal, action, resource: arn, context: { 'aws:SourceArn': ruleArn, 'aws:SourceAccount': context.env.account }, origin: context.model.describe(rule), rule: 'event-targets' }];
        });
      }),
  },
  {
    kind: 'stage',
    id: 'schedule-targets',
    summary: "EventBridge Scheduler sends a schedule's target as the schedule's execution role.",
    docs: ['https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html'],
    imply: (context) =>
      context.model.ofType('AWS::Scheduler::Schedule').flatMap((schedule) => {
        const target = obj(context.model.properties(schedule).Target);
        const action = targetAction(String(target.Arn));
        if (!action) throw new Error(`${context.model.describe(schedule)}: no action known for target ${String(target.Arn)}`);
        const principal = context.role(String(target.RoleArn), context.model.describe(schedule));
        return [{ principal, action, resource: String(target.Arn), origin: context.model.describe(schedule), rule: 'schedule-targets' }];
      }),
  },
  {
    kind: 'stage',
    id: 'cost-notifications',
    summary: 'AWS Budgets (budgets.amazonaws.com) and Cost Anomaly Detection (costalerts.amazonaws.com) publish to their SNS subscribers as themselves: the topic policy must allow them.',
    docs: ['https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html', 'https://docs.aws.amazon.com/cost-management/latest/userguide/ad-SNS.html'],
    imply: (context) => {
      const publish = (principal: string, topic: string, sourceArn: string, origin: string): RunTimeRequest => ({
        principal: service(principal),
        action: 'sns:Publish',
        resource: topic,
        context: { 'aws:SourceAccount': context.env.account, 'aws:SourceArn': sourceArn },
        origin,
        rule: 'cost-notifications',
      });
      const budgets = context.model.ofType('AWS::Budgets::Budget').flatMap((budget) => {
        const props = context.model.properties(budget);
        const arn = `arn:${context.env.partition}:budgets::${context.env.account}:budget/${String(obj(props.Budget).BudgetName)}`;
        const topics = new Set(list(props.NotificationsWithSubscribers).flatMap((n) => list(obj(n).Subscribers)).filter((s) => obj(s).SubscriptionType === 'SNS').map((s) => String(obj(s).Address)));
        return [...topics].map((topic) => publish('budgets.amazonaws.com', topic, arn, context.model.describe(budget)));
      });
      const anomalies = context.model.ofType('AWS::CE::AnomalySubscription').flatMap((subscription) =>
        list(context.model.properties(subscription).Subscribers)
          .filter((s) => obj(s).Type === 'SNS')
          .map((s) => publish('costalerts.amazonaws.com', String(obj(s).Address), context.model.arn(subscription), context.model.describe(subscription))),
      );
      return [...budgets, ...anomalies];
    },
  },
  {
    kind: 'stage',
    id: 'flow-logs',
    summary: 'VPC Flow Logs deliver to CloudWatch Logs as the flow log\'s role: logs:CreateLogStream, PutLogEvents, DescribeLogStreams on its log group.',
    docs: ['https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html'],
    imply: (context) =>
      context.model.ofType('AWS::EC2::FlowLog').flatMap((flowLog) => {
        const props = context.model.properties(flowLog);
        if (props.LogDestinationType !== 'cloud-watch-logs' || typeof props.LogGroupName !== 'string') return [];
        const principal = context.role(String(props.DeliverLogsPermissionArn), context.model.describe(flowLog));
        const group = logGroupActionArn(context.env, props.LogGroupName);
        const stream = logStreamArn(context.env, props.LogGroupName, 'eni-0a1b2c3d4e5f60718-all');
        return [
          { principal, action: 'logs:DescribeLogStreams', resource: group, origin: context.model.describe(flowLog), rule: 'flow-logs' },
          { principal, action: 'logs:CreateLogStream', resource: stream, origin: context.model.describe(flowLog), rule: 'flow-logs' },
          { principal, action: 'logs:PutLogEvents', resource: stream, origin: context.model.describe(flowLog), rule: 'flow-logs' },
        ];
      }),
  },
];

/**
 * sts:AssumeRole of every trusted service of every role, for the resources that use the role,
 * as if the service acted for `sourceAccount` (the stage's account, or another one).
 */
function trustRequests(context: RuleContext, sourceAccount: string): RunTimeRequest[] {
  const { model, env } = context;
  const inAccount = (arn: string) => arn.replace(`:${env.account}:`, `:${sourceAccount}:`);
  const requests: RunTimeRequest[] = [];
  const roles = model.ofType('AWS::IAM::Role');
  for (const role of roles) {
    const principal = context.role(model.arn(role), model.describe(role));
    const trust = model.properties(role).AssumeRolePolicyDocument as { Statement?: unknown };
    const services = list(trust.Statement).flatMap((s) => list(obj(obj(s).Principal).Service)).map(String);
    for (const trusted of services) {
      for (const source of sourceArns(context, trusted, principal.arn)) {
        requests.push({
          principal: service(trusted),
          action: 'sts:AssumeRole',
          resource: principal.arn,
          context: { 'aws:SourceAccount': sourceAccount, 'aws:SourceArn': inAccount(source.arn) },
          origin: `${trusted} for ${source.origin}`,
          rule: 'trust',
        });
      }
    }
  }
  return requests;
}

/** The resources `trusted` assumes `roleArn` for, with their ARNs (aws:SourceArn). */
function sourceArns(context: RuleContext, trusted: string, roleArn: string): Array<{ arn: string; origin: string }> {
  const { model, env } = context;
  const of = (resources: StageResource[], arn: (r: StageResource) => string = (r) => model.arn(r)) => resources.map((r) => ({ arn: arn(r), origin: model.describe(r) }));
  switch (trusted) {
    case 'lambda.amazonaws.com':
      return of(users(model, 'AWS::Lambda::Function', (p) => p.Role, roleArn));
    case 'states.amazonaws.com':
      return of(users(model, 'AWS::StepFunctions::StateMachine', (p) => p.RoleArn, roleArn));
    case 'events.amazonaws.com':
      return of(users(model, 'AWS::Events::Rule', (p) => list(p.Targets).map((t) => obj(t).RoleArn), roleArn));
    case 'scheduler.amazonaws.com':
      // Scheduler assumes the role for the schedule group, as its documented trust policy conditions.
      return of(users(model, 'AWS::Scheduler::Schedule', (p) => obj(p.Target).RoleArn, roleArn), (r) => scheduleGroupArn(env, String(model.properties(r).GroupName ?? 'default')));
    case 'vpc-flow-logs.amazonaws.com':
      return of(users(model, 'AWS::EC2::FlowLog', (p) => p.DeliverLogsPermissionArn, roleArn), (r) => ec2Arn(env, 'vpc-flow-log', model.ref(r)));
    case 'sagemaker.amazonaws.com':
      // SageMaker assumes an execution role for the job or model created with it.
      return context.tasks
        .filter((task) => task.integration.service === 'sagemaker' && (task.parameters.RoleArn === roleArn || task.parameters.ExecutionRoleArn === roleArn))
        .map((task) => ({ arn: taskCallRequests(task, env)[0]!.resource, origin: task.origin }));
    default:
      throw new Error(`no source ARN known for ${trusted} assuming ${roleArn}; add it to sourceArns`);
  }
}
