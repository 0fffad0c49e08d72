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
  name: kebabName(64),
  /** Online rows expire this many days after their event time. @default 30 */
  ttlDays: z.number().int().min(1).max(3650).default(30),
  features: z
    .array(z.strictObject({ name: featureIdentifier, type: z.enum(['double', 'bigint', 'string', 'boolean']) }))
    .min(1, 'must list at least one feature'),
});

export const featureGroupSchema = z.strictObject({
  /** Feature group to join from the online store when the client is called with entity ids. */
  group: kebabName(64),
  /** Feature names in the order the model expects them (CSV column order). */
  features: z.array(featureIdentifier).min(1, 'must list at least one feature'),
});

const trainingSchema = z.strictObject({
  /** Training image (an AWS Deep Learning Container or your own ECR image). */
  image: ecrImageUri,
  /** Training script, relative to the project root. */
  entryPoint: scriptPath,
  /** @default 'ml.g5.2xlarge' */
  instanceType: instanceType('training').default('ml.g5.2xlarge'),
  /** Instances per job; above 1 is distributed training. @default 1 */
  instanceCount: z.number().int().min(1).max(64).default(1),
  /** The job is declared to need a GPU; the instance type must then have one. @default 'gpu' */
  accelerator: z.enum(['gpu', 'cpu']).default('gpu'),
  /** @default 50 */
  volumeSizeGb: z.number().int().min(1).max(16_384).default(50),
  /** @default 10800 (3 hours) */
  maxRuntimeSeconds: z.number().int().min(60).max(28 * 24 * 3600).default(3 * 3600),
  /** Managed spot training with S3 checkpoints. */
  spot: z
    .strictObject({
      /** @default true */
      enabled: z.boolean().default(true),
      /** Must exceed maxRuntimeSeconds. @default twice maxRuntimeSeconds */
      maxWaitSeconds: z.number().int().min(60).max(28 * 24 * 3600).optional(),
    })
    .prefault({}),
  /** @default {} */
  hyperparameters: z.record(z.string().regex(/^[A-Za-z_][\w.-]*$/, 'hyperparameter names must be identifiers'), z.string()).default({}),
  /** @default false */
  networkIsolation: z.boolean().default(false),
  /** Retraining schedule (EventBridge Scheduler expression). @default - no schedule */
  schedule: schedule.optional(),
  /** `manual`: after registration the run waits (up to `approvalTimeoutHours`) for `gantry registry approve|reject --task-token`. @default 'auto' */
  approval: z.enum(['auto', 'manual']).default('auto'),
  /**
   * How long a `manual` approval waits before the run fails. The execution's own timeout is
   * sized to include it; a standard workflow runs at most one year
   * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html).
   * @default 168 (7 days)
   */
  approvalTimeoutHours: z.number().int().min(1).max(24 * 300, 'must be at most 7200 (300 days): the whole run, approval included, must fit in a Step Functions standard execution (one year)').default(168),
});

const preprocessingSchema = z.strictObject({
  image: ecrImageUri,
  script: scriptPath,
  /** @default 'ml.m5.xlarge' */
  instanceType: instanceType('processing').default('ml.m5.xlarge'),
  /** @default 3600 */
  maxRuntimeSeconds: z.number().int().min(60).max(5 * 24 * 3600).default(3600),
});

const gateSchema = z.strictObject({
  /** The metric that decides whether a new version beats production. */
  primaryMetric: metricName,
  direction: z.enum(['maximize', 'minimize']),
  /** How much worse than production a new version may be and still pass. @default 0 */
  tolerance: z.number().min(0).default(0),
  /** Absolute bounds per metric. @default {} */
  thresholds: z
    .record(
      metricName,
      z.strictObject({ min: z.number().optional(), max: z.number().optional() }).refine((t) => t.min === undefined || t.max === undefined || t.min <= t.max, {
        message: 'min must not exceed max',
      }),
    )
    .default({}),
});

/** The retention periods CloudWatch Logs accepts (lib/config/service-limits.ts). */
export const LOG_RETENTION_DAYS = LOG_RETENTION.value;

const SERVERLESS_MEMORY = [1024, 2048, 3072, 4096, 5120, 6144] as const;

const servingSchema = z.strictObject({
  /** @default 'inf2' */
  target: z.enum(['inf2', 'gpu', 'cpu', 'serverless']).default('inf2'),
  /** Inference image (e.g. a Neuron DLC for inf2). @default - the training image */
  image: ecrImageUri.optional(),
  /** Instance type; not used for serverless. @default 'ml.inf2.xlarge' for inf2, 'ml.g5.xlarge' for gpu, 'ml.m5.large' for cpu */
  instanceType: instanceType('inference').optional(),
  /**
   * How a version is compiled for Inferentia2 (inf2 only). `neuronx`: the Neuron serving
   * container traces the trained TorchScript model with torch-neuronx (`torch_neuronx.trace`)
   * when it loads it, so the pipeline compiles nothing. `neo`: the pipeline runs a SageMaker Neo
   * compilation job, which compiles only the framework versions and regions in
   * lib/config/service-limits.ts (NEO_ML_INF2).
   * @default 'neuronx' for inf2
   */
  compiler: z.enum(['neuronx', 'neo']).optional(),
  /** @default 1 */
  initialInstanceCount: z.number().int().min(1).max(100).default(1),
  autoscaling: z
    .strictObject({
      /** @default 1 */
      minInstances: z.number().int().min(0).max(100).default(1),
      /** @default 2 */
      maxInstances: z.number().int().min(1).max(100).default(2),
      /** @default 100 */
      targetInvocationsPerInstance: z.number().int().min(1).default(100),
    })
    .prefault({}),
  /** Serverless settings; required when target is serverless. */
  serverless: z
    .strictObject({
      memorySizeMb: z.union(SERVERLESS_MEMORY.map((m) => z.literal(m)), { message: `must be one of ${SERVERLESS_MEMORY.join(', ')}` }),
      maxConcurrency: z.number().int().min(1).max(200),
    })
    .optional(),
  /** Percentage of requests captured for drift checks. @default 20 */
  dataCaptureSamplingPercent: z.number().int().min(0).max(100).default(20),
  /** Payload format of the endpoint. @default 'text/csv' */
  contentType: z.enum(['text/csv', 'application/json']).default('text/csv'),
  /**
   * How a new version replaces the one in service (SageMaker blue/green deployment). A canary or
   * linear step is at most half the variant's instances, so both need a fleet of two or more.
   * @default 'canary' for instance endpoints whose every fleet size (autoscaling.minInstances up) allows one, else 'all-at-once'; 'all-at-once' for serverless (which has no guardrails)
   */
  strategy: z.enum(['canary', 'linear', 'all-at-once']).optional(),
  /** Traffic shifting and baking of the deployment guardrails. */
  deployment: z
    .strictObject({
      /** Share of the new fleet's capacity that takes traffic first. SageMaker allows at most 50 %. @default 10 */
      canaryPercent: z.number().int().min(1).max(50, 'must be at most 50: SageMaker caps the canary at half the fleet').default(10),
      /** Share shifted per step of a linear deployment. SageMaker allows 10 to 50 %. @default 20 */
      linearStepPercent: z.number().int().min(10, 'must be at least 10 (SageMaker allows 10 to 50)').max(50, 'must be at most 50 (SageMaker allows 10 to 50)').default(20),
      /** Bake time after each traffic step; the alarms are watched meanwhile. At most 60 (SageMaker's 3600 s). @default 10 */
      bakeMinutes: z.number().int().min(0).max(60, "must be at most 60: SageMaker's WaitIntervalInSeconds is at most 3600").default(10),
      /** The old fleet is kept this long after the last step, for a fast rollback. @default 5 */
      terminationWaitMinutes: z.number().int().min(0).max(60).default(5),
      /** The deploy workflow gives up waiting for InService after this long. @default 90 */
      timeoutMinutes: z.number().int().min(15).max(480).default(90),
    })
    .prefault({}),
  /** Thresholds of the endpoint's alarms (they also drive rollback). */
  alarms: z
    .strictObject({
      /** ModelLatency p99 above this many milliseconds. @default 500 */
      latencyP99Ms: z.number().positive().default(500),
      /** Share of invocations answered 5xx, in percent. @default 1 */
      errorRatePercent: z.number().positive().max(100).default(1),
      /** InvocationModelErrors per minute. @default 5 */
      modelErrorsPerMinute: z.number().int().min(1).default(5),
      /** Consecutive breaching minutes before an alarm fires. @default 3 */
      evaluationMinutes: z.number().int().min(1).max(60).default(3),
    })
    .prefault({}),
  /** Run the model's containers without network access. @default false */
  networkIsolation: z.boolean().default(false),
  /** Deploy a version as soon as it is approved. @default false */
  autoDeploy: z.boolean().default(false),
});

const driftSchema = z.strictObject({
  /** @default 'rate(15 minutes)' */
  schedule: schedule.default('rate(15 minutes)'),
  /** @default 0.2 */
  psiThreshold: z.number().positive().default(0.2),
  /** @default 0.1 */
  ksThreshold: z.number().positive().max(1).default(0.1),
  /**
   * Minutes of captured traffic each check compares with the baseline. Windows never overlap and
   * leave no gap when this equals the schedule's period.
   * @default the period of a rate(...) schedule; required with a cron schedule
   */
  windowMinutes: z.number().int().min(15).max(1440).multipleOf(15, 'must be a multiple of 15: windows end on a quarter hour').optional(),
  /** Windows in a row that must drift before retraining is triggered. @default 2 */
  consecutiveWindows: z.number().int().min(1).max(96).default(2),
  /** @default true */
  retrainOnDrift: z.boolean().default(true),
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
    name: kebabName(32),
    description: z.string().max(256).optional(),
    /** Team that owns the model; its resources carry this team's tag. */
    ownerTeam: tagValue,
    framework: z.strictObject({
      name: z.enum(['pytorch', 'tensorflow', 'xgboost', 'sklearn']),
      version: z.string().regex(/^\d+\.\d+(\.\d+)?$/, 'must be a version like 2.5 or 2.5.1'),
    }),
    /** Online features joined by the client for entity ids. @default - callers pass features */
    features: featureGroupSchema.optional(),
    preprocessing: preprocessingSchema,
    training: trainingSchema,
    gate: gateSchema,
    serving: servingSchema.prefault({}),
    drift: driftSchema.prefault({}),
    /** What the cost estimate assumes for this model (`gantry cost report`): the expected traffic and training. */
    usage: z
      .strictObject({
        /** Predictions a month. @default 100000 */
        invocationsPerMonth: z.number().int().min(0).default(100_000),
        /** Request plus response size, KB (data capture storage, serverless data processing). @default 2 */
        payloadKb: z.number().positive().default(2),
        /** Mean duration of a serverless invocation, ms. @default 100 */
        serverlessDurationMs: z.number().positive().default(100),
        /** Training runs a month. @default 4 */
        trainingRunsPerMonth: z.number().min(0).default(4),
        /** Billable hours of one training run (per instance). @default 1 */
        trainingHoursPerRun: z.number().positive().default(1),
        /** What managed spot saves on training, in percent (AWS quotes up to 90 %). @default 70 */
        spotDiscountPercent: z.number().min(0).max(90).default(70),
        /** Billable hours of one preprocessing job. @default 0.25 */
        processingHoursPerRun: z.number().min(0).default(0.25),
        /** Duration of one drift check, seconds. @default 20 */
        driftCheckSeconds: z.number().positive().default(20),
      })
      .prefault({}),
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
    /** Stage name, used in stack names and SSM paths. */
    name: kebabName(16),
    /** AWS account id. @default - environment-agnostic (synthesizes without an account) */
    account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id').optional(),
    region: z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, 'must be an AWS region like us-east-1'),
    /** The four cost-allocation tags on every resource. */
    tags: z.strictObject({ costCenter: tagValue, team: tagValue, project: tagValue, environment: tagValue }),
    /** What happens to stateful resources (buckets, tables, key) when the stack is deleted. */
    removalPolicy: z.enum(['retain', 'destroy']),
    /** Budgets and cost alerts (the governance stack). */
    budgets: z.strictObject({
      monthlyLimitUsd: positiveUsd,
      /** Monthly limit per team tag value. @default {} */
      teamMonthlyLimitsUsd: z.record(tagValue, positiveUsd).default({}),
      /** Cost anomaly alert threshold. @default 100 */
      anomalyThresholdUsd: positiveUsd.default(100),
      /** Emails subscribed to budget and anomaly alerts. @default [] */
      subscriberEmails: z.array(z.email({ message: 'must be an email address' })).default([]),
      /**
       * The stage deploys to the organization's payer (management) account: the deploy activates
       * the five cost-allocation tags there. Elsewhere, activation is a one-time step in the payer
       * account (the synth summary prints it). @default false
       */
      payerAccount: z.boolean().default(false),
    }),
    /** What the cost estimate assumes for the stage's shared resources (`gantry cost report`). */
    usage: z
      .strictObject({
        /** Data held in the lake (all zones), GB. @default 50 */
        dataLakeGb: z.number().min(0).default(50),
        /** Data through the NAT gateways a month, GB (only with a VPC). @default 20 */
        natGbPerMonth: z.number().min(0).default(20),
        /** Log data ingested a month (functions and workflows), GB. @default 1 */
        logsGbPerMonth: z.number().min(0).default(1),
      })
      .prefault({}),
    /**
     * Days CloudWatch Logs keeps the stage's log groups (functions, workflows, flow logs): one of
     * the values CloudWatch Logs accepts. Control Tower's CT.CLOUDWATCH.PR.2 requires at least 365.
     * @default 365
     */
    logRetentionDays: z
      .number()
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), { message: `must be one of the retention periods CloudWatch Logs accepts (${LOG_RETENTION.url}): ${LOG_RETENTION_DAYS.join(', ')}` })
      .default(365),
    /** A VPC for SageMaker jobs and endpoints. @default - no VPC */
    vpc: z
      .strictObject({
        /** @default '10.40.0.0/16' */
        cidr: cidr.default('10.40.0.0/16'),
        /** @default 2 */
        maxAzs: z.number().int().min(2).max(3).default(2),
        /** @default 1 */
        natGateways: z.number().int().min(0).max(3).default(1),
        /** Interface endpoints (SageMaker, ECR, STS, Logs) so jobs reach AWS without the internet. @default true */
        interfaceEndpoints: z.boolean().default(true),
      })
      .optional(),
    /** Data lake tiering and retention. */
    lake: z
      .strictObject({
        /** Objects above this size move to Intelligent-Tiering. @default 131072 (128 KiB, below which tiering is not worth its monitoring fee) */
        tieringMinObjectSizeBytes: z.number().int().min(0).default(128 * 1024),
        /** @default 30 */
        noncurrentVersionExpirationDays: z.number().int().min(1).max(3650).default(30),
        /** @default 7 */
        abortIncompleteUploadDays: z.number().int().min(1).max(365).default(7),
        /** @default 365 */
        accessLogRetentionDays: z.number().int().min(1).max(3650).default(365),
      })
      .prefault({}),
    /** Feature groups of the feature store. @default [] */
    featureGroups: z.array(featureGroupDefinitionSchema).default([]),
    /** @default [] */
    models: z.array(modelSchema).default([]),
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
