/**
 * Gantry's application client: call a model by name and get its predictions, the variant
 * that answered (`primary` on every Gantry endpoint) and the model version: the one the
 * container reports (`gantry-model-version=N` in its custom attributes), else the one the
 * endpoint serves (DescribeEndpoint, cached per endpoint; unknown while a deployment shifts
 * traffic between two versions). `modelVersionSource` says which.
 *
 * ```ts
 * const gantry = GantryClient.fromStage('prod', { models: ['churn'], features: onlineStore });
 * const { predictions, modelVersion } = await gantry.predict({ model: 'churn', entityIds: ['c-42'] });
 * ```
 *
 * Run-time code: it depends on the AWS SDK v3 and the Gantry contract only.
 */
export {
  GantryClient,
  type FromStageOptions,
  type GantryClientOptions,
  type GantryClientSettings,
  type PredictRequest,
  type PredictResult,
} from './gantry-client';
export {
  EndpointUnavailableError,
  GantryClientError,
  InvalidInputError,
  MissingFeaturesError,
  ModelInvocationError,
  ServingContractError,
  UnknownModelError,
} from './errors';
export type { CatalogSource, ModelCatalog } from './catalog';
export type { ModelVersionSource } from './model-version';
export type { ContentType, CsvCell, FeatureRecord, JsonValue } from './serialization';
export type { FeatureValue, GetResult, ModelServingContract, OnlineFeatureReader, OnlineRow } from '../lib/contract';
/** The DynamoDB-backed online feature reader to pass as `features`. */
export { DynamoOnlineFeatureStore, type DynamoOnlineFeatureStoreProps } from '../lambdas/adapters/online-feature-store';
