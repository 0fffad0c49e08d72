/**
 * The models a client can call, given up front or loaded once from the stage's SSM parameters.
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { parameterName, type ModelServingContract, PARAMETER_KEYS } from '../lib/contract';
import { ServingContractError, UnknownModelError } from './errors';

/** Serving contracts by model name. */
export type ModelCatalog = Readonly<Record<string, ModelServingContract>>;

/** A catalog, or a function that loads one (called once, again only after a failure). */
export type CatalogSource = ModelCatalog | (() => Promise<ModelCatalog>);

/** Resolves model names against a catalog, loading it on first use. */
export class CatalogResolver {
  private loading: Promise<ModelCatalog> | undefined;

  constructor(private readonly source: CatalogSource) {}

  async resolve(model: string): Promise<ModelServingContract> {
    const catalog = await this.catalog();
    // hasOwn, so that "constructor" or "__proto__" is an unknown model, not a prototype member.
    if (!Object.hasOwn(catalog, model)) throw new UnknownModelError(model, Object.keys(catalog).sort());
    return catalog[model];
  }

  private catalog(): Promise<ModelCatalog> {
    const source = this.source;
    if (typeof source !== 'function') return Promise.resolve(source);
    // A failed load is forgotten so that the next call tries again (SSM throttling is transient).
    this.loading ??= source().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }
}

/** Loads the named models' contracts from `/gantry/<stage>/models/<model>/serving`, in parallel. */
export function ssmCatalog(ssm: SSMClient, stage: string, models: readonly string[]): () => Promise<ModelCatalog> {
  return async () => {
    const entries = await Promise.all(models.map(async (model) => [model, await loadContract(ssm, stage, model)] as const));
    return Object.fromEntries(entries);
  };
}

async function loadContract(ssm: SSMClient, stage: string, model: string): Promise<ModelServingContract> {
  const name = parameterName(stage, PARAMETER_KEYS.modelServing(model));
  let value: string | undefined;
  try {
    const output = await ssm.send(new GetParameterCommand({ Name: name }));
    value = output.Parameter?.Value;
  } catch (error) {
    const missing = error instanceof Error && error.name === 'ParameterNotFound';
    const reason = missing ? `parameter not found; is model "${model}" deployed to stage "${stage}"?` : `could not be read (${String(error)})`;
    throw new ServingContractError(name, reason, { cause: error });
  }
  if (value === undefined) throw new ServingContractError(name, 'parameter has no value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new ServingContractError(name, `value is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  return parseContract(name, model, parsed);
}

const CONTENT_TYPES: readonly string[] = ['text/csv', 'application/json'] satisfies readonly ModelServingContract['contentType'][];

/** Checks a parsed parameter value field by field, so that a bad deploy is reported by field, not at predict time. */
export function parseContract(name: string, model: string, value: unknown): ModelServingContract {
  const fail = (field: string, problem: string, got?: unknown): never => {
    throw new ServingContractError(name, `${field} ${problem}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}`);
  };
  if (!isObject(value)) return fail('value', 'must be a JSON object', value);
  if (value.model !== model) fail('model', `must be "${model}"`, value.model);
  if (typeof value.endpointName !== 'string' || value.endpointName === '') fail('endpointName', 'must be a non-empty string', value.endpointName);
  if (typeof value.contentType !== 'string' || !CONTENT_TYPES.includes(value.contentType)) {
    fail('contentType', `must be one of ${CONTENT_TYPES.join(', ')}`, value.contentType);
  }
  if (value.features !== undefined) {
    const features = value.features;
    if (!isObject(features)) return fail('features', 'must be an object', features);
    if (typeof features.group !== 'string' || features.group === '') fail('features.group', 'must be a non-empty string', features.group);
    const names = features.names;
    if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string' && n !== '')) {
      fail('features.names', 'must be a non-empty array of non-empty strings', names);
    }
  }
  return value as unknown as ModelServingContract;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
