import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeEndpointConfigCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { describeEndpointIfExists } from '../adapters/sagemaker-endpoint';
import * as z from 'zod/mini';
import { DEPLOY_STRATEGIES, ENV, PRODUCTION_VARIANT, type CompleteDeployEvent, type DeployPlan, type PrepareDeployEvent } from '../../lib/contract';
import { DynamoRegistry } from '../adapters/dynamo-registry';
import { buildPlan, checkDeployable, checkEndpoint, parseDeployInput, VersionNotDeployableError, type EndpointState } from '../core/deploy/plan';
import { UnknownModelError, UnknownVersionError, type ModelVersion, type Pointers, type Registry, type RegistryEvent } from '../core/registry/model';
import { modelNameSchema } from '../core/input/model-name';
import { parseEvent } from '../shared/invalid-event';
import { lazyHandler } from '../shared/lazy-handler';
import { logger, requireEnv, tracer } from '../shared/observability';

/**
 * The deploy workflow's function, shared by every model of a stage. `prepare` checks the
 * execution's input against the registry and the endpoint and returns the DeployPlan the
 * workflow follows; `complete`, once the endpoint serves the new version, records it in the
 * registry (a promotion, or a rollback to last-good). Refusals throw errors named by
 * DEPLOY_ERRORS; a malformed event throws InvalidEventError.
 */
export interface DeployDeps {
  readonly registry: Pick<Registry, 'getVersion' | 'pointers' | 'promote' | 'rollback'>;
  readonly sagemaker: SageMakerClient;
}

/** What `complete` did: the registry event it appended, none when a retry found it done. */
export interface CompleteDeployResult {
  readonly event?: RegistryEvent;
  /** The registry already showed the version in production (a retry after the write committed). */
  readonly alreadyDone: boolean;
}

const version = () => z.number().check(z.int(), z.positive('must be a positive version number'));
const executionArn = z.string().check(z.regex(/^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:(execution|express):[^:]+:[^:]+$/, 'must be a Step Functions execution ARN'));
const text = () => z.string().check(z.minLength(1, 'must not be empty'));

const actionSchema = z.looseObject({ action: z.enum(['prepare', 'complete']) });

const prepareSchema = z.strictObject({
  action: z.literal('prepare'),
  model: modelNameSchema,
  // The execution's input: checked by parseDeployInput, whose errors the workflow catches by name.
  input: z.unknown(),
  endpointName: z.string().check(z.regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'must be a SageMaker endpoint name')),
  target: z.enum(['inf2', 'gpu', 'cpu', 'serverless']),
  compiler: z.optional(z.enum(['neo', 'neuronx'])),
  instanceType: z.optional(z.string().check(z.regex(/^ml\.[a-z0-9-]+\.[a-z0-9]+$/, 'must be a SageMaker instance type (ml.family.size)'))),
  defaultStrategy: z.enum(DEPLOY_STRATEGIES),
  deploymentId: z.string().check(z.regex(/^[0-9a-f]{8}$/, 'must be 8 lowercase hex characters')),
  executionArn,
});

const completeSchema = z.strictObject({
  action: z.literal('complete'),
  plan: z.strictObject({
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
    reason: text(),
    requestedBy: text(),
  }),
  executionArn,
});

export function makeHandler(deps: DeployDeps): (event: unknown) => Promise<DeployPlan | CompleteDeployResult> {
  return async (event) => {
    const { action } = parseEvent(actionSchema, event);
    return action === 'prepare' ? prepare(deps, parseEvent(prepareSchema, event)) : complete(deps, parseEvent(completeSchema, event));
  };
}

async function prepare(deps: DeployDeps, event: PrepareDeployEvent): Promise<DeployPlan> {
  // Everything the input alone decides is refused before any read.
  const input = parseDeployInput(event.input, event);
  const [found, pointers] = await readRegistry(deps.registry, input.model, input.version);
  const deployable = checkDeployable(input, found, pointers, event.target, event.compiler);
  const endpoint = await describeEndpoint(deps.sagemaker, event.endpointName);
  checkEndpoint(event.endpointName, endpoint);
  const instanceTypeChanged = endpoint.exists && endpoint.configName !== undefined && event.instanceType !== undefined && (await variantInstanceType(deps.sagemaker, endpoint.configName)) !== event.instanceType;
  const plan = buildPlan({ event, input, deployable, pointers, endpoint, instanceTypeChanged });
  logger.info('planned deployment', { model: plan.model, version: plan.version, strategy: plan.strategy, rollback: plan.rollback, previousVersion: plan.previousVersion, endpointExists: plan.endpointExists, instanceTypeChanged });
  return plan;
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
  return { exists: true, status: described.EndpointStatus ?? 'unknown', configName: described.EndpointConfigName, failureReason: described.FailureReason };
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
