import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { DynamoRegistry } from '../../lambdas/adapters/dynamo-registry';
import { EVENT_TYPES, liveVersionAt, type ModelVersion, type RegistryEvent } from '../../lambdas/core/registry/model';
import { ENV, PARAMETER_KEYS } from '../../lib/contract';
import { jsonObject, parseFlags, positiveInt, required, s3Uri, UsageError } from '../args';
import { resolveName, type CliClients, type CliIo } from '../context';
import { print } from '../output';

/** The registry table flag, resolved by `registry(...)`. */
export const TABLE_OPTION = { 'registry-table': { type: 'string' } } as const;

export const REGISTRY_HELP = `gantry registry <command> [flags]

  register  --model M --artifact S3URI --image URI [--metrics JSON] [--params JSON]
            [--data S3URI[?versionId=V|#sha256=H] ...] [--training-job ARN] [--baseline S3URI]
            [--compiled S3URI] [--created-by WHO]
  list      --model M
  get       --model M --version N
  approve   --model M --version N [--reason TEXT] [--task-token T]   (T: from the approval request;
  reject    --model M --version N [--reason TEXT] [--task-token T]    resumes the waiting pipeline)
  promote   --model M --version N [--reason TEXT]     (only Approved versions)
  rollback  --model M [--reason TEXT]                 (the registry's pointers only: production back
                                                      to last-good; gantry rollback redeploys it)
  history   --model M [--at ISO-8601]                 (events; with --at, the version live then)

The registry table: --registry-table NAME, or GANTRY_REGISTRY_TABLE, or --stage S (SSM).`;

/** The registry: --registry-table NAME, or GANTRY_REGISTRY_TABLE, or the stage's SSM parameter. */
export async function registry(values: Record<string, unknown>, io: CliIo, clients: CliClients): Promise<DynamoRegistry> {
  const tableName = await resolveName(
    { flag: 'registry-table', flagValue: values['registry-table'], envVar: ENV.registryTable, parameterKey: PARAMETER_KEYS.registryTable, stage: values.stage },
    io,
    clients,
  );
  return new DynamoRegistry({ client: clients.dynamo(), tableName });
}

function actor(values: Record<string, unknown>, io: CliIo): string {
  return typeof values['created-by'] === 'string' ? values['created-by'] : `cli:${io.env.USER ?? 'unknown'}`;
}

/** `--data s3://b/k?versionId=V` or `s3://b/k#sha256=H` → a pinned data input. */
export function parseDataInput(raw: string): { uri: string; versionId?: string; sha256?: string } {
  const match = /^(s3:\/\/[^?#]+)(?:\?versionId=([^#]+)|#sha256=([a-f0-9]{64}))?$/.exec(raw);
  if (!match) throw new UsageError(`--data must be s3://bucket/key, optionally with ?versionId=V or #sha256=HEX (got ${JSON.stringify(raw)})`);
  return { uri: s3Uri(match[1]!, 'data'), ...(match[2] ? { versionId: match[2] } : {}), ...(match[3] ? { sha256: match[3] } : {}) };
}

function versionLine(v: ModelVersion): string {
  const metrics = Object.entries(v.metrics).map(([k, n]) => `${k}=${n}`).join(' ');
  return `${v.model} v${v.version}  ${v.status.padEnd(10)}  ${v.createdAt}  ${metrics}  ${v.artifactUri}`;
}

/** Every type fits the column, so the details line up. */
const TYPE_WIDTH = Math.max(...EVENT_TYPES.map((type) => type.length));

/** One history event as a line of text. */
export function eventLine(e: RegistryEvent): string {
  const detail = [e.version !== undefined ? `v${e.version}` : '', e.previousVersion !== undefined ? `(was v${e.previousVersion})` : '', describeReason(e)].filter(Boolean).join(' ');
  return `#${e.seq}  ${e.at}  ${e.type.padEnd(TYPE_WIDTH)}  ${detail}  by ${e.actor}`;
}

/** The reason; an endpoint event also names the endpoint (and the config it failed on) from its details. */
function describeReason(e: RegistryEvent): string {
  const reason = e.reason ?? '';
  const detail = (key: string) => (typeof e.details?.[key] === 'string' ? (e.details[key] as string) : undefined);
  const endpoint = detail('endpoint');
  if (endpoint === undefined) return reason;
  if (e.type === 'EndpointDeleted') return `${endpoint}, Failed${detail('failedConfig') ? ` on ${detail('failedConfig')}` : ''}: ${reason}`;
  if (e.type === 'EndpointRecreated') return `${endpoint} ${reason}`;
  return reason;
}

export async function registryCommand(command: string | undefined, args: readonly string[], io: CliIo, clients: CliClients): Promise<number> {
  switch (command) {
    case 'register': {
      const values = parseFlags(args, {
        ...TABLE_OPTION,
        model: { type: 'string' },
        artifact: { type: 'string' },
        image: { type: 'string' },
        metrics: { type: 'string' },
        params: { type: 'string' },
        data: { type: 'string', multiple: true },
        'training-job': { type: 'string' },
        baseline: { type: 'string' },
        compiled: { type: 'string' },
        'created-by': { type: 'string' },
      });
      const input = {
        model: required(values, 'model'),
        artifactUri: s3Uri(required(values, 'artifact'), 'artifact'),
        imageUri: required(values, 'image'),
        metrics: (jsonObject(values, 'metrics') ?? {}) as Record<string, number>,
        hyperparameters: (jsonObject(values, 'params') ?? {}) as Record<string, string>,
        dataInputs: (values.data ?? []).map(parseDataInput),
        trainingJobArn: values['training-job'],
        baselineUri: values.baseline === undefined ? undefined : s3Uri(values.baseline, 'baseline'),
        compiledArtifactUri: values.compiled === undefined ? undefined : s3Uri(values.compiled, 'compiled'),
        createdBy: actor(values, io),
      };
      const registered = await (await registry(values, io, clients)).register(input);
      print(io, values, registered, () => `registered ${registered.model} version ${registered.version}`);
      return 0;
    }
    case 'list': {
      const values = parseFlags(args, { ...TABLE_OPTION, model: { type: 'string' } });
      const model = required(values, 'model');
      const versions = await (await registry(values, io, clients)).listVersions(model);
      print(io, values, { model: values.model, versions }, () => versions.map(versionLine).join('\n'));
      return 0;
    }
    case 'get': {
      const values = parseFlags(args, { ...TABLE_OPTION, model: { type: 'string' }, version: { type: 'string' } });
      const [model, number] = [required(values, 'model'), positiveInt(values, 'version')];
      const version = await (await registry(values, io, clients)).getVersion(model, number);
      print(io, values, version, () => JSON.stringify(version, null, 2));
      return 0;
    }
    case 'approve':
    case 'reject': {
      const values = parseFlags(args, { ...TABLE_OPTION, model: { type: 'string' }, version: { type: 'string' }, reason: { type: 'string' }, 'created-by': { type: 'string' }, 'task-token': { type: 'string' } });
      const model = required(values, 'model');
      const number = positiveInt(values, 'version');
      const reg = await registry(values, io, clients);
      const updated = command === 'approve' ? await reg.approve(model, number, actor(values, io), values.reason) : await reg.reject(model, number, actor(values, io), values.reason);
      // The registry first: a pipeline waiting for this answer then reads a settled status.
      if (values['task-token'] !== undefined) {
        const taskToken = values['task-token'];
        if (command === 'approve') {
          await clients.sfn().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ approved: true, model, version: number, by: actor(values, io) }) }));
        } else {
          await clients.sfn().send(new SendTaskFailureCommand({ taskToken, error: 'Rejected', cause: `${model} version ${number} rejected by ${actor(values, io)}${values.reason ? `: ${values.reason}` : ''}` }));
        }
      }
      print(io, values, updated, () => `${model} version ${number} is now ${updated.status}${values['task-token'] !== undefined ? ' (the waiting pipeline was told)' : ''}`);
      return 0;
    }
    case 'promote': {
      const values = parseFlags(args, { ...TABLE_OPTION, model: { type: 'string' }, version: { type: 'string' }, reason: { type: 'string' }, 'created-by': { type: 'string' } });
      const [model, number] = [required(values, 'model'), positiveInt(values, 'version')];
      const event = await (await registry(values, io, clients)).promote(model, number, actor(values, io), values.reason);
      print(io, values, event, () => `${model}: production is version ${event.version}${event.previousVersion !== undefined ? `; last-good is version ${event.previousVersion}` : ''}`);
      return 0;
    }
    case 'rollback': {
      const values = parseFlags(args, { ...TABLE_OPTION, model: { type: 'string' }, reason: { type: 'string' }, 'created-by': { type: 'string' } });
      const model = required(values, 'model');
      const event = await (await registry(values, io, clients)).rollback(model, actor(values, io), values.reason);
      print(io, values, event, () => `${model}: rolled back from version ${event.previousVersion} to version ${event.version}`);
      return 0;
    }
    case 'history': {
      const values = parseFlags(args, { ...TABLE_OPTION, model: { type: 'string' }, at: { type: 'string' } });
      const model = required(values, 'model');
      const at = values.at === undefined ? undefined : new Date(values.at);
      if (values.at !== undefined && (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2}))?$/.test(values.at) || Number.isNaN(at!.getTime()))) {
        throw new UsageError(`--at must be an ISO-8601 time such as 2026-11-01T12:00:00Z (got ${JSON.stringify(values.at)})`);
      }
      const events = await (await registry(values, io, clients)).history(model);
      if (at !== undefined) {
        const version = liveVersionAt(events, at);
        print(io, values, { model, at: at.toISOString(), version: version ?? null }, () => (version === undefined ? `${model}: no version was live at ${at.toISOString()}` : `${model}: version ${version} was live at ${at.toISOString()}`));
        return 0;
      }
      print(io, values, { model, events }, () => events.map(eventLine).join('\n'));
      return 0;
    }
    default:
      throw new UsageError(command === undefined ? `missing registry command\n\n${REGISTRY_HELP}` : `unknown registry command "${command}"\n\n${REGISTRY_HELP}`);
  }
}
