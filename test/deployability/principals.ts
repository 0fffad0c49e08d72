import type { Json } from '../../tools/local/intrinsics';
import type { StageModel, StageResource } from '../support/stage-model';
import type { RolePrincipal } from './requests';

/*
 * The roles of a stage with the policies that decide what they may do: identity policies
 * (AWS::IAM::Policy and AWS::IAM::ManagedPolicy attached through `Roles`, inline `Policies`,
 * `ManagedPolicyArns`) and the trust policy. AWS managed policies cannot be simulated offline
 * (their documents are not in the template), so they are listed for a test to refuse.
 */

/** An AWS managed policy ARN (`arn:aws:iam::aws:policy/...`). */
export function isAwsManagedPolicy(arn: string): boolean {
  return /^arn:[\w-]+:iam::aws:policy\//.test(arn);
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly Readonly<Record<string, Json>>[] | Readonly<Record<string, Json>>;
}

export interface NamedPolicy {
  /** The policy's construct path (or `<role>/<inline name>`), for denial messages. */
  readonly name: string;
  readonly policy: PolicyDocument;
}

export interface RoleWithPolicies {
  readonly principal: RolePrincipal;
  readonly resource: StageResource;
  readonly identityPolicies: readonly NamedPolicy[];
  readonly trustPolicy: PolicyDocument;
  /**
   * Managed policies whose documents are not in the stage's templates (AWS managed policies, or
   * policies of other stacks): they cannot be simulated offline, so a test refuses them.
   */
  readonly unsimulatedPolicyArns: readonly string[];
  /** The services the trust policy lets assume the role. */
  readonly trustedServices: readonly string[];
}

const asArray = <T>(value: T | readonly T[] | undefined): readonly T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value as T]);

function policyDocument(value: Json | undefined, where: string): PolicyDocument {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !('Statement' in value)) throw new Error(`${where} is not a policy document: ${JSON.stringify(value)}`);
  return value as unknown as PolicyDocument;
}

/** The principal id of a role: its construct path without the trailing `/Resource`. */
export function roleId(model: StageModel, role: StageResource): string {
  return model.describe(role).replace(/\/Resource$/, '');
}

export function rolePrincipal(model: StageModel, role: StageResource): RolePrincipal {
  return { kind: 'role', id: roleId(model, role), logicalId: role.logicalId, stackName: role.stackName, roleName: model.ref(role), arn: model.arn(role) };
}

/** Every role of the stage with its policies. */
export function rolesWithPolicies(model: StageModel): RoleWithPolicies[] {
  const attached = new Map<string, NamedPolicy[]>();
  const attach = (roleName: string, policy: NamedPolicy) => attached.set(roleName, [...(attached.get(roleName) ?? []), policy]);
  const managedByArn = new Map<string, NamedPolicy>();

  for (const policy of model.ofType('AWS::IAM::Policy')) {
    const props = model.properties(policy);
    const named = { name: model.describe(policy), policy: policyDocument(props.PolicyDocument, model.describe(policy)) };
    for (const role of asArray(props.Roles as Json)) attach(String(role), named);
  }
  for (const policy of model.ofType('AWS::IAM::ManagedPolicy')) {
    const props = model.properties(policy);
    const named = { name: model.describe(policy), policy: policyDocument(props.PolicyDocument, model.describe(policy)) };
    managedByArn.set(model.ref(policy), named);
    for (const role of asArray(props.Roles as Json)) attach(String(role), named);
  }

  return model.ofType('AWS::IAM::Role').map((role) => {
    const props = model.properties(role);
    const principal = rolePrincipal(model, role);
    const inline = asArray(props.Policies as Json).map((entry) => {
      const { PolicyName, PolicyDocument } = entry as { PolicyName?: Json; PolicyDocument?: Json };
      return { name: `${principal.id}/${String(PolicyName)}`, policy: policyDocument(PolicyDocument, `${principal.id}.Policies.${String(PolicyName)}`) };
    });
    const managedArns = asArray(props.ManagedPolicyArns as Json).map(String);
    const customerManaged = managedArns.flatMap((arn) => {
      const found = managedByArn.get(arn);
      return found ? [found] : [];
    });
    const trustPolicy = policyDocument(props.AssumeRolePolicyDocument, `${principal.id}.AssumeRolePolicyDocument`);
    const trustedServices = asArray(trustPolicy.Statement)
      .filter((statement) => statement.Effect === 'Allow')
      .flatMap((statement) => asArray((statement.Principal as { Service?: Json } | undefined)?.Service as Json).map(String));
    // Attached through `Roles` and through `ManagedPolicyArns` at once is one policy, not two.
    const identityPolicies = [...new Map([...inline, ...(attached.get(principal.roleName) ?? []), ...customerManaged].map((p) => [p.name, p])).values()];
    return {
      principal,
      resource: role,
      identityPolicies,
      trustPolicy,
      unsimulatedPolicyArns: managedArns.filter((arn) => !managedByArn.has(arn)),
      trustedServices,
    };
  });
}
