import type { FeatureGroupSpec } from '../../lambdas/core/features/types';
import { ConfigError, problemsFromZod } from './errors';
import { stageSchema, type StageConfig, type StageConfigInput } from './schema';
import { dev } from './stages/dev';
import { prod } from './stages/prod';

export { ConfigError, formatProblem, type ConfigProblem } from './errors';
export type { ModelConfig, ModelConfigInput, StageConfig, StageConfigInput } from './schema';
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

/** Every shipped stage, validated. */
export function loadAllStageConfigs(): StageConfig[] {
  return Object.keys(STAGES).map(loadStageConfig);
}
