import { StageModel } from '../support/stage-model';
import type { StageTemplates } from '../support/stage-templates';
import { EncryptionFacts } from './encryption';
import { FUNCTION_CALLS } from './function-calls';
import { functionInvocations, type FunctionInvocation } from './function-invocations';
import { IMPLIED_PERMISSIONS, type RuleContext } from './implied-permissions';
import { isolationNegatives, modelRoles, ownershipNegatives, zoneNegatives } from './negatives';
import { rolesWithPolicies, type RoleWithPolicies } from './principals';
import { dedupe, type RequestSpec, type RolePrincipal, type RunTimeRequest } from './requests';
import { ResourcePolicies } from './resource-policies';
import { workflowTasks, type WorkflowTask } from './workflows';

/*
 * Every run-time request of a stage, derived from its synthesized templates: each state
 * machine task's call and what it implies, each Lambda handler's declared SDK calls for each
 * way it is invoked, what the stage's resources make services and roles do, the KMS requests
 * encrypted data implies, and the security negatives.
 */

export interface StageRequests {
  readonly model: StageModel;
  readonly roles: readonly RoleWithPolicies[];
  readonly policies: ResourcePolicies;
  readonly tasks: readonly WorkflowTask[];
  readonly invocations: readonly FunctionInvocation[];
  readonly requests: readonly RunTimeRequest[];
}

function functionRequests(invocation: FunctionInvocation): RunTimeRequest[] {
  const calls = FUNCTION_CALLS[invocation.handler];
  if (!calls) throw new Error(`handler ${invocation.handler} has no declaration in function-calls.ts`);
  return calls.flatMap((call) =>
    (call.requests?.(invocation) ?? []).map((spec) => ({
      ...spec,
      principal: spec.principal ?? invocation.role,
      origin: `${invocation.fn.path ?? invocation.fn.logicalId} ${call.command} (invoked by ${invocation.origin})`,
    })),
  );
}

export function stageRequests(templates: StageTemplates): StageRequests {
  const model = new StageModel(templates);
  const roles = rolesWithPolicies(model);
  const byArn = new Map(roles.map((r) => [r.principal.arn, r.principal]));
  const role = (arn: string, where: string): RolePrincipal => {
    const found = byArn.get(arn);
    if (!found) throw new Error(`${where} names the role ${arn}, which is not a role of the stage`);
    return found;
  };
  const images = new Map(templates.config.models.map((m) => [m.name, m.serving.image ?? m.training.image]));
  const tasks = workflowTasks(model, roles, images);
  const context: RuleContext = { env: model.environment, model, encryption: new EncryptionFacts(model), tasks, role };

  const requests: RunTimeRequest[] = [];
  const fromSpec = (spec: RequestSpec, principal: RunTimeRequest['principal'], origin: string, rule: string): RunTimeRequest => ({
    ...spec,
    principal: spec.principal ?? principal,
    origin: spec.origin ?? origin,
    ...(rule === 'task-call' ? {} : { rule: spec.rule ?? rule }),
  });
  for (const rule of IMPLIED_PERMISSIONS) {
    if (rule.kind === 'task') for (const task of tasks) requests.push(...rule.imply(task, context).map((spec) => fromSpec(spec, task.role, task.origin, rule.id)));
    if (rule.kind === 'stage') requests.push(...rule.imply(context));
  }
  const invocations = functionInvocations(model, tasks, role);
  for (const invocation of invocations) requests.push(...functionRequests(invocation));

  // Encrypted data implies KMS requests; the KMS requests imply nothing more.
  const implied = dedupe(requests)
    .filter((request) => request.expect !== 'deny')
    .flatMap((request) =>
      IMPLIED_PERMISSIONS.flatMap((rule) => (rule.kind === 'request' ? rule.imply(request, context).map((spec) => fromSpec(spec, request.principal, `${request.action} ${request.resource} (${request.origin})`, rule.id)) : [])),
    );
  const all = dedupe([...requests, ...implied]);
  const sagemakerRoles = modelRoles(tasks, role);
  const negatives = [...isolationNegatives(all, sagemakerRoles, templates.config.name), ...zoneNegatives(model, templates.config.name, sagemakerRoles), ...ownershipNegatives(all)];
  return { model, roles, policies: new ResourcePolicies(model, roles), tasks, invocations, requests: dedupe([...all, ...negatives]) };
}
