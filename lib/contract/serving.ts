/**
 * The serving contract between the deploy workflow (a state machine built at deploy time),
 * the shared functions it invokes, the rollback handler, the CLI and the application client.
 * Plain constants and types only.
 */

/**
 * Name of the one production variant of every Gantry endpoint. It never changes between
 * versions: SageMaker's blue/green deployments (and so its guardrails) require the new
 * endpoint config to keep the old variant name, and the endpoint's CloudWatch alarms carry
 * the variant name as a dimension. Which model version serves is told another way:
 * `MODEL_VERSION_ENV` in the container, and the endpoint config's name.
 */
export const PRODUCTION_VARIANT = 'primary';

/** Environment variable the deploy workflow sets in each SageMaker model: the version it serves. */
export const MODEL_VERSION_ENV = 'GANTRY_MODEL_VERSION';
/** Environment variable with the model's name, set beside `MODEL_VERSION_ENV`. */
export const MODEL_NAME_ENV = 'GANTRY_MODEL';

/**
 * A container that wants every prediction labelled returns this key in its
 * `X-Amzn-SageMaker-Custom-Attributes` response header, e.g. `gantry-model-version=7`.
 */
export const MODEL_VERSION_ATTRIBUTE = 'gantry-model-version';

export const DEPLOY_STRATEGIES = ['canary', 'linear', 'all-at-once'] as const;
export type DeployStrategy = (typeof DEPLOY_STRATEGIES)[number];

/** The input of a deploy execution. */
export interface DeployInput {
  readonly model: string;
  readonly version: number;
  /** @default the model's configured strategy (always all-at-once for a rollback) */
  readonly strategy?: DeployStrategy;
  /**
   * Put the last-good version back in production: `version` must be the last-good one. The
   * version in production is marked RolledBack when the endpoint serves last-good again.
   */
  readonly rollback?: boolean;
  /** Why, in words; recorded in the registry history. */
  readonly reason?: string;
  /** Who asked: a user, `gantry-rollback`, a training execution ARN. @default the execution */
  readonly requestedBy?: string;
}

/** The deploy function's `prepare` action: checks the version and plans the deployment. */
export interface PrepareDeployEvent {
  readonly action: 'prepare';
  /** The model the workflow deploys; the input must name the same one. */
  readonly model: string;
  /** The execution's input, unchecked: the function validates it. */
  readonly input: unknown;
  readonly endpointName: string;
  /** The serving target: inf2 deploys the Neuron-compiled artifact. */
  readonly target: 'inf2' | 'gpu' | 'cpu' | 'serverless';
  /**
   * inf2 only: `neo` means the pipeline compiled the version ahead of time (a version without
   * its compiled artifact cannot serve); `neuronx` means the Neuron container traces the
   * trained model when it loads it. @default 'neo'
   */
  readonly compiler?: 'neo' | 'neuronx';
  /** The variant's instance type (absent for serverless). */
  readonly instanceType?: string;
  readonly defaultStrategy: DeployStrategy;
  /** 8 lowercase hex characters, unique per execution. */
  readonly deploymentId: string;
  /** The execution ARN: the default actor. */
  readonly executionArn: string;
}

/** What `prepare` decided; the workflow's later states read it from `$.plan`. */
export interface DeployPlan {
  readonly model: string;
  readonly version: number;
  readonly strategy: DeployStrategy;
  readonly rollback: boolean;
  /** The production version when the deployment started (the one a rollback replaces). */
  readonly previousVersion?: number;
  readonly imageUri: string;
  /** The artifact the container loads: the compiled one on inf2. */
  readonly artifactUri: string;
  /** `deploymentResourceName(...)`: the SageMaker model and endpoint config of this deployment. */
  readonly resourceName: string;
  readonly endpointExists: boolean;
  /** The endpoint config in service when the deployment started, if any. */
  readonly currentConfigName?: string;
  /**
   * The new config changes the variant's instance type: the workflow deregisters autoscaling
   * first, as SageMaker refuses such an update on a scalable target.
   */
  readonly instanceTypeChanged: boolean;
  /**
   * The endpoint is Failed and this model's deploy workflow created it (its tags say so):
   * SageMaker can only delete a Failed endpoint, so the workflow deletes it, waits until it is
   * gone and creates it again with this deployment's config (`endpointExists` is false).
   * Absent otherwise, and in plans made before it existed.
   */
  readonly failedEndpoint?: FailedEndpoint;
  readonly reason: string;
  readonly requestedBy: string;
}

/** What DescribeEndpoint said of a Failed endpoint the deployment replaces, for the registry. */
export interface FailedEndpoint {
  /** The endpoint config it failed on. */
  readonly configName?: string;
  /** SageMaker's FailureReason. */
  readonly failureReason?: string;
}

/** The deploy function's `complete` action: promotes (or rolls back) in the registry. */
export interface CompleteDeployEvent {
  readonly action: 'complete';
  readonly plan: DeployPlan;
  readonly executionArn: string;
}

/**
 * The deploy function's `probe` action: whether the endpoint still exists, read while the
 * workflow waits for a Failed endpoint's deletion. SageMaker answers DescribeEndpoint of a
 * missing endpoint with an unmodeled ValidationException, which the function can tell apart
 * and a Step Functions task cannot by a documented error name.
 */
export interface ProbeEndpointEvent {
  readonly action: 'probe';
  readonly endpointName: string;
}

/** What `probe` saw: no endpoint, or one in `status`. */
export type EndpointProbe = { readonly exists: false } | { readonly exists: true; readonly status: string };

/** The registry events of a Failed endpoint's replacement, appended by the deploy function's `record` action. */
export const ENDPOINT_EVENT_TYPES = ['EndpointDeleted', 'EndpointRecreated'] as const;
export type EndpointEventType = (typeof ENDPOINT_EVENT_TYPES)[number];

/**
 * The deploy function's `record` action: appends `type` to the model's history, once per
 * execution (a retried task appends nothing more).
 */
export interface RecordEndpointEvent {
  readonly action: 'record';
  readonly type: EndpointEventType;
  readonly endpointName: string;
  /** The plan, with its `failedEndpoint`. */
  readonly plan: DeployPlan;
  readonly executionArn: string;
}

/** Error names the deploy workflow's Choice and Fail states rely on. */
export const DEPLOY_ERRORS = {
  invalidInput: 'InvalidDeployInput',
  notDeployable: 'VersionNotDeployable',
  endpointBusy: 'EndpointBusy',
  endpointFailed: 'EndpointFailed',
  timeout: 'DeploymentTimeout',
  guardrailRollback: 'RolledBackByGuardrails',
  /** A Failed endpoint the workflow deletes is still there when the deletion wait ends. */
  deletionTimeout: 'EndpointDeletionTimeout',
  /** While the workflow waited for a Failed endpoint's deletion, the endpoint came back in another status (something else created it). */
  endpointReappeared: 'EndpointReappeared',
} as const;

/** The input the model stack's alarm rule gives the rollback function. */
export interface RollbackEvent {
  readonly model: string;
  readonly endpointName: string;
  /** The model's deploy state machine. */
  readonly stateMachineArn: string;
  /** The model's SNS topic. */
  readonly topicArn: string;
  /** The EventBridge `CloudWatch Alarm State Change` event, as delivered. */
  readonly alarm: unknown;
}

/** What an application needs to call a model: published by the model's stack as JSON in SSM. */
export interface ModelServingContract {
  readonly model: string;
  readonly endpointName: string;
  readonly contentType: 'text/csv' | 'application/json';
  /** Online features joined for entity ids, in the order the model expects them. */
  readonly features?: { readonly group: string; readonly names: readonly string[] };
}
