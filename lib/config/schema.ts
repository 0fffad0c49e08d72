import { z } from 'zod';
import { deploymentResourceName, endpointName, jobNamePrefix, MAX_DEPLOYABLE_VERSION, workflowName, type JobKind } from '../contract';
import { findInstanceSpec, knownInstanceTypes, type Accelerator, type InstanceUse } from './instance-types';
import { ratePeriodMinutes, scheduleProblem } from './schedule';
import {
  LOG_RETENTION,
  maxTrafficShiftingPercent,
  neoInf2Problem,
  NEO_ML_INF2,
  SAGEMAKER_NAME,
  STEP_FUNCTIONS,
  TRAFFIC_SHIFTING,
  trafficShiftingProblem,
  trafficShiftingStepInstances,
  type DocumentedLimit,
} from './service-limits';

/*
 * The schema of a stage's config. Every object is strict (unknown keys are errors), every
 * optional field has a documented default, and cross-field rules are checked here so that a
 * bad config fails at synth with the field path, never later in CloudFormation or SageMaker.
 */

// AWS tag values: 1-256 characters of letters, digits, spaces and _ . : / = + - @
const tagValue = z
  .string()
  .min(1, 'must not be empty')
  .max(256, 'must be at most 256 characters')
  .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u, 'may only contain letters, digits, spaces and _ . : / = + - @');

const kebabName = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'must be lower-case kebab-case, starting with a letter');

const instanceType = (use: InstanceUse, accelerators?: readonly Accelerator[]) =>
  z.string().superRefine((value, ctx) => {
    const spec = findInstanceSpec(value);
    if (!spec || !spec.uses.includes(use)) {
      ctx.addIssue({ code: 'custom', message: `unknown ${use} instance type; known: ${knownInstanceTypes(use).join(', ')}` });
    } else if (accelerators && !accelerators.includes(spec.accelerator)) {
      ctx.addIssue({ code: 'custom', message: `must be a ${accelerators.join(' or ')} instance, but it is ${spec.accelerator}` });
    }
  });

const schedule = z.string().superRefine((value, ctx) => {
  const problem = scheduleProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: `is not a valid schedule: ${problem}` });
});

const ecrImageUri = z
  .string()
  .regex(
    /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[a-z0-9._/-]+(:[\w.-]+|@sha256:[a-f0-9]{64})$/,
    'must be an ECR image URI (ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG)',
  );

const scriptPath = z
  .string()
  .regex(/^(?!\/)(?!.*\.\.)[\w./-]+\.py$/, 'must be a relative path to a .py file inside the project');

const metricName = z.string().regex(/^[A-Za-z][A-Za-z0-9_:.-]{0,63}$/, 'must be a metric name (letters, digits, _ : . -)');

const positiveUsd = z.number().positive('must be a positive amount in USD').max(10_000_000, 'must be at most 10,000,000 USD');

const featureIdentifier = z.string().regex(/^[a-z_][a-z0-9_]{0,127}$/, 'must be a lower-case identifier (Athena column rules)');

/** A feature group of the stage's feature store. */
export const featureGroupDefinitionSchema = z.strictObject({
  name: kebabName(64).describe('Feature group name, unique in the stage; the Glue table is gantry_<stage>_features.<name>.'),
  ttlDays: z.number().int().min(1).max(3650).default(30).describe('Online rows expire this many days after their event time.'),
  features: z
    .array(
      z.strictObject({
        name: featureIdentifier.describe('Feature name (an Athena column name).'),
        type: z.enum(['double', 'bigint', 'string', 'boolean']).describe('Column type in the offline store; online values are checked against it.'),
      }),
    )
    .min(1, 'must list at least one feature')
    .describe('The features of the group.'),
});

export const featureGroupSchema = z.strictObject({
  group: kebabName(64).describe('Feature group (one of the stage\'s featureGroups) the client joins from the online store when it is called with entity ids.'),
  features: z.array(featureIdentifier).min(1, 'must list at least one feature').describe('Feature names in the order the model expects them (CSV column order).'),
});

const trainingSchema = z.strictObject({
  image: ecrImageUri.describe('Training image: an AWS Deep Learning Container or your own ECR image.'),
  entryPoint: scriptPath.describe('Training script, a relative .py path inside the project.'),
  instanceType: instanceType('training').default('ml.g5.2xlarge').describe('Instance type of the training job; must be a known training type.'),
  instanceCount: z.number().int().min(1).max(64).default(1).describe('Instances per job; above 1 is distributed training.'),
  accelerator: z.enum(['gpu', 'cpu']).default('gpu').describe('What the job needs: a gpu job on an instance without a GPU is an error.'),
  volumeSizeGb: z.number().int().min(1).max(16_384).default(50).describe('Storage volume of each training instance, GB.'),
  maxRuntimeSeconds: z.number().int().min(60).max(28 * 24 * 3600).default(3 * 3600).describe('The job is stopped after this long (MaxRuntimeInSeconds).'),
  spot: z
    .strictObject({
      enabled: z.boolean().default(true).describe('Managed spot training, with checkpoints in S3 so an interrupted job resumes.'),
      maxWaitSeconds: z
        .number()
        .int()
        .min(60)
        .max(28 * 24 * 3600)
        .optional()
        .meta({ description: 'How long a spot job may wait for capacity and run (MaxWaitTimeInSeconds); must exceed maxRuntimeSeconds.', defaultText: '2 × training.maxRuntimeSeconds' }),
    })
    .prefault({})
    .describe('Managed spot training with S3 checkpoints.'),
  hyperparameters: z
    .record(z.string().regex(/^[A-Za-z_][\w.-]*$/, 'hyperparameter names must be identifiers'), z.string())
    .default({})
    .describe('String values passed to the training job.'),
  networkIsolation: z.boolean().default(false).describe('Run the training containers without network access.'),
  schedule: schedule.optional().meta({ description: 'Retraining schedule: rate(...) or cron(...) in EventBridge Scheduler syntax, checked at synth.', defaultText: 'no schedule' }),
  approval: z
    .enum(['auto', 'manual'])
    .default('auto')
    .describe('auto: a version that passes the quality gate is Approved by the pipeline; manual: the run waits (up to approvalTimeoutHours) for gantry registry approve|reject --task-token.'),
  approvalTimeoutHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 300, 'must be at most 7200 (300 days): the whole run, approval included, must fit in a Step Functions standard execution (one year)')
    .default(168)
    .describe(
      // A standard workflow runs at most one year (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html).
      'How long a manual approval waits before the run fails (1 to 7200); the execution\'s own timeout is sized to include it.',
    ),
});

const preprocessingSchema = z.strictObject({
  image: ecrImageUri.describe('Image of the SageMaker Processing job.'),
  script: scriptPath.describe('Preprocessing script, a relative .py path inside the project.'),
  instanceType: instanceType('processing').default('ml.m5.xlarge').describe('Instance type of the processing job; must be a known processing type.'),
  maxRuntimeSeconds: z.number().int().min(60).max(5 * 24 * 3600).default(3600).describe('The processing job is stopped after this long.'),
});

const gateSchema = z.strictObject({
  primaryMetric: metricName.describe('The metric that decides whether a new version beats production.'),
  direction: z.enum(['maximize', 'minimize']).describe('Whether a higher or a lower primaryMetric is better.'),
  tolerance: z.number().min(0).default(0).describe('How much worse than production a new version may be and still pass.'),
  thresholds: z
    .record(
      metricName,
      z.strictObject({ min: z.number().optional(), max: z.number().optional() }).refine((t) => t.min === undefined || t.max === undefined || t.min <= t.max, {
        message: 'min must not exceed max',
      }),
    )
    .default({})
    .describe('Absolute bounds per metric: { metric: { min?, max? } }.'),
});

/** The retention periods CloudWatch Logs accepts (lib/config/service-limits.ts). */
export const LOG_RETENTION_DAYS = LOG_RETENTION.value;

const SERVERLESS_MEMORY = [1024, 2048, 3072, 4096, 5120, 6144] as const;

const servingSchema = z.strictObject({
  target: z
    .enum(['inf2', 'gpu', 'cpu', 'serverless'])
    .default('inf2')
    .describe('Where the endpoint runs; inf2 needs PyTorch or TensorFlow (what torch-neuronx, tensorflow-neuronx and SageMaker Neo compile).'),
  image: ecrImageUri.optional().meta({ description: 'Inference image (e.g. the Neuron DLC for inf2).', defaultText: 'the training image' }),
  instanceType: instanceType('inference')
    .optional()
    .meta({ description: 'Instance type of the endpoint; must match the target, and is not allowed for serverless.', defaultText: 'ml.inf2.xlarge for inf2, ml.g5.xlarge for gpu, ml.m5.large for cpu' }),
  compiler: z.enum(['neuronx', 'neo']).optional().meta({
    description:
      'How a version is compiled for Inferentia2 (inf2 only). neuronx: the Neuron serving container traces the trained TorchScript model with torch-neuronx when it loads it, so the pipeline compiles nothing. neo: the pipeline runs a SageMaker Neo compilation job, which compiles only the framework versions and regions in lib/config/service-limits.ts (NEO_ML_INF2); others are an error at synth.',
    defaultText: 'neuronx for inf2',
  }),
  initialInstanceCount: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(1)
    .describe('Instances when the endpoint is created; must lie within autoscaling min..max. AWS recommends several instances, spread over Availability Zones, for each production endpoint.'),
  autoscaling: z
    .strictObject({
      minInstances: z.number().int().min(0).max(100).default(1).describe('At least 1: an instance endpoint cannot scale to zero (use serverless). Canary and linear need 2 or more.'),
      maxInstances: z.number().int().min(1).max(100).default(2).describe('Upper bound of target tracking.'),
      targetInvocationsPerInstance: z.number().int().min(1).default(100).describe('Target of SageMakerVariantInvocationsPerInstance target tracking.'),
    })
    .prefault({})
    .describe('Target tracking autoscaling of instance endpoints.'),
  serverless: z
    .strictObject({
      memorySizeMb: z.union(SERVERLESS_MEMORY.map((m) => z.literal(m)), { message: `must be one of ${SERVERLESS_MEMORY.join(', ')}` }).describe('Memory of the serverless endpoint, MB.'),
      maxConcurrency: z.number().int().min(1).max(200).describe('Concurrent invocations the serverless endpoint serves.'),
    })
    .optional()
    .meta({ description: 'Serverless settings; required when target is serverless, refused otherwise.', defaultText: 'required for serverless' }),
  dataCaptureSamplingPercent: z.number().int().min(0).max(100).default(20).describe('Share of requests captured for drift checks, in percent.'),
  contentType: z.enum(['text/csv', 'application/json']).default('text/csv').describe('Payload format of the endpoint.'),
  strategy: z.enum(['canary', 'linear', 'all-at-once']).optional().meta({
    description:
      "How a new version replaces the one in service (SageMaker blue/green deployment). A canary is at most half the variant's instances and a linear step 10 to 50 % of them, at least one instance either way, and the new fleet starts at the count autoscaling reached: so canary and linear are an error at synth unless every size from autoscaling.minInstances to maxInstances allows them. Serverless has no guardrails: only all-at-once.",
    defaultText: 'canary where every fleet size allows one, else all-at-once; all-at-once for serverless',
  }),
  deployment: z
    .strictObject({
      canaryPercent: z.number().int().min(1).max(50, 'must be at most 50: SageMaker caps the canary at half the fleet').default(10).describe('Share of the new fleet\'s capacity that takes traffic first; SageMaker allows at most 50 %.'),
      linearStepPercent: z
        .number()
        .int()
        .min(10, 'must be at least 10 (SageMaker allows 10 to 50)')
        .max(50, 'must be at most 50 (SageMaker allows 10 to 50)')
        .default(20)
        .describe('Share shifted per step of a linear deployment; SageMaker allows 10 to 50 %.'),
      bakeMinutes: z
        .number()
        .int()
        .min(0)
        .max(60, "must be at most 60: SageMaker's WaitIntervalInSeconds is at most 3600")
        .default(10)
        .describe('Bake time after each traffic step, while the alarms are watched; at most 60 (SageMaker\'s 3600 s).'),
      terminationWaitMinutes: z.number().int().min(0).max(60).default(5).describe('The old fleet is kept this long after the last step, for a fast rollback.'),
      timeoutMinutes: z.number().int().min(15).max(480).default(90).describe('The deploy workflow gives up waiting for InService after this long.'),
    })
    .prefault({})
    .describe('Traffic shifting and baking of the deployment guardrails.'),
  alarms: z
    .strictObject({
      latencyP99Ms: z.number().positive().default(500).describe('ModelLatency p99 above this many milliseconds raises the latency alarm.'),
      errorRatePercent: z.number().positive().max(100).default(1).describe('Share of invocations answered 5xx, in percent, that raises the 5xx alarm.'),
      modelErrorsPerMinute: z.number().int().min(1).default(5).describe('InvocationModelErrors per minute that raise the model-error alarm.'),
      evaluationMinutes: z.number().int().min(1).max(60).default(3).describe('Consecutive breaching minutes before an alarm fires.'),
    })
    .prefault({})
    .describe('Thresholds of the endpoint\'s alarms; they also drive automatic rollback.'),
  networkIsolation: z.boolean().default(false).describe('Run the serving containers without network access.'),
  autoDeploy: z.boolean().default(false).describe('The training pipeline starts the deploy workflow once a version is approved.'),
});

const driftSchema = z.strictObject({
  schedule: schedule.default('rate(15 minutes)').describe('When the drift check runs (EventBridge Scheduler expression).'),
  psiThreshold: z.number().positive().default(0.2).describe('A feature drifts when its PSI exceeds this.'),
  ksThreshold: z.number().positive().max(1).default(0.1).describe('A numeric feature also drifts when its KS exceeds this (comparable with SageMaker Model Monitor\'s 0.1).'),
  windowMinutes: z
    .number()
    .int()
    .min(15)
    .max(1440)
    .multipleOf(15, 'must be a multiple of 15: windows end on a quarter hour')
    .optional()
    .meta({
      description: 'Minutes of captured traffic each check compares with the baseline, a multiple of 15. Windows never overlap and leave no gap when this equals the schedule\'s period.',
      defaultText: 'the period of a rate(...) schedule; required with a cron schedule',
    }),
  consecutiveWindows: z.number().int().min(1).max(96).default(2).describe('Windows in a row that must drift before a DriftDetected event (and retraining).'),
  retrainOnDrift: z.boolean().default(true).describe('A DriftDetected event starts the training pipeline.'),
});

const DEFAULT_SERVING_INSTANCE = { inf2: 'ml.inf2.xlarge', gpu: 'ml.g5.xlarge', cpu: 'ml.m5.large' } as const;
const SERVING_ACCELERATOR = { inf2: 'inferentia', gpu: 'nvidia-gpu', cpu: 'cpu' } as const;
// Frameworks Inferentia2 serves: compiled by torch-neuronx or tensorflow-neuronx, or by Neo (PyTorch and TensorFlow only).
const INF2_FRAMEWORKS: readonly string[] = ['pytorch', 'tensorflow'];

type ServingInput = Pick<z.output<typeof servingSchema>, 'target' | 'strategy' | 'initialInstanceCount' | 'autoscaling' | 'deployment'>;

/** Every instance count the variant can have when a deployment starts: autoscaling's range, and the initial count. */
function fleetSizes(s: ServingInput): number[] {
  const low = Math.min(s.autoscaling.minInstances, s.initialInstanceCount);
  const high = Math.max(s.autoscaling.maxInstances, s.initialInstanceCount);
  return Array.from({ length: Math.max(0, high - low + 1) }, (_, i) => low + i).filter((n) => n >= 1);
}

/** The configured share of one traffic-shifting step. */
const stepPercent = (s: ServingInput, strategy: 'canary' | 'linear') => (strategy === 'canary' ? s.deployment.canaryPercent : s.deployment.linearStepPercent);

/**
 * The fleet sizes the variant can have on which SageMaker refuses the (canary or linear)
 * strategy. UpdateEndpoint sends RetainAllVariantProperties, so the new fleet starts at the
 * count autoscaling reached, anywhere from minInstances up.
 */
function refusedFleetSizes(s: ServingInput, strategy: 'canary' | 'linear'): number[] {
  return fleetSizes(s).filter((n) => trafficShiftingProblem(strategy, stepPercent(s, strategy), n) !== undefined);
}

/** The strategy a model deploys with when the config names none. */
function defaultStrategy(s: ServingInput): 'canary' | 'all-at-once' {
  if (s.target === 'serverless') return 'all-at-once';
  return refusedFleetSizes(s, 'canary').length === 0 ? 'canary' : 'all-at-once';
}

/** Whether the pipeline compiles the model ahead of time (SageMaker Neo): its versions then carry a compiled artifact. */
export function compilesWithNeo(model: Pick<ModelConfig, 'serving'>): boolean {
  return model.serving.target === 'inf2' && model.serving.compiler === 'neo';
}

export const modelSchema = z
  .strictObject({
    name: kebabName(32).describe(
      "Model name, unique in the stage; with the stage name at most 38 characters together (SageMaker's 63-character names: gantry-<stage>-<model>-v<version>-<id>). Never another model's name plus -… (churn and churn-eu): IAM grants each model gantry-<stage>-<model>-*.",
    ),
    description: z.string().max(256).optional().meta({ description: 'What the model does, for people.', defaultText: 'none' }),
    ownerTeam: tagValue.describe("Team that owns the model; its resources carry this team's Team tag."),
    framework: z
      .strictObject({
        name: z.enum(['pytorch', 'tensorflow', 'xgboost', 'sklearn']).describe('Framework of the training and serving code.'),
        version: z.string().regex(/^\d+\.\d+(\.\d+)?$/, 'must be a version like 2.5 or 2.5.1').describe('Framework version, like 2.5 or 2.5.1.'),
      })
      .describe('The ML framework.'),
    features: featureGroupSchema.optional().meta({ description: 'Online features the client joins for entity ids.', defaultText: 'none: callers pass features' }),
    preprocessing: preprocessingSchema.describe('The SageMaker Processing job of the training pipeline.'),
    training: trainingSchema.describe('The SageMaker training job of the training pipeline.'),
    gate: gateSchema.describe('The quality gate a new version must pass against production.'),
    serving: servingSchema.prefault({}).describe('The SageMaker endpoint and its deployments.'),
    drift: driftSchema.prefault({}).describe('The drift monitor (docs/drift.md).'),
    usage: z
      .strictObject({
        invocationsPerMonth: z.number().int().min(0).default(100_000).describe('Predictions a month.'),
        payloadKb: z.number().positive().default(2).describe('Request plus response size, KB (data capture storage, serverless data processing).'),
        serverlessDurationMs: z.number().positive().default(100).describe('Mean duration of a serverless invocation, ms.'),
        trainingRunsPerMonth: z.number().min(0).default(4).describe('Training runs a month.'),
        trainingHoursPerRun: z.number().positive().default(1).describe('Billable hours of one training run (per instance).'),
        spotDiscountPercent: z.number().min(0).max(90).default(70).describe('What managed spot saves on training, in percent (AWS quotes up to 90 %).'),
        processingHoursPerRun: z.number().min(0).default(0.25).describe('Billable hours of one preprocessing job.'),
        driftCheckSeconds: z.number().positive().default(20).describe('Duration of one drift check, seconds.'),
      })
      .prefault({})
      .describe('What the cost estimate assumes for this model (gantry cost report): the expected traffic and training.'),
  })
  .superRefine((m, ctx) => {
    const t = m.training;
    const trainingSpec = findInstanceSpec(t.instanceType);
    if (t.accelerator === 'gpu' && trainingSpec && trainingSpec.accelerator !== 'nvidia-gpu') {
      ctx.addIssue({
        code: 'custom',
        path: ['training', 'instanceType'],
        input: t.instanceType,
        message: `the job is declared GPU (training.accelerator "gpu") but ${t.instanceType} has no GPU`,
      });
    }
    if (t.spot.enabled && t.spot.maxWaitSeconds !== undefined && t.spot.maxWaitSeconds <= t.maxRuntimeSeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['training', 'spot', 'maxWaitSeconds'],
        input: t.spot.maxWaitSeconds,
        message: `must be greater than training.maxRuntimeSeconds (${t.maxRuntimeSeconds}): spot jobs wait for capacity on top of their run time`,
      });
    }
    const period = ratePeriodMinutes(m.drift.schedule);
    if (m.drift.windowMinutes === undefined && period === undefined) {
      ctx.addIssue({ code: 'custom', path: ['drift', 'windowMinutes'], message: `is required with a cron schedule (${m.drift.schedule}): how many minutes of traffic each check covers` });
    } else if (m.drift.windowMinutes === undefined && period !== undefined && (period % 15 !== 0 || period > 1440)) {
      ctx.addIssue({
        code: 'custom',
        path: ['drift', 'schedule'],
        input: m.drift.schedule,
        message: 'a rate schedule sets the drift window, which must be a multiple of 15 minutes up to a day (windows end on a quarter hour); set drift.windowMinutes',
      });
    }
    const s = m.serving;
    if (s.target === 'serverless') {
      if (!s.serverless) ctx.addIssue({ code: 'custom', path: ['serving', 'serverless'], message: 'is required when serving.target is "serverless"' });
      if (s.strategy === 'canary' || s.strategy === 'linear') {
        ctx.addIssue({
          code: 'custom',
          path: ['serving', 'strategy'],
          input: s.strategy,
          message: 'SageMaker has no deployment guardrails (canary or linear traffic shifting) for serverless endpoints; use "all-at-once"',
        });
      }
      if (s.instanceType) ctx.addIssue({ code: 'custom', path: ['serving', 'instanceType'], input: s.instanceType, message: 'must not be set for a serverless endpoint' });
    } else {
      if (s.serverless) ctx.addIssue({ code: 'custom', path: ['serving', 'serverless'], message: `is only allowed when serving.target is "serverless", not "${s.target}"` });
      const servingSpec = s.instanceType ? findInstanceSpec(s.instanceType) : undefined;
      if (servingSpec && servingSpec.accelerator !== SERVING_ACCELERATOR[s.target]) {
        ctx.addIssue({
          code: 'custom',
          path: ['serving', 'instanceType'],
          input: s.instanceType,
          message: `serving.target "${s.target}" needs an instance with accelerator "${SERVING_ACCELERATOR[s.target]}", but ${s.instanceType} is ${servingSpec.accelerator}`,
        });
      }
      if (s.autoscaling.minInstances === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['serving', 'autoscaling', 'minInstances'],
          input: 0,
          message: 'SageMaker keeps at least one instance behind an instance-based endpoint variant; use serving.target "serverless" to scale to zero',
        });
      }
      if (s.initialInstanceCount < s.autoscaling.minInstances || s.initialInstanceCount > s.autoscaling.maxInstances) {
        ctx.addIssue({
          code: 'custom',
          path: ['serving', 'initialInstanceCount'],
          input: s.initialInstanceCount,
          message: `must lie within serving.autoscaling (${s.autoscaling.minInstances} to ${s.autoscaling.maxInstances})`,
        });
      }
      if (s.autoscaling.minInstances > s.autoscaling.maxInstances) {
        ctx.addIssue({
          code: 'custom',
          path: ['serving', 'autoscaling', 'minInstances'],
          input: s.autoscaling.minInstances,
          message: `must not exceed serving.autoscaling.maxInstances (${s.autoscaling.maxInstances})`,
        });
      }
      if ((s.strategy === 'canary' || s.strategy === 'linear') && s.autoscaling.minInstances >= 1 && s.autoscaling.minInstances <= s.autoscaling.maxInstances) {
        const strategy = s.strategy;
        const percent = stepPercent(s, strategy);
        const failing = refusedFleetSizes(s, strategy);
        if (failing.length > 0) {
          const rule =
            strategy === 'canary'
              ? `a canary is at most 50 % of the variant's instances and at least one (${TRAFFIC_SHIFTING.canaryMaxFraction.url})`
              : `a linear step is 10 to 50 % of the variant's instances and at least one (${TRAFFIC_SHIFTING.linearStepMaxFraction.url})`;
          const fleet = `UpdateEndpoint keeps the count autoscaling reached (RetainAllVariantProperties), so it must hold for every size from serving.autoscaling.minInstances (${s.autoscaling.minInstances}) to maxInstances (${s.autoscaling.maxInstances})`;
          const field = strategy === 'canary' ? 'serving.deployment.canaryPercent' : 'serving.deployment.linearStepPercent';
          const best = maxTrafficShiftingPercent(strategy, fleetSizes(s).filter((n) => n >= 2));
          ctx.addIssue({
            code: 'custom',
            path: ['serving', 'strategy'],
            input: strategy,
            message: failing.includes(1)
              ? `${strategy} needs at least 2 instances: ${rule}, so one instance cannot take it; ${fleet}. Set serving.autoscaling.minInstances and serving.initialInstanceCount to 2 or more, or use strategy "all-at-once"`
              : `${strategy} at ${field} ${percent} % is more than half of a ${failing[0]}-instance fleet if SageMaker rounds it up to ${trafficShiftingStepInstances(percent, failing[0]!)} instances: ${rule}, and the pages do not say how a percentage is rounded; ${fleet}. ${best === undefined ? 'Use strategy "all-at-once"' : `Set ${field} to ${best} or less`}`,
          });
        }
      }
    }
    if (s.compiler !== undefined && s.target !== 'inf2') {
      ctx.addIssue({ code: 'custom', path: ['serving', 'compiler'], input: s.compiler, message: `only applies to serving.target "inf2" (models compiled for Inferentia2), not "${s.target}"` });
    }
    if (s.target === 'inf2' && !INF2_FRAMEWORKS.includes(m.framework.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['framework', 'name'],
        input: m.framework.name,
        message: `Inferentia2 serves models compiled by torch-neuronx, tensorflow-neuronx or SageMaker Neo, none of which compiles ${m.framework.name}; use ${INF2_FRAMEWORKS.join(' or ')}, or serve on gpu or cpu`,
      });
    }
  })
  .transform((m) => ({
    ...m,
    training: {
      ...m.training,
      spot: { enabled: m.training.spot.enabled, maxWaitSeconds: m.training.spot.maxWaitSeconds ?? 2 * m.training.maxRuntimeSeconds },
    },
    drift: { ...m.drift, windowMinutes: m.drift.windowMinutes ?? ratePeriodMinutes(m.drift.schedule) ?? 15 },
    serving: {
      ...m.serving,
      strategy: m.serving.strategy ?? defaultStrategy(m.serving),
      instanceType: m.serving.target === 'serverless' ? undefined : (m.serving.instanceType ?? DEFAULT_SERVING_INSTANCE[m.serving.target]),
      compiler: m.serving.target === 'inf2' ? (m.serving.compiler ?? ('neuronx' as const)) : undefined,
    },
  }));

const cidr = z.string().superRefine((value, ctx) => {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!match || match.slice(1, 5).some((o) => Number(o) > 255)) {
    ctx.addIssue({ code: 'custom', message: 'must be an IPv4 CIDR block like 10.40.0.0/16' });
  } else if (Number(match[5]) < 16 || Number(match[5]) > 24) {
    ctx.addIssue({ code: 'custom', message: 'the prefix length must be between /16 and /24' });
  }
});

// A run id or deployment id: the first 8 hex digits of a UUID.
const RUN_ID = '12345678';
const SAGEMAKER_JOBS: ReadonlyArray<[JobKind, string]> = [['train', 'training job'], ['prep', 'processing job'], ['neo', 'compilation job']];

/** The names built from stage and model names, with the characters they add and the limit they must fit. */
const DERIVED_NAMES: ReadonlyArray<{ readonly what: string; readonly fixedLength: number; readonly limit: DocumentedLimit }> = [
  { what: 'a deployment\'s model and endpoint config', fixedLength: deploymentResourceName(endpointName('', ''), MAX_DEPLOYABLE_VERSION, RUN_ID).length, limit: SAGEMAKER_NAME.maxLength },
  ...SAGEMAKER_JOBS.map(([kind, what]) => ({ what, fixedLength: (jobNamePrefix('', '', kind) + RUN_ID).length, limit: SAGEMAKER_NAME.maxLength })),
  { what: 'endpoint', fixedLength: endpointName('', '').length, limit: SAGEMAKER_NAME.maxLength },
  { what: 'state machine', fixedLength: workflowName('', '', 'training').length, limit: STEP_FUNCTIONS.nameMaxLength },
];

export const stageSchema = z
  .strictObject({
    name: kebabName(16).describe(
      "Stage name, used in stack names (gantry-<name>-data) and SSM paths. Never another stage's name plus -… when the two may share an account: IAM grants gantry-<stage>-*.",
    ),
    account: z
      .string()
      .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
      .optional()
      .meta({ description: 'The AWS account the stage deploys to.', defaultText: 'environment-agnostic: the account of the deploying credentials' }),
    region: z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, 'must be an AWS region like us-east-1').describe('The AWS region, like us-east-1.'),
    tags: z
      .strictObject({
        costCenter: tagValue.describe('CostCenter tag value.'),
        team: tagValue.describe("Team tag value (a model's ownerTeam replaces it on the model's resources)."),
        project: tagValue.describe('Project tag value.'),
        environment: tagValue.describe('Environment tag value; one starting with prod requires removalPolicy retain.'),
      })
      .describe('The cost-allocation tags on every resource of the stage.'),
    removalPolicy: z.enum(['retain', 'destroy']).describe('What happens to the buckets, tables and key when a stack is deleted; retain for production.'),
    budgets: z
      .strictObject({
        monthlyLimitUsd: positiveUsd.describe('Monthly budget of the stage, USD.'),
        teamMonthlyLimitsUsd: z.record(tagValue, positiveUsd).default({}).describe('Monthly budget per Team tag value: { team: usd }.'),
        anomalyThresholdUsd: positiveUsd.default(100).describe('Total impact, USD, from which a cost anomaly alerts.'),
        subscriberEmails: z.array(z.email({ message: 'must be an email address' })).default([]).describe('Emails subscribed to budget and anomaly alerts.'),
        payerAccount: z
          .boolean()
          .default(false)
          .describe(
            "The stage deploys to the organization's payer (management) account: the deploy activates the five cost-allocation tags there. Elsewhere, activation is a one-time step in the payer account (npm start prints it).",
          ),
      })
      .describe('Budgets and cost alerts (the governance stack).'),
    usage: z
      .strictObject({
        dataLakeGb: z.number().min(0).default(50).describe('Data held in the lake (all zones), GB.'),
        natGbPerMonth: z.number().min(0).default(20).describe('Data through the NAT gateways a month, GB (only with a VPC).'),
        logsGbPerMonth: z.number().min(0).default(1).describe('Log data ingested a month (functions and workflows), GB.'),
      })
      .prefault({})
      .describe("What the cost estimate assumes for the stage's shared resources (gantry cost report)."),
    logRetentionDays: z
      .number()
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), { message: `must be one of the retention periods CloudWatch Logs accepts (${LOG_RETENTION.url}): ${LOG_RETENTION_DAYS.join(', ')}` })
      .default(365)
      .describe(
        `Days CloudWatch Logs keeps the stage's log groups (functions, workflows, flow logs): one of ${LOG_RETENTION_DAYS.join(', ')}. Control Tower's CT.CLOUDWATCH.PR.2 requires at least 365.`,
      ),
    vpc: z
      .strictObject({
        cidr: cidr.default('10.40.0.0/16').describe('IPv4 CIDR block of the VPC, /16 to /24.'),
        maxAzs: z.number().int().min(2).max(3).default(2).describe('Availability Zones the subnets span.'),
        natGateways: z.number().int().min(0).max(3).default(1).describe('NAT gateways; 0 gives isolated private subnets.'),
        interfaceEndpoints: z.boolean().default(true).describe('Interface endpoints (SageMaker, ECR, STS, Logs) so jobs reach AWS without the internet.'),
      })
      .optional()
      .meta({ description: 'A network stack for the SageMaker jobs and the functions.', defaultText: 'no VPC' }),
    lake: z
      .strictObject({
        tieringMinObjectSizeBytes: z
          .number()
          .int()
          .min(0)
          .default(128 * 1024)
          .describe('Objects above this size move to Intelligent-Tiering (below 128 KiB tiering is not worth its monitoring fee).'),
        noncurrentVersionExpirationDays: z.number().int().min(1).max(3650).default(30).describe('Old object versions expire after this many days.'),
        abortIncompleteUploadDays: z.number().int().min(1).max(365).default(7).describe('Incomplete multipart uploads are aborted after this many days.'),
        accessLogRetentionDays: z.number().int().min(1).max(3650).default(365).describe('S3 server access logs are kept this many days.'),
      })
      .prefault({})
      .describe('Data lake tiering and retention.'),
    featureGroups: z.array(featureGroupDefinitionSchema).default([]).describe('Feature groups of the feature store.'),
    models: z.array(modelSchema).default([]).meta({ description: 'Model definitions (the model definition table).', defaultText: 'no models' }),
  })
  .superRefine((stage, ctx) => {
    const groups = new Map(stage.featureGroups.map((g) => [g.name, g]));
    stage.featureGroups.forEach((group, index) => {
      if (stage.featureGroups.findIndex((g) => g.name === group.name) !== index) {
        ctx.addIssue({ code: 'custom', path: ['featureGroups', index, 'name'], input: group.name, message: 'duplicates another feature group name' });
      }
    });
    stage.models.forEach((model, index) => {
      if (!model.features) return;
      const group = groups.get(model.features.group);
      if (!group) {
        ctx.addIssue({ code: 'custom', path: ['models', index, 'features', 'group'], input: model.features.group, message: `is not a feature group of this stage; known: ${[...groups.keys()].join(', ') || '(none)'}` });
        return;
      }
      model.features.features.forEach((feature, f) => {
        if (!group.features.some((g) => g.name === feature)) {
          ctx.addIssue({ code: 'custom', path: ['models', index, 'features', 'features', f], input: feature, message: `is not a feature of group "${group.name}"` });
        }
      });
    });
    if (/^prod/i.test(stage.tags.environment) && stage.removalPolicy !== 'retain') {
      ctx.addIssue({
        code: 'custom',
        path: ['removalPolicy'],
        input: stage.removalPolicy,
        message: `must be "retain" for a production environment (tags.environment "${stage.tags.environment}")`,
      });
    }
    // Every name built from the stage and model names must fit its service's limit. The tightest
    // is SageMaker's 63 characters for a deployment's model and endpoint config,
    // gantry-<stage>-<model>-v<version up to 6 digits>-<8 hex> (lib/contract/serving.ts); the
    // training pipeline's jobs, gantry-<stage>-<model>-{train|prep|neo}-<8 hex>, are 2 shorter.
    const maxNameLength = Math.min(...DERIVED_NAMES.map((n) => n.limit.value - n.fixedLength));
    stage.models.forEach((model, index) => {
      if (stage.name.length + model.name.length > maxNameLength) {
        const tightest = DERIVED_NAMES.filter((n) => n.limit.value - n.fixedLength === maxNameLength).map((n) => n.what);
        ctx.addIssue({
          code: 'custom',
          path: ['models', index, 'name'],
          input: model.name,
          message: `with stage name "${stage.name}" is too long for SageMaker's ${SAGEMAKER_NAME.maxLength.value}-character names (${tightest.join(', ')}): stage and model names may have ${maxNameLength} characters together, these have ${stage.name.length + model.name.length}`,
        });
      }
    });
    // IAM grants each model its own names by prefix (gantry-<stage>-<model>-*). A model named
    // like another plus "-…" (churn, churn-eu) would fall under the other's prefix.
    stage.models.forEach((model, index) => {
      const other = stage.models.findIndex((o) => model.name.startsWith(`${o.name}-`));
      if (other !== -1) {
        ctx.addIssue({
          code: 'custom',
          path: ['models', index, 'name'],
          input: model.name,
          message: `starts with models[${other}].name "${stage.models[other]!.name}" and a hyphen: IAM grants a model its SageMaker jobs, models and endpoint configs by the prefix gantry-<stage>-<model>-*, so the patterns of "${stage.models[other]!.name}" would match this model's resources; rename one of them`,
        });
      }
    });
    // SageMaker Neo compiles only some framework versions for ml_inf2, in some regions.
    stage.models.forEach((model, index) => {
      if (model.serving.target !== 'inf2' || model.serving.compiler !== 'neo') return;
      const problem = neoInf2Problem(model.framework.name, model.framework.version, stage.region);
      if (problem) {
        const inRegion = !problem.includes(' only in ');
        ctx.addIssue({
          code: 'custom',
          path: inRegion ? ['models', index, 'framework', 'version'] : ['region'],
          input: inRegion ? model.framework.version : stage.region,
          message: `serving.compiler "neo": ${problem} (${NEO_ML_INF2.frameworks.url}); use serving.compiler "neuronx" (the Neuron serving container compiles the model with torch-neuronx when it loads it)${inRegion ? ' or a version Neo compiles' : ''}`,
        });
      }
    });
    const seen = new Map<string, number>();
    stage.models.forEach((model, index) => {
      const first = seen.get(model.name);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['models', index, 'name'], input: model.name, message: `duplicates models[${first}].name` });
      }
      seen.set(model.name, index);
    });
  });

/** A stage's config as authors write it: fields with defaults may be left out. */
export type StageConfigInput = z.input<typeof stageSchema>;
/** A validated stage config with every default filled in. */
export type StageConfig = z.output<typeof stageSchema>;
export type ModelConfigInput = z.input<typeof modelSchema>;
export type ModelConfig = z.output<typeof modelSchema>;
export type FeatureGroupConfig = z.output<typeof featureGroupDefinitionSchema>;
