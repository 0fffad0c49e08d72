import { type FeatureGroupSpec, stagePrefix } from '../contract';
import { ConfigError, problemsFromZod } from './errors';
import { stageSchema, type StageConfig, type StageConfigInput } from './schema';
import { dev } from './stages/dev';
import { prod } from './stages/prod';

export { ConfigError, formatProblem, type ConfigProblem } from './errors';
export type { ModelConfig, ModelConfigInput, StageConfig, StageConfigInput } from './schema';
export { compilesWithNeo } from './schema';
export { modelTags, stageTags } from './tags';

/** The stages this project ships. Add a stage by adding a file under `stages/` and an entry here. */
export const STAGES: Readonly<Record<string, StageConfigInput>> = { dev, prod };

/** The stage `cdk synth`/`deploy` use when none is given with `-c stage=NAME`. */
export const DEFAULT_STAGE = 'dev';

/**
 * Validates a stage config and fills in its defaults.
 * @throws ConfigError naming every bad field with its path and value.
 */
export function parseStageConfig(raw: unknown, label?: string): StageConfig {
  const name = label ?? (typeof raw === 'object' && raw !== null && typeof (raw as { name?: unknown }).name === 'string' ? (raw as { name: string }).name : '(unnamed)');
  const result = stageSchema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new ConfigError(name, problemsFromZod(result.error.issues, raw), { cause: result.error });
  return result.data;
}

/**
 * Loads one of the shipped stages by name.
 * @throws ConfigError when the name is unknown or the stage's config is invalid.
 */
export function loadStageConfig(stage: string): StageConfig {
  const raw = Object.hasOwn(STAGES, stage) ? STAGES[stage] : undefined;
  if (raw === undefined) {
    throw new ConfigError(stage, [{ path: 'stage', message: `unknown stage; known stages: ${Object.keys(STAGES).join(', ')}`, value: stage }]);
  }
  return parseStageConfig(raw, stage);
}

/** A stage's feature groups in the shape the run-time feature store takes (TTL in seconds). */
export function featureGroupSpecs(config: StageConfig): FeatureGroupSpec[] {
  return config.featureGroups.map((g) => ({ name: g.name, ttlSeconds: g.ttlDays * 86_400, features: g.features }));
}

/** Every shipped stage, validated, and checked against each other (`checkStagesApart`). */
export function loadAllStageConfigs(): StageConfig[] {
  return checkStagesApart(Object.keys(STAGES).map(loadStageConfig));
}

/**
 * Stages that may share an account (the same account, or one without an account, which deploys
 * wherever its credentials point) must not have a name that is the other's plus `-…`: the
 * runtime functions are granted `gantry-<stage>-*` endpoints, topics and workflows, so stage
 * `dev` would reach the resources of a stage `dev-eu` beside it.
 * @throws ConfigError naming both stages
 */
export function checkStagesApart(configs: readonly StageConfig[]): StageConfig[] {
  for (const a of configs) {
    for (const b of configs) {
      const mayShareAccount = a.account === undefined || b.account === undefined || a.account === b.account;
      if (a !== b && mayShareAccount && b.name.startsWith(`${a.name}-`)) {
        throw new ConfigError(b.name, [
          {
            path: 'name',
            message: `starts with stage "${a.name}" and a dash, and the two may share an account: the IAM patterns ${stagePrefix(a.name)}* of "${a.name}" would match this stage's resources; rename one, or give both an account`,
            value: b.name,
          },
        ]);
      }
    }
  }
  return [...configs];
}
