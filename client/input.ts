/**
 * Validation of a predict call and the join of online features into rows (pure).
 */
import type { GetResult, ModelServingContract } from '../lib/contract';
import { InvalidInputError, MissingFeaturesError } from './errors';
import type { FeatureRecord } from './serialization';

/** What the caller asked to score, once validated. */
export type ScoringInput =
  | { readonly kind: 'entities'; readonly group: string; readonly entityIds: readonly string[] }
  | { readonly kind: 'records'; readonly records: readonly FeatureRecord[] };

export interface RawInput {
  readonly entityIds?: readonly string[];
  readonly features?: readonly FeatureRecord[];
}

/** Checks the shape of the call; the values of records are checked when they are serialized. */
export function validateInput(model: string, contract: ModelServingContract, input: RawInput, maxEntities: number): ScoringInput {
  const { entityIds, features } = input;
  if ((entityIds === undefined) === (features === undefined)) {
    throw new InvalidInputError(`predict("${model}"): pass exactly one of entityIds or features`);
  }
  const field = entityIds !== undefined ? 'entityIds' : 'features';
  const list: unknown = entityIds ?? features;
  if (!Array.isArray(list)) throw new InvalidInputError(`predict("${model}"): ${field} must be an array`);
  if (list.length === 0) throw new InvalidInputError(`predict("${model}"): ${field} is empty`);
  if (list.length > maxEntities) {
    throw new InvalidInputError(`predict("${model}"): ${field} has ${list.length} entries; the limit is ${maxEntities}`);
  }
  if (entityIds !== undefined) {
    const bad = entityIds.findIndex((id) => typeof id !== 'string' || id === '');
    if (bad >= 0) throw new InvalidInputError(`predict("${model}"): entityIds[${bad}] must be a non-empty string`);
    if (contract.features === undefined) {
      throw new InvalidInputError(`predict("${model}"): the model has no online feature group; pass features instead of entityIds`);
    }
    return { kind: 'entities', group: contract.features.group, entityIds };
  }
  if (contract.contentType === 'text/csv' && contract.features === undefined) {
    throw new InvalidInputError(`predict("${model}"): the model publishes no feature names, so the order of its CSV columns is unknown`);
  }
  return { kind: 'records', records: features ?? [] };
}

/**
 * One record per requested entity, in request order, holding the model's features. Throws
 * MissingFeaturesError naming every absent entity and every missing or null feature.
 */
export function joinOnlineRows(model: string, names: readonly string[], entityIds: readonly string[], result: GetResult): FeatureRecord[] {
  const incomplete: string[] = [];
  const missingFeatures = new Set<string>();
  for (const id of new Set(entityIds)) {
    const row = result.rows.get(id);
    if (row === undefined) {
      incomplete.push(id);
      continue;
    }
    const absent = names.filter((name) => !Object.hasOwn(row.values, name) || row.values[name] === null || row.values[name] === undefined);
    if (absent.length > 0) incomplete.push(id);
    for (const name of absent) missingFeatures.add(name);
  }
  if (incomplete.length > 0) throw new MissingFeaturesError(model, incomplete, [...missingFeatures]);
  return entityIds.map((id) => {
    const values = result.rows.get(id)?.values ?? {};
    return Object.fromEntries(names.map((name) => [name, values[name] ?? null]));
  });
}
