import { MODEL_TAG_KEY, type CostTagKey, type RequiredTagKey } from '../contract';
import type { ModelConfig, StageConfig } from './schema';

/** The four cost tags every resource of a stage carries, by tag key. */
export function stageTags(config: StageConfig): Record<RequiredTagKey, string> {
  return { CostCenter: config.tags.costCenter, Team: config.tags.team, Project: config.tags.project, Environment: config.tags.environment };
}

/**
 * The five cost tags of a model's resources: the stage's, with the model's owner team paying
 * and the Model tag added. Its stack carries them, and its workflows pass them to every
 * SageMaker resource they create (CloudFormation cannot tag those).
 */
export function modelTags(config: StageConfig, model: ModelConfig): Record<CostTagKey, string> {
  return { ...stageTags(config), Team: model.ownerTeam, [MODEL_TAG_KEY]: model.name };
}
