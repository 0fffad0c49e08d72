import {
  getDenialReasons,
  getGrantReasons,
  runSimulation,
  type EvaluationResult,
  type RequestDenial,
  type RequestGrant,
  type Simulation,
} from '@cloud-copilot/iam-simulate';
import type { StageConfigInput } from '../../lib/config';
import type { AwsEnvironment } from '../support/physical-names';
import { synthesizeStageTemplates, type StageTemplates } from '../support/stage-templates';
import type { PolicyDocument, RoleWithPolicies } from './principals';
import { arnAccount, type RunTimeRequest } from './requests';
import type { ResourcePolicies } from './resource-policies';
import { stageRequests, type StageRequests } from './stage-requests';

/*
 * Each run-time request evaluated offline by @cloud-copilot/iam-simulate against the
 * principal's identity policies and the resource's policy (key, topic, bucket, function,
 * trust), as AWS would evaluate it: same-account and cross-account rules, explicit denies,
 * KMS key policy and trust policy semantics.
 */

export interface SimulatedRequest {
  readonly request: RunTimeRequest;
  readonly result: EvaluationResult;
  /** The request got the decision it should (allowed, or denied for a security negative). */
  readonly ok: boolean;
  readonly identityResult?: string;
  readonly resourceResult?: string;
  /** Which resource policy was evaluated, if any. */
  readonly resourcePolicySource?: string;
  readonly denials: readonly RequestDenial[];
  readonly grants: readonly RequestGrant[];
}

export interface StageSimulation extends StageRequests {
  readonly results: readonly SimulatedRequest[];
}

/**
 * iam-simulate only recognizes variable condition keys of the `prefix/name` form
 * (aws:PrincipalTag/x); `kms:EncryptionContext:<key>` uses a colon, so runSimulation drops it
 * from the request as not applicable, and key policy statements conditioned on it never match.
 * The key is renamed, consistently in the request and in every policy, to a `/` form the
 * simulator keeps. simulate.test.ts fails once iam-simulate no longer drops the key.
 */
export const ENCRYPTION_CONTEXT_ALIAS = 'aws:RequestTag/kms-encryption-context.';
const ENCRYPTION_CONTEXT = /^kms:EncryptionContext:(.+)$/i;
const alias = (key: string) => key.replace(ENCRYPTION_CONTEXT, (_, name: string) => `${ENCRYPTION_CONTEXT_ALIAS}${name}`);

function aliasConditions(policy: PolicyDocument): PolicyDocument {
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  return {
    ...policy,
    Statement: statements.map((statement) => {
      const condition = statement.Condition;
      if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) return statement;
      const renamed = Object.fromEntries(
        Object.entries(condition).map(([operator, block]) => [
          operator,
          block !== null && typeof block === 'object' && !Array.isArray(block) ? Object.fromEntries(Object.entries(block).map(([key, value]) => [alias(key), value])) : block,
        ]),
      );
      return { ...statement, Condition: renamed };
    }),
  };
}

/** The context every request carries: TLS (the buckets' and topics' policies deny anything else). */
function baseContext(request: RunTimeRequest): Record<string, string> {
  return { 'aws:SecureTransport': 'true', ...(request.action.startsWith('s3:') ? { 's3:TlsVersion': '1.3' } : {}) };
}

/** The simulation of one request. */
export function simulationOf(request: RunTimeRequest, roles: ReadonlyMap<string, RoleWithPolicies>, policies: ResourcePolicies, env: AwsEnvironment): { simulation: Simulation; resourcePolicySource?: string } {
  const role = request.principal.kind === 'role' ? roles.get(request.principal.id) : undefined;
  if (request.principal.kind === 'role' && !role) throw new Error(`no policies for ${request.principal.id}`);
  const principal = role ? `arn:${env.partition}:sts::${env.account}:assumed-role/${role.principal.roleName}/gantry-session` : request.principal.id;
  const resourcePolicy = policies.policyFor(request.action, request.resource);
  const contextVariables: Record<string, string | string[]> = Object.fromEntries(
    Object.entries({ ...baseContext(request), ...request.context }).map(([key, value]) => [alias(key), typeof value === 'string' ? value : [...value]]),
  );
  return {
    simulation: {
      request: {
        principal,
        action: request.action,
        resource: { resource: request.resource, accountId: arnAccount(request.resource) ?? env.account },
        contextVariables,
      },
      identityPolicies: (role?.identityPolicies ?? []).map((p) => ({ name: p.name, policy: aliasConditions(p.policy) })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy ? { resourcePolicy: aliasConditions(resourcePolicy.policy) } : {}),
    },
    ...(resourcePolicy ? { resourcePolicySource: resourcePolicy.source } : {}),
  };
}

async function simulateOne(request: RunTimeRequest, roles: ReadonlyMap<string, RoleWithPolicies>, policies: ResourcePolicies, env: AwsEnvironment): Promise<SimulatedRequest> {
  const { simulation, resourcePolicySource } = simulationOf(request, roles, policies, env);
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') {
    // A request the simulator refuses (an unknown action, an ARN of the wrong type) is a bug in
    // the request or the template: fail loudly rather than count it as denied.
    throw new Error(`iam-simulate refused ${request.principal.id} ${request.action} on ${request.resource} (${request.origin}): ${JSON.stringify(response.errors)}`);
  }
  const result = response.overallResult;
  const expectDeny = request.expect === 'deny';
  const analysis = response.resultType === 'single' ? response.result.analysis : response.results[0]?.analysis;
  return {
    request,
    result,
    ok: expectDeny ? result !== 'Allowed' : result === 'Allowed',
    ...(analysis?.identityAnalysis ? { identityResult: analysis.identityAnalysis.result } : {}),
    ...(analysis?.resourceAnalysis ? { resourceResult: analysis.resourceAnalysis.result } : {}),
    ...(resourcePolicySource ? { resourcePolicySource } : {}),
    denials: analysis && result !== 'Allowed' ? getDenialReasons(analysis) : [],
    grants: analysis && result === 'Allowed' ? getGrantReasons(analysis) : [],
  };
}

/** Simulates `requests` a batch at a time (iam-simulate reads its action data asynchronously). */
export async function simulateRequests(requests: readonly RunTimeRequest[], roles: readonly RoleWithPolicies[], policies: ResourcePolicies, env: AwsEnvironment): Promise<SimulatedRequest[]> {
  const byId = new Map(roles.map((role) => [role.principal.id, role]));
  const results: SimulatedRequest[] = [];
  for (let i = 0; i < requests.length; i += 64) {
    results.push(...(await Promise.all(requests.slice(i, i + 64).map((request) => simulateOne(request, byId, policies, env)))));
  }
  return results;
}

/** The decisions on a stage's derived requests. */
export function simulateStage(derived: StageRequests): Promise<SimulatedRequest[]> {
  return simulateRequests(derived.requests, derived.roles, derived.policies, derived.model.environment);
}

/** Every run-time request of a stage (a shipped stage's name, a config, or templates already synthesized) with its decision. */
export async function simulate(stage: string | StageConfigInput | StageTemplates): Promise<StageSimulation> {
  const templates = typeof stage === 'object' && 'stacks' in stage ? stage : synthesizeStageTemplates(stage);
  const derived = stageRequests(templates);
  return { ...derived, results: await simulateStage(derived) };
}
