import type { AwsEnvironment } from '../support/physical-names';
import { sagemakerArn, scalableTargetArn } from './arns';
import type { RequestSpec } from './requests';
import type { WorkflowTask } from './workflows';

/*
 * The IAM request a Task state's own call is: the action its integration maps to, on the
 * resource(s) the Service Authorization Reference lists as required for that action (e.g.
 * UpdateEndpoint is authorized on the endpoint and on the endpoint config). What a call
 * implies beyond that (PassRole, tags, .sync polling, the job's own S3 reads) is in
 * implied-permissions.ts.
 */

/**
 * Step Functions names SDK integrations by the SDK's service name; IAM by the service prefix.
 * https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 */
const IAM_PREFIX: Readonly<Record<string, string>> = {
  applicationautoscaling: 'application-autoscaling',
  sfn: 'states',
  cloudwatchlogs: 'logs',
  eventbridge: 'events',
};

/** The IAM action of an integration call: `sagemaker:createTrainingJob` → `sagemaker:CreateTrainingJob`. */
export function iamAction(task: WorkflowTask): string {
  const { service, api, kind } = task.integration;
  if (kind === 'function' || (service === 'lambda' && api === 'invoke')) return 'lambda:InvokeFunction';
  return `${IAM_PREFIX[service] ?? service}:${api[0]!.toUpperCase()}${api.slice(1)}`;
}

const text = (task: WorkflowTask, field: string): string => {
  const value = task.parameters[field];
  if (typeof value !== 'string' || value === '') throw new Error(`${task.origin}: Parameters.${field} has no sample value (got ${JSON.stringify(value)}); extend the sample run`);
  return value;
};

type ResourcesOf = (task: WorkflowTask, env: AwsEnvironment) => string[];

const sagemaker =
  (...fields: ReadonlyArray<readonly [type: string, field: string]>): ResourcesOf =>
  (task, env) =>
    fields.map(([type, field]) => sagemakerArn(env, type, text(task, field)));

const scalableTarget: ResourcesOf = (task, env) => [scalableTargetArn(env, text(task, 'ResourceId'))];

/** Resources of each supported call, keyed `<iam action>`. */
const RESOURCES: Readonly<Record<string, ResourcesOf>> = {
  'sagemaker:CreateTrainingJob': sagemaker(['training-job', 'TrainingJobName']),
  'sagemaker:DescribeTrainingJob': sagemaker(['training-job', 'TrainingJobName']),
  'sagemaker:CreateProcessingJob': sagemaker(['processing-job', 'ProcessingJobName']),
  'sagemaker:DescribeProcessingJob': sagemaker(['processing-job', 'ProcessingJobName']),
  'sagemaker:CreateCompilationJob': sagemaker(['compilation-job', 'CompilationJobName']),
  'sagemaker:DescribeCompilationJob': sagemaker(['compilation-job', 'CompilationJobName']),
  'sagemaker:CreateModel': sagemaker(['model', 'ModelName']),
  'sagemaker:CreateEndpointConfig': sagemaker(['endpoint-config', 'EndpointConfigName']),
  'sagemaker:DescribeEndpointConfig': sagemaker(['endpoint-config', 'EndpointConfigName']),
  'sagemaker:CreateEndpoint': sagemaker(['endpoint', 'EndpointName'], ['endpoint-config', 'EndpointConfigName']),
  'sagemaker:UpdateEndpoint': sagemaker(['endpoint', 'EndpointName'], ['endpoint-config', 'EndpointConfigName']),
  'sagemaker:DescribeEndpoint': sagemaker(['endpoint', 'EndpointName']),
  'sagemaker:DeleteEndpoint': sagemaker(['endpoint', 'EndpointName']),
  'application-autoscaling:RegisterScalableTarget': scalableTarget,
  'application-autoscaling:DeregisterScalableTarget': scalableTarget,
  'application-autoscaling:PutScalingPolicy': scalableTarget,
  'sns:Publish': (task) => [text(task, 'TopicArn')],
  'states:StartExecution': (task) => [text(task, 'StateMachineArn')],
};

/** The requests of the call itself, made as the state machine's role. */
export function taskCallRequests(task: WorkflowTask, env: AwsEnvironment): RequestSpec[] {
  const action = iamAction(task);
  if (action === 'lambda:InvokeFunction') {
    const functionArn = task.integration.kind === 'function' ? task.resource : text(task, 'FunctionName');
    return [{ action, resource: functionArn }];
  }
  const resources = RESOURCES[action];
  if (!resources) throw new Error(`${task.origin}: no resource mapping for ${action}; add one to task-calls.ts (see the Service Authorization Reference for its resource types)`);
  return resources(task, env).map((resource) => ({ action, resource }));
}
