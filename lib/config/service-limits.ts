/*
 * The AWS limits Gantry checks before anything reaches AWS, each with the page that documents
 * it. The config schema checks the ones a config value drives (names built from stage and model
 * names, fleet sizes, Neo targets); the synth-time tests (test/limits) check the ones only the
 * synthesized templates show (resource counts, template sizes, history events).
 *
 * Read on 2026-12-03. A limit that a page states for one API but that holds for a family of
 * names (SageMaker's 63 characters) cites the page it was read on.
 */

/** One documented limit. */
export interface DocumentedLimit<T = number> {
  readonly value: T;
  /** Where AWS documents it. */
  readonly url: string;
}

const limit = <T>(value: T, url: string): DocumentedLimit<T> => ({ value, url });

// --- SageMaker -----------------------------------------------------------------------------

/**
 * Names of training, processing and compilation jobs, models, endpoint configs and endpoints:
 * at most 63 characters of letters, digits and single or repeated hyphens, starting and ending
 * with a letter or digit (the same `Length Constraints` and `Pattern` on every Create* name).
 */
export const SAGEMAKER_NAME = {
  maxLength: limit(63, 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_EndpointConfigSummary.html'),
  pattern: limit(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_EndpointConfigSummary.html'),
} as const;

/**
 * SageMaker blue/green traffic shifting. A canary is at most 50 % of the variant's total instance
 * count; a linear step is 10 to 50 % of it. `CapacitySize.Value` is at least 1 (an instance
 * count or a percentage); the pages do not say how a percentage is rounded to instances.
 */
export const TRAFFIC_SHIFTING = {
  canaryMaxFraction: limit(0.5, 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TrafficRoutingConfig.html'),
  linearStepMinFraction: limit(0.1, 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TrafficRoutingConfig.html'),
  linearStepMaxFraction: limit(0.5, 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TrafficRoutingConfig.html'),
  capacitySizeMinValue: limit(1, 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CapacitySize.html'),
  canaryGuide: 'https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-blue-green-canary.html',
  linearGuide: 'https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-blue-green-linear.html',
  /** AutoRollbackConfig.Alarms: 1 to 10 alarms. */
  autoRollbackMaxAlarms: limit(10, 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AutoRollbackConfig.html'),
} as const;

/**
 * Production endpoints: SageMaker spreads a variant's instances over Availability Zones, "so, we
 * strongly recommend that you deploy multiple instances for each production endpoint for high
 * availability" (Machine Learning Lens); AWS Config's managed rule
 * sagemaker-endpoint-config-prod-instance-count flags an InitialInstanceCount of 1.
 */
export const PRODUCTION_MIN_INSTANCES = {
  ...limit(2, 'https://docs.aws.amazon.com/wellarchitected/latest/machine-learning-lens/mlcost05-bp03.html'),
  configRule: 'https://docs.aws.amazon.com/config/latest/developerguide/sagemaker-endpoint-config-prod-instance-count.html',
} as const;

export type TrafficShiftingStrategy = 'canary' | 'linear';

/**
 * The instances a CAPACITY_PERCENT step turns on, at the most: at least one, and the percentage
 * rounded up (the step must stay within half the fleet however SageMaker rounds it).
 */
export function trafficShiftingStepInstances(percent: number, instanceCount: number): number {
  return Math.max(TRAFFIC_SHIFTING.capacitySizeMinValue.value, Math.ceil((percent * instanceCount) / 100));
}

/** Why SageMaker refuses `strategy` at `percent` on a variant of `instanceCount` instances, or undefined. */
export function trafficShiftingProblem(strategy: TrafficShiftingStrategy, percent: number, instanceCount: number): string | undefined {
  const max = strategy === 'canary' ? TRAFFIC_SHIFTING.canaryMaxFraction.value : TRAFFIC_SHIFTING.linearStepMaxFraction.value;
  const stepInstances = trafficShiftingStepInstances(percent, instanceCount);
  if (stepInstances <= max * instanceCount) return undefined;
  const what = strategy === 'canary' ? 'canary' : 'linear step';
  return `with ${instanceCount} instance${instanceCount === 1 ? '' : 's'} a ${percent} % ${what} is ${stepInstances} instance${stepInstances === 1 ? '' : 's'}, more than half the fleet`;
}

/** The largest percentage at which `strategy` works on every one of `instanceCounts`, or undefined when none does. */
export function maxTrafficShiftingPercent(strategy: TrafficShiftingStrategy, instanceCounts: readonly number[]): number | undefined {
  const floor = strategy === 'canary' ? 1 : TRAFFIC_SHIFTING.linearStepMinFraction.value * 100;
  for (let percent = 50; percent >= floor; percent--) {
    if (instanceCounts.every((n) => trafficShiftingProblem(strategy, percent, n) === undefined)) return percent;
  }
  return undefined;
}

/**
 * SageMaker Neo for `TargetDevice: ml_inf2`. The Neo inference image page lists, for
 * "Inferentia2 and Trainium1", one PyTorch and one TensorFlow image (Neuron SDK 2.10), and says
 * to use us-east-2 for Inferentia2; the SDK changelog of the ml_inf2 launch (2023-06-12) says the
 * target is available in CMH (us-east-2). Later PyTorch versions on Inferentia2 are compiled with
 * torch-neuronx (`torch_neuronx.trace`) on a Neuron image, not by Neo.
 */
export const NEO_ML_INF2 = {
  frameworks: limit<Readonly<Record<string, readonly string[]>>>(
    { pytorch: ['1.13', '1.13.1'], tensorflow: ['2.10', '2.10.1'] },
    'https://docs.aws.amazon.com/sagemaker/latest/dg/neo-deployment-hosting-services-container-images.html',
  ),
  regions: limit<readonly string[]>(['us-east-2'], 'https://docs.aws.amazon.com/sagemaker/latest/dg/neo-deployment-hosting-services-container-images.html'),
  supportedCloud: 'https://docs.aws.amazon.com/sagemaker/latest/dg/neo-supported-cloud.html',
} as const;

/** Why Neo cannot compile (framework, version) for ml_inf2 in `region`, or undefined. */
export function neoInf2Problem(framework: string, version: string, region: string): string | undefined {
  const versions = NEO_ML_INF2.frameworks.value[framework];
  const supported = Object.entries(NEO_ML_INF2.frameworks.value)
    .map(([name, v]) => `${name} ${v.join('/')}`)
    .join(', ');
  if (!versions) return `SageMaker Neo compiles only ${supported} for ml_inf2, not ${framework}`;
  if (!versions.includes(version)) return `SageMaker Neo compiles only ${supported} for ml_inf2, not ${framework} ${version}`;
  if (!NEO_ML_INF2.regions.value.includes(region)) return `SageMaker Neo compiles for ml_inf2 only in ${NEO_ML_INF2.regions.value.join(', ')}, not ${region}`;
  return undefined;
}

// --- Step Functions ------------------------------------------------------------------------

const SFN_QUOTAS = 'https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html';

export const STEP_FUNCTIONS = {
  /** State machine, execution and activity names: 1 to 80 characters. */
  nameMaxLength: limit(80, SFN_QUOTAS),
  /** Maximum size of a state machine definition (hard quota). */
  definitionMaxBytes: limit(1024 * 1024, SFN_QUOTAS),
  /** Entries in one execution's history (hard quota); at the limit the execution fails. */
  historyMaxEvents: limit(25_000, SFN_QUOTAS),
  /** A standard execution, and so a task token wait, runs at most one year. */
  executionMaxSeconds: limit(365 * 24 * 3600, SFN_QUOTAS),
  /** `LoggingConfiguration` destination: the log group ARN, ending with `:*`, at most 256 characters. */
  logGroupArnMaxLength: limit(256, 'https://docs.aws.amazon.com/step-functions/latest/apireference/API_CloudWatchLogsLogGroup.html'),
  /** Log groups under this prefix keep Step Functions' log delivery out of the 5,120-character CloudWatch Logs resource policy. */
  vendedLogsPrefix: limit('/aws/vendedlogs/', 'https://docs.aws.amazon.com/step-functions/latest/dg/bp-cwl.html'),
  /** The event types a history holds, for counting worst cases. */
  historyEventTypes: 'https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html',
} as const;

// --- CloudWatch, CloudWatch Logs, SNS, EventBridge, Lambda --------------------------------------

export const CLOUDWATCH = {
  alarmNameMaxLength: limit(255, 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AlarmDetails.html'),
  dashboardNameMaxLength: limit(255, 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html'),
  /** Dashboard names: A-Z, a-z, 0-9, "-" and "_". */
  dashboardNamePattern: limit(/^[A-Za-z0-9_-]+$/, 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html'),
} as const;

export const CLOUDWATCH_LOGS = {
  logGroupNameMaxLength: limit(512, 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html'),
  /** a-z, A-Z, 0-9, '_', '-', '/', '.' and '#'. */
  logGroupNamePattern: limit(/^[.\-_/#A-Za-z0-9]+$/, 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html'),
} as const;

export const SNS = {
  /** Topic names: ASCII letters, digits, underscores and hyphens, 1 to 256 characters. */
  topicNamePattern: limit(/^[A-Za-z0-9_-]{1,256}$/, 'https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html'),
} as const;

export const EVENTBRIDGE = {
  ruleNameMaxLength: limit(64, 'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html'),
  ruleNamePattern: limit(/^[.\-_A-Za-z0-9]+$/, 'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html'),
  scheduleNameMaxLength: limit(64, 'https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html'),
  scheduleNamePattern: limit(/^[0-9a-zA-Z-_.]+$/, 'https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html'),
} as const;

export const LAMBDA = {
  /** All of a function's environment variables together. */
  environmentMaxBytes: limit(4 * 1024, 'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html'),
} as const;

// --- CloudFormation --------------------------------------------------------------------------

const CFN_QUOTAS = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html';

export const CLOUDFORMATION = {
  resourcesPerTemplate: limit(500, CFN_QUOTAS),
  outputsPerTemplate: limit(200, CFN_QUOTAS),
  parametersPerTemplate: limit(200, CFN_QUOTAS),
  /** A template passed as an S3 object (how the CDK deploys): 1 MB. */
  templateBodyS3MaxBytes: limit(1_000_000, CFN_QUOTAS),
} as const;

// --- CloudWatch Logs retention -----------------------------------------------------------------

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION = limit(
  [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const,
  'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html',
);
