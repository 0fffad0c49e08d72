// zod/mini: the same checks as classic zod at a twentieth of the bundle size (cold starts).
import * as z from 'zod/mini';
import {
  DEPLOY_ERRORS,
  DEPLOY_STRATEGIES,
  deploymentResourceName,
  MAX_DEPLOYABLE_VERSION,
  type DeployPlan,
  type DeployStrategy,
  type FailedEndpoint,
  type PrepareDeployEvent,
} from '../../../lib/contract';
import type { ModelVersion, Pointers } from '../registry/model';
import { describeIssue } from '../input/issues';
import { endpointOwnership, type EndpointOwner } from './endpoint-owner';

/**
 * The deploy workflow's decisions (pure: no SDK): which deploy inputs are valid, which versions
 * may go to production, which endpoint states a deployment may start from (and which Failed
 * endpoint it replaces), and the plan the
 * workflow's later states follow. The errors' names are DEPLOY_ERRORS: the workflow's Catch
 * and Fail states match them.
 */

/** The execution's input is malformed or not possible on this model's target; `issues` name each field. */
export class InvalidDeployInputError extends Error {
  constructor(readonly issues: readonly string[], options?: { cause?: unknown }) {
    super(`invalid deploy input: ${issues.join('; ')}`, options);
    this.name = DEPLOY_ERRORS.invalidInput;
  }
}

/** The registry does not allow this version to go to production now. */
export class VersionNotDeployableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = DEPLOY_ERRORS.notDeployable;
  }
}

/** The endpoint is in the middle of another change: a deployment can only start from InService (or no endpoint). */
export class EndpointBusyError extends Error {
  constructor(readonly endpointName: string, readonly status: string, failureReason?: string) {
    // A Deleting endpoint (a replacement that ran out of time, or an operator) will not come back.
    const when = status === 'Deleting' ? 'deploy again once it is gone' : 'deploy again once it is';
    super(`endpoint ${endpointName} is ${status}${failureReason ? ` (${failureReason})` : ''}: a deployment can only start when it is InService or gone; ${when}`);
    this.name = DEPLOY_ERRORS.endpointBusy;
  }
}

/**
 * The endpoint is Failed and this workflow did not create it. SageMaker can only delete a
 * Failed endpoint, and Gantry deletes only the endpoints it created.
 */
export class EndpointFailedError extends Error {
  constructor(readonly endpointName: string, failureReason: string | undefined, notOwnedBecause: string) {
    super(
      `endpoint ${endpointName} is Failed (${failureReason ?? 'SageMaker gave no reason'}) and was not created by this deploy workflow: ${notOwnedBecause}. ` +
        `SageMaker can only delete a Failed endpoint, and Gantry deletes only the endpoints it created: delete it by hand (aws sagemaker delete-endpoint --endpoint-name ${endpointName}), then deploy again`,
    );
    this.name = DEPLOY_ERRORS.endpointFailed;
  }
}

/** A validated deploy input, with the strategy this deployment will use. */
export interface ResolvedDeployInput {
  readonly model: string;
  readonly version: number;
  readonly strategy: DeployStrategy;
  readonly rollback: boolean;
  readonly reason?: string;
  readonly requestedBy?: string;
}

const MAX_REASON_LENGTH = 1024;

const inputSchema = z.strictObject({
  model: z.string(),
  version: z.number().check(z.int(), z.positive('must be a positive version number'), z.lte(MAX_DEPLOYABLE_VERSION, `must be at most ${MAX_DEPLOYABLE_VERSION}`)),
  strategy: z.optional(z.enum(DEPLOY_STRATEGIES)),
  rollback: z.optional(z.boolean()),
  reason: z.optional(z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(MAX_REASON_LENGTH, `must be at most ${MAX_REASON_LENGTH} characters`))),
  requestedBy: z.optional(z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(2048, 'must be at most 2048 characters'))),
});

/**
 * Validates an execution's input against the workflow it started. Every problem is reported at
 * once, each naming the field and the value it had. @throws InvalidDeployInputError
 */
export function parseDeployInput(raw: unknown, workflow: Pick<PrepareDeployEvent, 'model' | 'target' | 'defaultStrategy'>): ResolvedDeployInput {
  const result = inputSchema.safeParse(raw, { reportInput: true });
  const issues = result.success ? [] : result.error.issues.map(formatIssue);
  const model = typeof raw === 'object' && raw !== null ? (raw as { model?: unknown }).model : undefined;
  if (typeof model === 'string' && model !== workflow.model) issues.push(`model: this workflow deploys model "${workflow.model}", got "${model}"`);
  if (!result.success || issues.length > 0) throw new InvalidDeployInputError(issues, { cause: result.error });

  const input = result.data;
  const rollback = input.rollback ?? false;
  if (rollback) {
    // Back to the known-good version as fast as possible: no traffic shifting to bake.
    if (input.strategy !== undefined && input.strategy !== 'all-at-once') {
      throw new InvalidDeployInputError([`strategy: a rollback is always all-at-once, got "${input.strategy}"`]);
    }
    return { ...input, strategy: 'all-at-once', rollback };
  }
  const strategy = input.strategy ?? workflow.defaultStrategy;
  if (workflow.target === 'serverless' && strategy !== 'all-at-once') {
    const origin = input.strategy === undefined ? ` (the model's default)` : '';
    throw new InvalidDeployInputError([`strategy: serverless endpoints have no deployment guardrails; use all-at-once, got "${strategy}"${origin}`]);
  }
  return { ...input, strategy, rollback };
}

/** What the registry allows to be served: the artifact and image of the version. */
export interface Deployable {
  readonly artifactUri: string;
  readonly imageUri: string;
}

/**
 * Checks the version against the registry's state. A deploy needs an Approved version; a
 * rollback needs the last-good version while another one is in production.
 * @throws VersionNotDeployableError
 */
export function checkDeployable(input: ResolvedDeployInput, version: ModelVersion, pointers: Pointers, target: PrepareDeployEvent['target'], compiler: PrepareDeployEvent['compiler'] = 'neo'): Deployable {
  const { model } = input;
  const name = `model ${model} version ${version.version}`;
  if (input.rollback) {
    if (pointers.lastGood !== input.version || pointers.production === undefined) {
      throw new VersionNotDeployableError(
        `model ${model} cannot roll back to version ${input.version}: ${pointers.lastGood !== input.version ? 'it is not the last-good version' : 'no version is in production'} (production: ${describeVersion(pointers.production)}, last-good: ${describeVersion(pointers.lastGood)})`,
      );
    }
  } else if (version.status === 'Production' || pointers.production === version.version) {
    throw new VersionNotDeployableError(`${name} is already in production`);
  } else if (version.status !== 'Approved') {
    throw new VersionNotDeployableError(`${name} is ${version.status}: only Approved versions can be deployed${notApprovedHint(model, version)}`);
  }
  if (target === 'inf2') {
    // Traced by the Neuron container at load (examples/churn/inference.py): the trained artifact serves.
    if (version.compiledArtifactUri === undefined && compiler === 'neuronx') return { artifactUri: version.artifactUri, imageUri: version.imageUri };
    if (version.compiledArtifactUri === undefined) {
      throw new VersionNotDeployableError(`${name} has no Neuron-compiled artifact, which the inf2 target serves: compile it in the training pipeline, or serve the model on another target`);
    }
    return { artifactUri: version.compiledArtifactUri, imageUri: version.imageUri };
  }
  return { artifactUri: version.artifactUri, imageUri: version.imageUri };
}

function notApprovedHint(model: string, version: ModelVersion): string {
  if (version.status === 'Registered') return ` (approve it with gantry registry approve --model ${model} --version ${version.version})`;
  if (version.status === 'Archived') return ' (an Archived version goes back to production only by a rollback, while it is the last-good version)';
  return '';
}

function describeVersion(version: number | undefined): string {
  return version === undefined ? 'none' : `version ${version}`;
}

/** The endpoint as DescribeEndpoint saw it. */
export type EndpointState =
  | { readonly exists: false }
  | { readonly exists: true; readonly status: string; readonly arn?: string; readonly configName?: string; readonly failureReason?: string };

/** What the deployment does with the endpoint it found. */
export type EndpointDecision =
  | { readonly action: 'create' }
  | { readonly action: 'update'; readonly currentConfigName?: string }
  /** Delete the Failed endpoint this workflow created, then create it again. */
  | { readonly action: 'replace'; readonly failed: FailedEndpoint };

/**
 * A Failed endpoint can only be deleted: whether this deployment may do so depends on who
 * created it, which its tags tell. The caller reads them for such an endpoint only.
 */
export function needsOwnerCheck(endpoint: EndpointState): boolean {
  return endpoint.exists && endpoint.status === 'Failed';
}

/**
 * A deployment starts from no endpoint, an InService one, or a Failed one this workflow
 * created (`tags`: the Failed endpoint's, see needsOwnerCheck); SageMaker refuses to update an
 * endpoint in any other state. A Failed one can only be deleted (EndpointStatus in
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_EndpointSummary.html: "DeleteEndpoint
 * is the only operation that can be performed on a failed endpoint").
 * @throws EndpointFailedError, EndpointBusyError
 */
export function checkEndpoint(endpointName: string, endpoint: EndpointState, owner: EndpointOwner, tags?: Readonly<Record<string, string>>): EndpointDecision {
  if (!endpoint.exists) return { action: 'create' };
  if (endpoint.status === 'InService') return { action: 'update', ...(endpoint.configName !== undefined ? { currentConfigName: endpoint.configName } : {}) };
  if (endpoint.status === 'Failed') {
    if (tags === undefined) throw new Error(`checkEndpoint: endpoint ${endpointName} is Failed, and who created it is decided from its tags, which the caller did not read`);
    const ownership = endpointOwnership(tags, owner);
    if (!ownership.owned) throw new EndpointFailedError(endpointName, endpoint.failureReason, ownership.why);
    const failed: FailedEndpoint = {
      ...(endpoint.configName !== undefined ? { configName: endpoint.configName } : {}),
      ...(endpoint.failureReason !== undefined ? { failureReason: endpoint.failureReason } : {}),
    };
    return { action: 'replace', failed };
  }
  throw new EndpointBusyError(endpointName, endpoint.status, endpoint.failureReason);
}

/** The plan of a checked deployment. */
export function buildPlan(args: {
  readonly event: PrepareDeployEvent;
  readonly input: ResolvedDeployInput;
  readonly deployable: Deployable;
  readonly pointers: Pointers;
  readonly endpoint: EndpointDecision;
  readonly instanceTypeChanged: boolean;
}): DeployPlan {
  const { event, input, deployable, pointers, endpoint } = args;
  return {
    model: input.model,
    version: input.version,
    strategy: input.strategy,
    rollback: input.rollback,
    ...(pointers.production !== undefined ? { previousVersion: pointers.production } : {}),
    imageUri: deployable.imageUri,
    artifactUri: deployable.artifactUri,
    resourceName: deploymentResourceName(event.endpointName, input.version, event.deploymentId),
    endpointExists: endpoint.action === 'update',
    ...(endpoint.action === 'update' && endpoint.currentConfigName !== undefined ? { currentConfigName: endpoint.currentConfigName } : {}),
    instanceTypeChanged: args.instanceTypeChanged,
    ...(endpoint.action === 'replace' ? { failedEndpoint: endpoint.failed } : {}),
    reason: input.reason ?? (input.rollback ? `rollback to version ${input.version}` : `deploy of version ${input.version}`),
    requestedBy: input.requestedBy ?? event.executionArn,
  };
}

/** `path: what is wrong, got <value>`: the workflow's caller sees the value it sent. */
function formatIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.') || '(root)';
  if (issue.code === 'unrecognized_keys' || issue.input === undefined) return `${path}: ${describeIssue(issue)}`;
  const got = showValue(issue.input);
  // Not issue.message: loading classic zod anywhere in the process replaces zod/mini's bare
  // 'Invalid input' with its own English text, so only the checks' own messages are stable.
  if (issue.code === 'invalid_type') return issue.expected === 'int' ? `${path}: must be a whole number, got ${got}` : `${path}: expected ${issue.expected}, got ${got}`;
  if (issue.code === 'invalid_value') return `${path}: ${describeIssue(issue)}, got ${got}`;
  return `${path}: ${issue.message}, got ${got}`;
}

function showValue(value: unknown): string {
  if (typeof value === 'string') return value.length > 64 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}
