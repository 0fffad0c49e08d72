import { readFileSync } from 'node:fs';
import { S3OfflineFeatureStore } from '../../lambdas/adapters/offline-feature-store';
import { DynamoOnlineFeatureStore } from '../../lambdas/adapters/online-feature-store';
import { FeatureService } from '../../lambdas/core/features/feature-service';
import type { RejectedRow } from '../../lambdas/core/features/types';
import { DEFAULT_STAGE, featureGroupSpecs, loadStageConfig } from '../../lib/config';
import { ENV, PARAMETER_KEYS } from '../../lib/contract';
import { parseFlags, required, UsageError } from '../args';
import { resolveName, type CliClients, type CliIo } from '../context';
import { print } from '../output';

export const FEATURES_HELP = `gantry features <command> [flags]

  put  --group G --file rows.jsonl   write rows (one JSON object a line: entityId, eventTime,
                                     values; group defaults to G) online and to the offline store
  get  --group G --ids a,b,c         read the latest online rows; missing entities are named

The feature groups (TTL, typed features) come from the stage config (--stage S, GANTRY_STAGE, or dev).
The online table: --feature-table, GANTRY_FEATURE_TABLE, or --stage (SSM); the offline bucket:
--features-bucket, GANTRY_FEATURES_BUCKET, or --stage (SSM).
\`put\` exits 1 when any row was rejected; the JSON result lists each with its line number.`;

const NAME_OPTIONS = { 'feature-table': { type: 'string' }, 'features-bucket': { type: 'string' } } as const;

function stageOf(values: Record<string, unknown>, io: CliIo): string {
  return typeof values.stage === 'string' ? values.stage : (io.env[ENV.stage] ?? DEFAULT_STAGE);
}

/**
 * Gives every line the --group when it has none, and turns lines of another group into
 * rejections (blank lines keep the other lines' numbers true to the file).
 */
export function assignGroup(text: string, group: string): { text: string; rejected: RejectedRow[] } {
  const rejected: RejectedRow[] = [];
  const lines = text.split('\n').map((line, index) => {
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      return line;
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row)) return line;
    const given = (row as { group?: unknown }).group;
    if (given === undefined) return JSON.stringify({ ...row, group });
    if (given !== group) {
      rejected.push({ row: index + 1, reason: `group ${JSON.stringify(given)} does not match --group ${group}` });
      return '';
    }
    return line;
  });
  return { text: lines.join('\n'), rejected };
}

export async function featuresCommand(command: string | undefined, args: readonly string[], io: CliIo, clients: CliClients): Promise<number> {
  switch (command) {
    case 'put': {
      const values = parseFlags(args, { ...NAME_OPTIONS, group: { type: 'string' }, file: { type: 'string' } });
      const group = required(values, 'group');
      const file = required(values, 'file');
      const stage = stageOf(values, io);
      const groups = featureGroupSpecs(loadStageConfig(stage));
      if (!groups.some((g) => g.name === group)) throw new UsageError(`--group ${group} is not a feature group of stage ${stage}; known: ${groups.map((g) => g.name).join(', ') || '(none)'}`);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new UsageError(`--file ${file} cannot be read: ${(error as Error).message}`);
      }
      const tableName = await resolveName({ flag: 'feature-table', flagValue: values['feature-table'], envVar: ENV.featureTable, parameterKey: PARAMETER_KEYS.featureTable, stage: values.stage }, io, clients);
      const bucket = await resolveName({ flag: 'features-bucket', flagValue: values['features-bucket'], envVar: ENV.featuresBucket, parameterKey: PARAMETER_KEYS.bucket('features'), stage: values.stage }, io, clients);
      const store = new FeatureService({
        online: new DynamoOnlineFeatureStore({ client: clients.dynamo(), tableName, groups }),
        offline: new S3OfflineFeatureStore({ client: clients.s3(), bucket }),
        groups,
      });
      const assigned = assignGroup(text, group);
      const result = await store.putJsonLines(assigned.text);
      const rejected = [...assigned.rejected, ...result.rejected].sort((a, b) => a.row - b.row);
      const summary = { ...result, rejected };
      print(io, values, summary, () =>
        [
          `${group}: ${result.written} written, ${result.skippedStale} skipped as stale, ${rejected.length} rejected`,
          ...rejected.map((r) => `  line ${r.row}: ${r.reason}`),
        ].join('\n'),
      );
      return rejected.length > 0 ? 1 : 0;
    }
    case 'get': {
      const values = parseFlags(args, { ...NAME_OPTIONS, group: { type: 'string' }, ids: { type: 'string' } });
      const group = required(values, 'group');
      const ids = required(values, 'ids').split(',').map((id) => id.trim());
      if (ids.some((id) => id === '')) throw new UsageError(`--ids must be a comma-separated list of entity ids without empty entries (got ${JSON.stringify(values.ids)})`);
      const tableName = await resolveName({ flag: 'feature-table', flagValue: values['feature-table'], envVar: ENV.featureTable, parameterKey: PARAMETER_KEYS.featureTable, stage: values.stage }, io, clients);
      const found = await new DynamoOnlineFeatureStore({ client: clients.dynamo(), tableName }).getMany(group, ids);
      const rows = ids.filter((id) => found.rows.has(id)).map((id) => found.rows.get(id)!);
      print(io, values, { group, rows, missing: found.missing }, () =>
        [...rows.map((r) => `${r.entityId}  ${r.eventTime}  ${JSON.stringify(r.values)}`), ...(found.missing.length > 0 ? [`missing: ${found.missing.join(', ')}`] : [])].join('\n'),
      );
      return 0;
    }
    default:
      throw new UsageError(command === undefined ? `missing features command\n\n${FEATURES_HELP}` : `unknown features command "${command}"\n\n${FEATURES_HELP}`);
  }
}
