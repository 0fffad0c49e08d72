import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeEndpointConfigCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { describeEndpointIfExists, listTags } from '../adapters/sagemaker-endpoint';
import * as z from 'zod/mini';
import {
  DEPLOY_STRATEGIES,
  ENDPOINT_EVENT_TYPES,
  ENV,
  PRODUCTION_VARIANT,
  type CompleteDeployEvent,
  type DeployPlan,
  type EndpointProbe,
  type PrepareDeployEvent,
  type ProbeEndpointEvent,
  type RecordEndpointEvent,
} from '../../lib/contract';
import { DynamoRegistry } from '../adapters/dynamo-registry';
import { endpointEvent } from '../core/deploy/endpoint-events';
import { buildPlan, checkDeployable, checkEndpoint, needsOwnerCheck, parseDeployInput, VersionNotDeployableError, type EndpointState } from '../core/deploy/plan';
import { UnknownModelError, UnknownVersionError, type ModelVersion, type Pointers, type Registry, type RegistryEvent } from '../core/registry/model';
import { modelNameSchema } from '../core/input/model-name';
import { InvalidEventError, parseEvent } from '../shared/invalid-event';
import { lazyHandler } from '../shared/lazy-handler';
import { logger, requireEnv, tracer } from '../shared/observability';

/**
 * The deploy workflow's function, shared by every model of a stage. `prepare` checks the
 * execution's input against the registry and the endpoint and returns the DeployPlan the
 * workflow follows; `probe` tells whether a Failed endpoint being deleted is gone; `record`
 * appends the replacement of a Failed endpoint to the history; `complete`, once the endpoint
 * serves the new version, records it in the registry (a promotion, or a rollback to
 * last-good). Refusals throw errors named by DEPLOY_ERRORS; a malformed event throws
 * InvalidEventError.
 */
export interface DeployDeps {
  readonly registry: Pick<Registry, 'getVersion' | 'pointers' | 'promote' | 'rollback' | 'recordEndpointEvent'>;
  readonly sagemaker: SageMakerClient;
}

/** What `complete` did: the registry event it appended, none when a retry found it done. */
export interface CompleteDeployResult {
  readonly event?: RegistryEvent;
  /** The registry already showed the version in production (a retry after the write committed). */
  readonly alreadyDone: boolean;
}

/** What `record` did: the event, appended now or (a retry) before. */
export interface RecordEndpointResult {
  readonly event: RegistryEvent;
  readonly alreadyRecorded: boolean;
}

export type DeployResult = DeployPlan | EndpointProbe | RecordEndpointResult | CompleteDeployResult;

const version = () => z.number().check(z.int(), z.positive('must be a positive version number'));
const executionArn = z.string().check(z.regex(/^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:(execution|express):[^:]+:[^:]+$/, 'must be a Step Functions execution ARN'));
const text = () => z.string().check(z.minLength(1, 'must not be empty'));
// https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeEndpoint.html: names and FailureReason.
const sagemakerName = (what: string) => z.string().check(z.regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, `must be a SageMaker ${what} name`));

const actionSchema = z.looseObject({ action: z.enum(['prepare', 'probe', 'record', 'complete']) });

const prepareSchema = z.strictObject({
  action: z.literal('prepare'),
  model: modelNameSchema,
  // The execution's input: checked by parseDeployInput, whose errors the workflow catches by name.
  input: z.unknown(),
  endpointName: sagemakerName('endpoint'),
  target: z.enum(['inf2', 'gpu', 'cpu', 'serverless']),
  compiler: z.optional(z.enum(['neo', 'neuronx'])),
  instanceType: z.optional(z.string().check(z.regex(/^ml\.[a-z0-9-]+\.[a-z0-9]+$/, 'must be a SageMaker instance type (ml.family.size)'))),
  defaultStrategy: z.enum(DEPLOY_STRATEGIES),
  deploymentId: z.string().check(z.regex(/^[0-9a-f]{8}$/, 'must be 8 lowercase hex characters')),
  executionArn,
});

/** A DeployPlan as `prepare` returned it and the workflow passes it back. */
const planSchema = z.strictObject({
  model: modelNameSchema,
  version: version(),
  strategy: z.enum(DEPLOY_STRATEGIES),
  rollback: z.boolean(),
  previousVersion: z.optional(version()),
  imageUri: text(),
  artifactUri: text(),
  resourceName: text(),
  endpointExists: z.boolean(),
  currentConfigName: z.optional(text()),
  instanceTypeChanged: z.boolean(),
  // Optional: plans made before it existed (an execution in flight across an upgrade) have none.
  failedEndpoint: z.optional(
    z.strictObject({
      configName: z.optional(sagemakerName('endpoint config')),
      failureReason: z.optional(z.string().check(z.maxLength(1024, 'must be at most 1024 characters (SageMaker\'s FailureReason)'))),
    }),
  ),
  reason: text(),
  requestedBy: text(),
});

const probeSchema = z.strictObject({
  action: z.literal('probe'),
  endpointName: sagemakerName('endpoint'),
});

const recordSchema = z.strictObject({
  action: z.literal('record'),
  type: z.enum(ENDPOINT_EVENT_TYPES),
  endpointName: sagemakerName('endpoint'),
  plan: planSchema,
  executionArn,
});

const completeSchema = z.strictObject({
  action: z.literal('complete'),
  plan: planSchema,
  executionArn,
});

export function makeHandler(deps: DeployDeps): (event: unknown) => Promise<DeployResult> {
  return async (event) => {
    const { action } = parseEvent(actionSchema, event);
    switch (action) {
      case 'prepare':
        return prepare(deps, parseEvent(prepareSchema, event));
      case 'probe':
        return probe(deps, parseEvent(probeSchema, event));
      case 'record':
        return record(deps, parseEvent(recordSchema, event));
      case 'complete':
        return complete(deps, parseEvent(completeSchema, event));
    }
  };
}

async function prepare(deps: DeployDeps, event: PrepareDeployEvent): Promise<DeployPlan> {
  // Everything the input alone decides is refused before any read.
  const input = parseDeployInput(event.input, event);
  const [found, pointers] = await readRegistry(deps.registry, input.model, input.version);
  const deployable = checkDeployable(input, found, pointers, event.target, event.compiler);
  const endpoint = await describeEndpoint(deps.sagemaker, event.endpointName);
  const tags = needsOwnerCheck(endpoint) ? await listTags(deps.sagemaker, endpointArn(event.endpointName, endpoint)) : undefined;
  const decision = checkEndpoint(event.endpointName, endpoint, { model: input.model, executionArn: event.executionArn }, tags);
  const instanceTypeChanged = decision.action === 'update' && decision.currentConfigName !== undefined && event.instanceType !== undefined && (await variantInstanceType(deps.sagemaker, decision.currentConfigName)) !== event.instanceType;
  const plan = buildPlan({ event, input, deployable, pointers, endpoint: decision, instanceTypeChanged });
  logger.info('planned deployment', {
    model: plan.model,
    version: plan.version,
    strategy: plan.strategy,
    rollback: plan.rollback,
    previousVersion: plan.previousVersion,
    endpointExists: plan.endpointExists,
    instanceTypeChanged,
    replacesFailedEndpoint: plan.failedEndpoint !== undefined,
  });
  return plan;
}

/** Whether the endpoint is still there; the workflow polls it while a Failed endpoint is deleted. */
async function probe(deps: DeployDeps, event: ProbeEndpointEvent): Promise<EndpointProbe> {
  const described = await describeEndpointIfExists(deps.sagemaker, event.endpointName);
  if (described === undefined) return { exists: false };
  if (!described.EndpointStatus) throw new Error(`DescribeEndpoint ${event.endpointName} returned no status`);
  return { exists: true, status: described.EndpointStatus };
}

async function record(deps: DeployDeps, event: RecordEndpointEvent): Promise<RecordEndpointResult> {
  const { plan } = event;
  if (plan.failedEndpoint === undefined) {
    throw new InvalidEventError([`plan.failedEndpoint: required to record ${event.type}, and absent: this plan replaces no Failed endpoint`]);
  }
  const input = endpointEvent(event.type, { endpointName: event.endpointName, plan: { ...plan, failedEndpoint: plan.failedEndpoint }, executionArn: event.executionArn });
  const recorded = await deps.registry.recordEndpointEvent(plan.model, input);
  logger.info(recorded.alreadyRecorded ? 'endpoint event already recorded' : 'recorded endpoint event', { model: plan.model, type: event.type, version: plan.version, seq: recorded.event.seq });
  return recorded;
}

async function complete(deps: DeployDeps, { plan }: CompleteDeployEvent): Promise<CompleteDeployResult> {
  // A retried task whose first attempt committed: the version is already live in the registry.
  const { production } = await deps.registry.pointers(plan.model);
  if (production === plan.version) {
    logger.info('deployment already recorded', { model: plan.model, version: plan.version });
    return { alreadyDone: true };
  }
  const event = plan.rollback
    ? await deps.registry.rollback(plan.model, plan.requestedBy, plan.reason, { production: plan.previousVersion, lastGood: plan.version })
    : await deps.registry.promote(plan.model, plan.version, plan.requestedBy, plan.reason);
  logger.info('recorded deployment', { model: event.model, type: event.type, version: event.version, previousVersion: event.previousVersion, seq: event.seq });
  return { event, alreadyDone: false };
}

/** The version and the pointers; a model or version the registry does not know is not deployable. */
async function readRegistry(registry: DeployDeps['registry'], model: string, version: number): Promise<[ModelVersion, Pointers]> {
  try {
    return await Promise.all([registry.getVersion(model, version), registry.pointers(model)]);
  } catch (error) {
    if (error instanceof UnknownModelError || error instanceof UnknownVersionError) throw new VersionNotDeployableError(error.message, { cause: error });
    throw error;
  }
}

async function describeEndpoint(sagemaker: SageMakerClient, endpointName: string): Promise<EndpointState> {
  const described = await describeEndpointIfExists(sagemaker, endpointName);
  if (described === undefined) return { exists: false };
  return { exists: true, status: described.EndpointStatus ?? 'unknown', arn: described.EndpointArn, configName: described.EndpointConfigName, failureReason: described.FailureReason };
}

/** ListTags takes the ARN, which DescribeEndpoint always returns. */
function endpointArn(endpointName: string, endpoint: EndpointState): string {
  if (!endpoint.exists || endpoint.arn === undefined) throw new Error(`DescribeEndpoint ${endpointName} returned no EndpointArn, whose tags tell who created the endpoint`);
  return endpoint.arn;
}

/** The instance type of the config's production variant (none for a serverless variant, or no such variant). */
async function variantInstanceType(sagemaker: SageMakerClient, configName: string): Promise<string | undefined> {
  const config = await sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: configName }));
  return config.ProductionVariants?.find((v) => v.VariantName === PRODUCTION_VARIANT)?.InstanceType;
}

function defaultDeps(): DeployDeps {
  const client = tracer.captureAWSv3Client(new DynamoDBClient({}));
  return {
    registry: new DynamoRegistry({ client, tableName: requireEnv(ENV.registryTable) }),
    sagemaker: tracer.captureAWSv3Client(new SageMakerClient({})),
  };
}

/** The Lambda entry point; its clients are created once per execution environment. */
export const handler = lazyHandler(makeHandler, defaultDeps);
