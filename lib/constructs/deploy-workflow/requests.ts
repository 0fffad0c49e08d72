import type { ModelConfig } from '../../config';
import { hasInstanceStorage } from '../../config/instance-types';
import { MODEL_NAME_ENV, MODEL_VERSION_ENV, PRODUCTION_VARIANT, type DeployStrategy } from '../../contract';
import type { JobTags } from '../training-pipeline/requests';

/*
 * The SageMaker and Application Auto Scaling requests of the deploy workflow, as Step
 * Functions Parameters (JSONPath). Pure functions of the config, testable field by field.
 *
 * The state input these paths read:
 *   $.plan          the DeployPlan of the deploy function's `prepare` action
 *                   (resourceName, imageUri, artifactUri, version, strategy, ...)
 */

/** Where the endpoint lives and what it runs as. Values may be CDK tokens. */
export interface EndpointLocations {
  readonly endpointName: string;
  /** The SageMaker execution role of the model's containers. */
  readonly roleArn: string;
  readonly kmsKeyArn: string;
  /** Data capture destination: `s3://<capture bucket>`. Objects land under `<endpoint>/<variant>/yyyy/mm/dd/hh/`. */
  readonly captureUri: string;
  readonly vpc?: { readonly subnetIds: readonly string[]; readonly securityGroupIds: readonly string[] };
}

export function createModelRequest(model: ModelConfig, at: EndpointLocations, tags: JobTags): Record<string, unknown> {
  return {
    'ModelName.$': '$.plan.resourceName',
    ExecutionRoleArn: at.roleArn,
    PrimaryContainer: {
      'Image.$': '$.plan.imageUri',
      // On inf2 this is the Neuron-compiled artifact (the deploy function picks it).
      'ModelDataUrl.$': '$.plan.artifactUri',
      Environment: {
        // The container knows which version it serves (and may echo it to callers).
        [`${MODEL_VERSION_ENV}.$`]: 'States.Format(\'{}\', $.plan.version)',
        [MODEL_NAME_ENV]: model.name,
        // The serving script is packaged in the artifact (model.tar.gz: code/inference.py).
        SAGEMAKER_PROGRAM: 'inference.py',
        SAGEMAKER_CONTAINER_LOG_LEVEL: '20',
      },
    },
    EnableNetworkIsolation: model.serving.networkIsolation,
    ...(at.vpc ? { VpcConfig: { Subnets: at.vpc.subnetIds, SecurityGroupIds: at.vpc.securityGroupIds } } : {}),
    Tags: tags,
  };
}

export function createEndpointConfigRequest(model: ModelConfig, at: EndpointLocations, tags: JobTags): Record<string, unknown> {
  const s = model.serving;
  if (s.target === 'serverless') {
    // Serverless endpoints cannot capture data and have no storage volume to encrypt.
    return {
      'EndpointConfigName.$': '$.plan.resourceName',
      ProductionVariants: [
        { VariantName: PRODUCTION_VARIANT, 'ModelName.$': '$.plan.resourceName', ServerlessConfig: { MemorySizeInMB: s.serverless!.memorySizeMb, MaxConcurrency: s.serverless!.maxConcurrency } },
      ],
      Tags: tags,
    };
  }
  const instanceType = s.instanceType!;
  return {
    'EndpointConfigName.$': '$.plan.resourceName',
    ProductionVariants: [{ VariantName: PRODUCTION_VARIANT, 'ModelName.$': '$.plan.resourceName', InstanceType: instanceType, InitialInstanceCount: s.initialInstanceCount }],
    DataCaptureConfig: {
      EnableCapture: true,
      InitialSamplingPercentage: s.dataCaptureSamplingPercent,
      DestinationS3Uri: at.captureUri,
      KmsKeyId: at.kmsKeyArn,
      CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
      // Listed types are captured as text (CSV/JSON), not base64: the drift check reads them as is.
      CaptureContentTypeHeader: { CsvContentTypes: ['text/csv'], JsonContentTypes: ['application/json'] },
    },
    // Instance storage (g5, ...) is encrypted in hardware; SageMaker refuses a key for it.
    ...(hasInstanceStorage(instanceType) ? {} : { KmsKeyId: at.kmsKeyArn }),
    Tags: tags,
  };
}

export function createEndpointRequest(at: EndpointLocations, tags: JobTags): Record<string, unknown> {
  return { EndpointName: at.endpointName, 'EndpointConfigName.$': '$.plan.resourceName', Tags: tags };
}

/**
 * UpdateEndpoint for a strategy. Canary and linear are SageMaker blue/green deployments with
 * traffic shifting, baking, and automatic rollback when one of `alarmNames` fires; all-at-once
 * shifts everything in one step and bakes once. `rollback: true` (putting last-good back) has
 * no auto-rollback: the alarms that caused it are still in ALARM and would undo it at once.
 * Serverless endpoints get a plain update: SageMaker has no guardrails for them.
 */
export function updateEndpointRequest(model: ModelConfig, at: EndpointLocations, strategy: DeployStrategy, alarmNames: readonly string[], options: { rollback?: boolean } = {}): Record<string, unknown> {
  const base = { EndpointName: at.endpointName, 'EndpointConfigName.$': '$.plan.resourceName' };
  if (model.serving.target === 'serverless') return base;
  const d = model.serving.deployment;
  const bake = d.bakeMinutes * 60;
  const routing =
    strategy === 'canary'
      ? { Type: 'CANARY', CanarySize: { Type: 'CAPACITY_PERCENT', Value: d.canaryPercent }, WaitIntervalInSeconds: bake }
      : strategy === 'linear'
        ? { Type: 'LINEAR', LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: d.linearStepPercent }, WaitIntervalInSeconds: bake }
        : { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: options.rollback ? 0 : bake };
  return {
    ...base,
    // Keep the instance count autoscaling has reached instead of resetting to InitialInstanceCount.
    RetainAllVariantProperties: true,
    DeploymentConfig: {
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: routing,
        TerminationWaitInSeconds: options.rollback ? 0 : d.terminationWaitMinutes * 60,
        MaximumExecutionTimeoutInSeconds: maxExecutionSeconds(model, strategy),
      },
      ...(options.rollback ? {} : { AutoRollbackConfiguration: { Alarms: alarmNames.map((AlarmName) => ({ AlarmName })) } }),
    },
  };
}

/**
 * SageMaker's limit on a blue/green deployment (600 to 28800 s). It must exceed the baking
 * and termination waits: the configured timeout, and never less than those waits plus 10 minutes.
 */
export function maxExecutionSeconds(model: ModelConfig, strategy: DeployStrategy): number {
  const d = model.serving.deployment;
  const steps = strategy === 'canary' ? 2 : strategy === 'linear' ? Math.ceil(100 / d.linearStepPercent) : 1;
  const waits = steps * d.bakeMinutes * 60 + d.terminationWaitMinutes * 60;
  return Math.min(28_800, Math.max(600, d.timeoutMinutes * 60, waits + 600));
}

/** The autoscaling resource of the endpoint's variant. */
export function scalableTargetId(endpointName: string): string {
  return `endpoint/${endpointName}/variant/${PRODUCTION_VARIANT}`;
}

const SCALABLE = { ServiceNamespace: 'sagemaker', ScalableDimension: 'sagemaker:variant:DesiredInstanceCount' } as const;

export function registerScalableTargetRequest(model: ModelConfig, at: EndpointLocations, tags: Readonly<Record<string, string>>): Record<string, unknown> {
  const a = model.serving.autoscaling;
  return { ...SCALABLE, ResourceId: scalableTargetId(at.endpointName), MinCapacity: a.minInstances, MaxCapacity: a.maxInstances, Tags: { ...tags } };
}

export function putScalingPolicyRequest(model: ModelConfig, at: EndpointLocations): Record<string, unknown> {
  return {
    ...SCALABLE,
    PolicyName: `${at.endpointName}-invocations`,
    ResourceId: scalableTargetId(at.endpointName),
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingScalingPolicyConfiguration: {
      TargetValue: model.serving.autoscaling.targetInvocationsPerInstance,
      PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
      // Scale out fast on a burst, scale in slowly so a dip does not drop capacity.
      ScaleOutCooldown: 60,
      ScaleInCooldown: 300,
    },
  };
}

export function deregisterScalableTargetRequest(at: EndpointLocations): Record<string, unknown> {
  return { ...SCALABLE, ResourceId: scalableTargetId(at.endpointName) };
}
