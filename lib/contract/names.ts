/**
 * Every name Gantry gives an AWS resource, each beside the IAM resource-name pattern that
 * matches it. Deploy time names the resources with these, grants with the patterns, and run
 * time finds the resources by the same functions, so a rename is one change here.
 *
 * Names start `gantry-<stage>-` because several stages may share an account: the config
 * refuses a stage named another's plus a dash (`checkStagesApart`) and a model named another's
 * plus a dash, so one stage's or model's pattern never matches another's resources.
 */

/** The start of every name of a stage's resources: `gantry-<stage>-`. */
export function stagePrefix(stage: string): string {
  return `gantry-${stage}-`;
}

/** What a stage's stacks hold besides its models. */
export type StackPart = 'data' | 'network' | 'runtime' | 'governance';

/** CloudFormation stack name of one part of a stage: `gantry-<stage>-<part>`. */
export function stackName(stage: string, part: StackPart): string {
  return `${stagePrefix(stage)}${part}`;
}

/** CloudFormation stack name of a model's stack: `gantry-<stage>-model-<model>`. */
export function modelStackName(stage: string, model: string): string {
  return `${stagePrefix(stage)}model-${model}`;
}

/** Name of a model's SageMaker endpoint (the deploy workflow creates it under this name). */
export function endpointName(stage: string, model: string): string {
  return `${stagePrefix(stage)}${model}`;
}

/**
 * IAM pattern of every endpoint of a stage, and of its deployments' models and endpoint configs
 * (`deploymentResourceName` starts with the endpoint's name): `gantry-<stage>-*`.
 */
export function endpointNamePattern(stage: string): string {
  return `${stagePrefix(stage)}*`;
}

/** Longest version number the deployment names below leave room for. */
export const MAX_DEPLOYABLE_VERSION = 999_999;

/**
 * Name of the SageMaker model and endpoint config of one deployment:
 * `<endpoint>-v<version>-<deployment id>`, e.g. `gantry-prod-churn-v7-1a2b3c4d`. Unique per
 * deployment (SageMaker names cannot be reused), and it tells which version an endpoint serves.
 * The config schema keeps `<endpoint>` short enough for the 63-character limit.
 */
export function deploymentResourceName(endpoint: string, version: number, deploymentId: string): string {
  return `${endpoint}-v${version}-${deploymentId}`;
}

/** The version a deployment's model or endpoint config serves, read back from its name. */
export function versionOfDeploymentResource(endpoint: string, resourceName: string): number | undefined {
  if (!resourceName.startsWith(`${endpoint}-v`)) return undefined;
  const match = /^v(\d+)-[0-9a-f]{8}$/.exec(resourceName.slice(endpoint.length + 1));
  return match ? Number(match[1]) : undefined;
}

/** Name of a CloudWatch alarm on a model's endpoint: `<endpoint>-<what>`, e.g. `gantry-prod-churn-error-rate`. */
export function endpointAlarmName(endpoint: string, what: string): string {
  return `${endpoint}-${what}`;
}

/** Name of a model's SNS topic (pipeline, deploy and alarm notifications). */
export function modelTopicName(stage: string, model: string): string {
  return `${stagePrefix(stage)}${model}`;
}

/** IAM pattern of every model topic of a stage (it also matches the stage's cost-alerts topic). */
export function modelTopicPattern(stage: string): string {
  return `${stagePrefix(stage)}*`;
}

/** Name of the stage's cost-alerts topic (budgets and cost anomalies). */
export function costAlertsTopicName(stage: string): string {
  return `${stagePrefix(stage)}cost-alerts`;
}

/** The two state machines of a model. */
export type WorkflowKind = 'training' | 'deploy';

/** Name of a model's state machine: `gantry-<stage>-<model>-<kind>`. */
export function workflowName(stage: string, model: string, kind: WorkflowKind): string {
  return `${stagePrefix(stage)}${model}-${kind}`;
}

/** IAM pattern of one kind of state machine, of every model of a stage: `gantry-<stage>-*-<kind>`. */
export function workflowPattern(stage: string, kind: WorkflowKind): string {
  return `${stagePrefix(stage)}*-${kind}`;
}

/** What a SageMaker job of the training pipeline does: its name's infix. */
export type JobKind = 'prep' | 'train' | 'neo';

/**
 * The start of a model's SageMaker job names: `gantry-<stage>-<model>-<kind>-`, then a run id.
 * The IAM policies grant `<this prefix>*` (`jobNamePattern`).
 */
export function jobNamePrefix(stage: string, model: string, kind: JobKind): string {
  return `${stagePrefix(stage)}${model}-${kind}-`;
}

/** IAM pattern of one kind of a model's SageMaker jobs: `gantry-<stage>-<model>-<kind>-*`. */
export function jobNamePattern(stage: string, model: string, kind: JobKind): string {
  return `${jobNamePrefix(stage, model, kind)}*`;
}

/** Name of the stage's budget (`team` absent) or of one team's budget in it. */
export function budgetName(stage: string, team?: string): string {
  return team === undefined ? `gantry-${stage}` : `${stagePrefix(stage)}team-${team}`;
}

/** Name of the stage's cost-anomaly monitor and of its subscription. */
export function costMonitorName(stage: string): string {
  return `gantry-${stage}`;
}
