import { IMPLIED_PERMISSIONS } from './implied-permissions';
import type { RunTimeRequest } from './requests';
import type { SimulatedRequest } from './simulate';

/*
 * Denial messages precise enough to fix the template from: who, what, on which resource, why
 * the request is sent (with the rule's documentation), which policy refused it, and the
 * statement that would allow it, in the policy it belongs in.
 */

const CONDITION_OPERATOR: Readonly<Record<string, string>> = {
  'aws:SourceArn': 'ArnLike',
  'kms:EncryptionContext:aws:sns:topicArn': 'ArnLike',
  'kms:EncryptionContext:aws:logs:arn': 'ArnLike',
  'kms:EncryptionContext:aws:s3:arn': 'ArnLike',
};

/** The conditions worth writing into a statement: the ones that scope a service's or a key's use. */
function conditionsFor(request: RunTimeRequest): Record<string, Record<string, string>> | undefined {
  const conditions: Record<string, Record<string, string>> = {};
  for (const [key, value] of Object.entries(request.context ?? {})) {
    if (typeof value !== 'string' || key === 's3:prefix') continue;
    if (!(key in CONDITION_OPERATOR) && !['aws:SourceAccount', 'iam:PassedToService', 'kms:ViaService', 'iam:AWSServiceName', 'cloudwatch:namespace'].includes(key)) continue;
    const operator = CONDITION_OPERATOR[key] ?? 'StringEquals';
    conditions[operator] = { ...conditions[operator], [key]: value };
  }
  return Object.keys(conditions).length > 0 ? conditions : undefined;
}

/** The statement that would allow the request, and the policy it belongs in. */
export function neededStatement(result: SimulatedRequest): string {
  const { request } = result;
  const condition = conditionsFor(request);
  const statement = (extra: Record<string, unknown>) => JSON.stringify({ Effect: 'Allow', ...extra, Action: request.action, Resource: request.resource, ...(condition ? { Condition: condition } : {}) });
  if (request.principal.kind === 'service') {
    const principal = { Service: request.principal.id };
    const where = result.resourcePolicySource ?? 'the resource policy of the resource';
    return `add to ${where}: ${statement({ Principal: principal })}`;
  }
  const needs: string[] = [];
  if (result.identityResult !== 'Allowed') needs.push(`add to an identity policy of ${request.principal.id}: ${statement({})}`);
  if (result.resourceResult !== undefined && !['Allowed', 'AllowedForAccount', 'NotApplicable'].includes(result.resourceResult)) {
    needs.push(`add to ${result.resourcePolicySource ?? 'the resource policy'}: ${statement({ Principal: { AWS: request.principal.arn } })}`);
  }
  return needs.join('\n      and ') || `no Allow is missing: see the explicit denies above`;
}

function ruleLine(request: RunTimeRequest): string {
  if (!request.rule) return '';
  const rule = IMPLIED_PERMISSIONS.find((r) => r.id === request.rule);
  return rule ? `\n    because: ${rule.summary} (${rule.docs.join(' ; ')})` : `\n    because: ${request.rule}`;
}

function contextLine(request: RunTimeRequest): string {
  return request.context && Object.keys(request.context).length > 0 ? `\n    context: ${JSON.stringify(request.context)}` : '';
}

/** One request that did not get the decision it should, explained. */
export function describeFailure(result: SimulatedRequest): string {
  const { request } = result;
  const head = `${request.principal.id} ${request.action} on ${request.resource}`;
  const sent = `\n    sent by: ${request.origin}`;
  if (request.expect === 'deny') {
    const grants = result.grants.map((g) => `${g.policyType} policy ${'policyIdentifier' in g ? g.policyIdentifier : (result.resourcePolicySource ?? '')} statement ${g.statementId ?? `#${g.statementIndex}`}`);
    return `${head} is ALLOWED but must be denied${sent}${contextLine(request)}${ruleLine(request)}\n    allowed by: ${grants.join('; ') || 'the simulator reports no grant'}\n    fix: narrow that statement (resource or condition) so the request falls outside it`;
  }
  const explicit = result.denials.filter((d) => d.denialType === 'Explicit').map((d) => `${d.policyType} policy ${('policyIdentifier' in d && d.policyIdentifier) || result.resourcePolicySource || ''} statement ${('statementId' in d && d.statementId) || `#${'statementIndex' in d ? d.statementIndex : '?'}`}`);
  const decided = [
    // A service acting as itself has no identity policies of the stage: only the resource policy decides.
    result.identityResult && request.principal.kind === 'role' ? `identity policies: ${result.identityResult}` : undefined,
    result.resourceResult ? `${result.resourcePolicySource ?? 'resource policy'}: ${result.resourceResult}` : undefined,
    explicit.length > 0 ? `explicitly denied by ${explicit.join('; ')}` : undefined,
  ].filter(Boolean);
  return `${head} is ${result.result}${sent}${contextLine(request)}${ruleLine(request)}\n    decided by: ${decided.join('; ')}\n    needs: ${neededStatement(result)}`;
}

/** The failures of `results`, one explained block each; empty when every request got its decision. */
export function describeFailures(results: readonly SimulatedRequest[]): string {
  const failures = results.filter((r) => !r.ok);
  return failures.length === 0 ? '' : `${failures.length} request(s) did not get the decision they need:\n\n${failures.map(describeFailure).join('\n\n')}`;
}
