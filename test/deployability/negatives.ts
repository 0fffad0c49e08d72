import { endpointName, PARAMETER_KEYS, parameterName, type LakeZone } from '../../lib/contract';
import type { StageModel } from '../support/stage-model';
import { parseS3Uri, s3ObjectArn, type RolePrincipal, type RunTimeRequest } from './requests';
import type { WorkflowTask } from './workflows';

/*
 * Requests that must be DENIED: the security half of "deployable". Derived from the allowed
 * requests of each model's SageMaker roles, so they follow the templates:
 *   - model isolation: a model's roles write only under that model's prefixes, and read only
 *     that model's artifact areas (`<area>/<model>/`), never another model's;
 *   - zone direction: the job role never writes the training data zones it reads (raw,
 *     curated), and the endpoint role never rewrites the artifacts it serves.
 */

/** The SageMaker roles of one model: the job role (passed to training) and the endpoint role (passed to CreateModel). */
export interface ModelRoles {
  readonly model: string;
  readonly jobRoles: readonly RolePrincipal[];
  readonly endpointRoles: readonly RolePrincipal[];
}

export function modelRoles(tasks: readonly WorkflowTask[], role: (arn: string, where: string) => RolePrincipal): ModelRoles[] {
  const byModel = new Map<string, { job: Map<string, RolePrincipal>; endpoint: Map<string, RolePrincipal> }>();
  for (const task of tasks) {
    if (task.modelName === undefined || task.integration.service !== 'sagemaker') continue;
    const entry = byModel.get(task.modelName) ?? { job: new Map(), endpoint: new Map() };
    byModel.set(task.modelName, entry);
    if (typeof task.parameters.RoleArn === 'string') entry.job.set(task.parameters.RoleArn, role(task.parameters.RoleArn, task.origin));
    if (typeof task.parameters.ExecutionRoleArn === 'string') entry.endpoint.set(task.parameters.ExecutionRoleArn, role(task.parameters.ExecutionRoleArn, task.origin));
  }
  return [...byModel].map(([model, { job, endpoint }]) => ({ model, jobRoles: [...job.values()], endpointRoles: [...endpoint.values()] }));
}

/** The bucket of a lake zone, from the name the data stack publishes in SSM. */
export function zoneBucket(model: StageModel, stage: string, zone: LakeZone): string {
  const name = parameterName(stage, PARAMETER_KEYS.bucket(zone));
  const parameter = model.ofType('AWS::SSM::Parameter').find((p) => model.properties(p).Name === name);
  if (!parameter) throw new Error(`no SSM parameter ${name} publishes the ${zone} bucket`);
  return String(model.properties(parameter).Value);
}

const S3_ACTIONS = new Set(['s3:GetObject', 's3:PutObject', 's3:ListBucket']);

/** `key` moved from model `from` to model `to`, if it is scoped to `from`: `<area>/<from>/…`, `<from>/…` or `<from's endpoint>/…`. */
function rescope(key: string, from: string, to: string, stage: string, write: boolean): string | undefined {
  const parts = key.split('/');
  // Job names carry the model too (gantry-<stage>-<model>-train-<id>): move them along.
  const rename = (part: string) => part.replace(`${endpointName(stage, from)}-`, `${endpointName(stage, to)}-`).replace(new RegExp(`^${from}-`), `${to}-`);
  if (parts[1] === from) return [parts[0], to, ...parts.slice(2).map(rename)].join('/');
  // Curated data and captured traffic are whole-zone reads by design; another model's are only guarded against writes.
  if (!write) return undefined;
  if (parts[0] === from) return [to, ...parts.slice(1)].join('/');
  if (parts[0] === endpointName(stage, from)) return [endpointName(stage, to), ...parts.slice(1)].join('/');
  return undefined;
}

export function isolationNegatives(requests: readonly RunTimeRequest[], roles: readonly ModelRoles[], stage: string): RunTimeRequest[] {
  const negatives: RunTimeRequest[] = [];
  for (const own of roles) {
    const ids = new Set([...own.jobRoles, ...own.endpointRoles].map((r) => r.id));
    for (const request of requests) {
      if (!ids.has(request.principal.id) || !S3_ACTIONS.has(request.action) || request.expect === 'deny') continue;
      const write = request.action === 's3:PutObject';
      for (const other of roles) {
        if (other.model === own.model) continue;
        if (request.action === 's3:ListBucket') {
          const prefix = String(request.context?.['s3:prefix'] ?? '');
          const moved = rescope(prefix, own.model, other.model, stage, false);
          if (moved !== undefined) negatives.push({ ...request, context: { ...request.context, 's3:prefix': moved }, expect: 'deny', rule: 'model-isolation', origin: `${own.model} must not list ${other.model}'s prefix (from ${request.origin})` });
          continue;
        }
        const { bucket, key } = parseS3Uri(request.resource.replace(/^arn:[\w-]+:s3:::/, 's3://'));
        const moved = rescope(key, own.model, other.model, stage, write);
        if (moved === undefined) continue;
        const { multipartUpload: _, ...rest } = request;
        negatives.push({ ...rest, resource: s3ObjectArn(bucket, moved), expect: 'deny', rule: 'model-isolation', origin: `${own.model} must not ${write ? 'write' : 'read'} ${other.model}'s objects (from ${request.origin})` });
      }
    }
  }
  return negatives;
}

/**
 * The deploy workflow deletes only a Failed endpoint it created: each DeleteEndpoint it may
 * make is denied once the endpoint's tags say otherwise (made by hand, another model's, the
 * same model's workflow of another stage or account).
 */
export function ownershipNegatives(requests: readonly RunTimeRequest[]): RunTimeRequest[] {
  return requests
    .filter((request) => request.action === 'sagemaker:DeleteEndpoint' && request.expect !== 'deny')
    .flatMap((request) => {
      const tags = request.context ?? {};
      const model = String(tags['aws:ResourceTag/Model']);
      const creator = String(tags['aws:ResourceTag/ExecutionId']);
      const variants: Array<[string, Record<string, string | readonly string[]>]> = [
        ['an endpoint with no tags', {}],
        ["another model's endpoint", { ...tags, 'aws:ResourceTag/Model': `${model}x` }],
        ['an endpoint with the cost tags but no ExecutionId', Object.fromEntries(Object.entries(tags).filter(([key]) => key !== 'aws:ResourceTag/ExecutionId'))],
        ["an endpoint another stage's workflow created", { ...tags, 'aws:ResourceTag/ExecutionId': creator.replace(/:execution:gantry-([^-:]+)-/, ':execution:gantry-$1x-') }],
        ['an endpoint created from another account', { ...tags, 'aws:ResourceTag/ExecutionId': creator.replace(/:\d{12}:/, ':999999999999:') }],
      ];
      return variants.map(([what, context]) => ({ ...request, context, expect: 'deny' as const, rule: 'endpoint-ownership', origin: `the deploy workflow must not delete ${what} (from ${request.origin})` }));
    });
}

export function zoneNegatives(model: StageModel, stage: string, roles: readonly ModelRoles[]): RunTimeRequest[] {
  const { partition } = model.environment;
  const negatives: RunTimeRequest[] = [];
  for (const { model: name, jobRoles, endpointRoles } of roles) {
    for (const principal of jobRoles) {
      for (const zone of ['raw', 'curated'] as const) {
        negatives.push({ principal, action: 's3:PutObject', resource: s3ObjectArn(zoneBucket(model, stage, zone), `${name}/injected/part-00000.csv`, partition), expect: 'deny', rule: 'zone-direction', origin: `the ${name} job role must not write the ${zone} zone it trains from` });
      }
    }
    for (const principal of endpointRoles) {
      negatives.push({ principal, action: 's3:PutObject', resource: s3ObjectArn(zoneBucket(model, stage, 'artifacts'), `models/${name}/${name}-train-tampered/output/model.tar.gz`, partition), expect: 'deny', rule: 'zone-direction', origin: `the ${name} endpoint role must not rewrite the artifacts it serves` });
    }
  }
  return negatives;
}
