import { describeEndpointIfExists } from '../../lambdas/adapters/sagemaker-endpoint';
import type { RegistryEvent } from '../../lambdas/core/registry/model';
import { endpointName, ENV, PRODUCTION_VARIANT, versionOfDeploymentResource } from '../../lib/contract';
import { parseFlags, required, UsageError } from '../args';
import type { CliClients, CliIo } from '../context';
import { print } from '../output';
import { eventLine, registry, TABLE_OPTION } from './registry';

export const STATUS_HELP = `gantry status --model M [--endpoint NAME | --stage S]

Shows the model's endpoint: its status, the version it serves, a deployment in progress (its
endpoint config and version), the instances of its variant and a failure reason, or "absent"
when there is no endpoint; then the registry's production and last-good versions and the last
10 events. The endpoint is --endpoint NAME, or gantry-<stage>-<model> for --stage S (or
GANTRY_STAGE); the registry table as for \`gantry registry\`.`;

const RECENT_EVENTS = 10;

/** What `gantry status --json` prints. */
export interface ModelStatus {
  readonly model: string;
  readonly endpoint: EndpointStatus;
  readonly registry: { readonly production: number | null; readonly lastGood: number | null };
  /** The last events, oldest first. */
  readonly events: ReadonlyArray<Pick<RegistryEvent, 'seq' | 'at' | 'type' | 'version' | 'actor' | 'reason'>>;
}

export type EndpointStatus =
  | { readonly name: string; readonly status: 'absent' }
  | {
      readonly name: string;
      /** SageMaker's EndpointStatus: InService, Updating, Failed, ... */
      readonly status: string;
      readonly configName: string | null;
      /** The version its endpoint config serves; null for a config Gantry did not name. */
      readonly version: number | null;
      readonly variant: { readonly name: string; readonly currentInstanceCount: number | null; readonly desiredInstanceCount: number | null } | null;
      /** A blue/green deployment under way: the config (and version) traffic is moving to. */
      readonly pendingDeployment: { readonly configName: string; readonly version: number | null; readonly startTime: string | null } | null;
      readonly failureReason: string | null;
      readonly lastModified: string | null;
    };

export async function statusCommand(args: readonly string[], io: CliIo, clients: CliClients): Promise<number> {
  const values = parseFlags(args, { ...TABLE_OPTION, model: { type: 'string' }, endpoint: { type: 'string' } });
  const model = required(values, 'model');
  const name = values.endpoint ?? endpointName(stageOf(values, io), model);
  const reg = await registry(values, io, clients);
  const [endpoint, pointers, history] = await Promise.all([describe(name, clients), reg.pointers(model), reg.history(model)]);
  const status: ModelStatus = {
    model,
    endpoint,
    registry: { production: pointers.production ?? null, lastGood: pointers.lastGood ?? null },
    events: history.slice(-RECENT_EVENTS).map(({ seq, at, type, version, actor, reason }) => ({ seq, at, type, version, actor, reason })),
  };
  print(io, values, status, () => statusText(status, history.slice(-RECENT_EVENTS)));
  return 0;
}

function stageOf(values: { stage?: string }, io: CliIo): string {
  const stage = values.stage ?? io.env[ENV.stage];
  if (stage === undefined || stage === '') throw new UsageError(`no endpoint given: pass --endpoint NAME, or --stage S (or set ${ENV.stage}) for gantry-<stage>-<model>`);
  return stage;
}

async function describe(name: string, clients: CliClients): Promise<EndpointStatus> {
  const described = await describeEndpointIfExists(clients.sagemaker(), name);
  if (described === undefined) return { name, status: 'absent' };
  const variants = described.ProductionVariants ?? [];
  const variant = variants.find((v) => v.VariantName === PRODUCTION_VARIANT) ?? variants[0];
  const pending = described.PendingDeploymentSummary;
  const versionOf = (config: string | undefined) => (config === undefined ? null : (versionOfDeploymentResource(name, config) ?? null));
  return {
    name,
    status: described.EndpointStatus ?? 'unknown',
    configName: described.EndpointConfigName ?? null,
    version: versionOf(described.EndpointConfigName),
    variant: variant?.VariantName === undefined ? null : { name: variant.VariantName, currentInstanceCount: variant.CurrentInstanceCount ?? null, desiredInstanceCount: variant.DesiredInstanceCount ?? null },
    pendingDeployment:
      pending?.EndpointConfigName === undefined ? null : { configName: pending.EndpointConfigName, version: versionOf(pending.EndpointConfigName), startTime: pending.StartTime?.toISOString() ?? null },
    failureReason: described.FailureReason ?? null,
    lastModified: described.LastModifiedTime?.toISOString() ?? null,
  };
}

function statusText(status: ModelStatus, events: readonly RegistryEvent[]): string {
  const { endpoint } = status;
  const version = (v: number | null) => (v === null ? 'unknown version' : `version ${v}`);
  const rows: [string, string][] = [['endpoint', `${endpoint.name}  ${endpoint.status}`]];
  if ('configName' in endpoint) {
    if (endpoint.configName !== null) rows.push(['serving', `${version(endpoint.version)}  (${endpoint.configName})`]);
    const pending = endpoint.pendingDeployment;
    if (pending !== null) rows.push(['deploying', `${version(pending.version)}  (${pending.configName})${pending.startTime ? `, since ${pending.startTime}` : ''}`]);
    const variant = endpoint.variant;
    if (variant !== null && (variant.currentInstanceCount !== null || variant.desiredInstanceCount !== null)) {
      rows.push(['instances', `${variant.currentInstanceCount ?? '?'} of ${variant.desiredInstanceCount ?? '?'}  (variant ${variant.name})`]);
    }
    if (endpoint.failureReason !== null) rows.push(['failure', endpoint.failureReason]);
  }
  rows.push(['production', status.registry.production === null ? 'none' : `version ${status.registry.production}`]);
  rows.push(['last-good', status.registry.lastGood === null ? 'none' : `version ${status.registry.lastGood}`]);
  const lines = [status.model, ...rows.map(([label, text]) => `  ${label.padEnd(11)}  ${text}`)];
  lines.push(`events (last ${RECENT_EVENTS})`, ...events.map((e) => `  ${eventLine(e)}`));
  return lines.join('\n');
}
