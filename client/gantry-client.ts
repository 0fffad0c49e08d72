import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { OnlineFeatureReader } from '../lib/contract';
import { CatalogResolver, ssmCatalog, type CatalogSource } from './catalog';
import { InvalidInputError, ModelInvocationError } from './errors';
import { joinOnlineRows, validateInput } from './input';
import { invokeWithRetry, type RetryPolicy } from './invoke';
import { DeployedVersions, versionOfAttributes, type ModelVersionSource, type VersionLookup } from './model-version';
import { parseResponse, serializeRequest, type FeatureRecord, type JsonValue } from './serialization';

/** Options shared by the constructor and `GantryClient.fromStage`. */
export interface GantryClientSettings {
  /**
   * SageMaker Runtime client. The Gantry client retries by itself, so build this one with
   * `maxAttempts: 1`, or attempts multiply.
   * @default - a client for the default region, with SDK retries off
   */
  readonly runtime?: SageMakerRuntimeClient;
  /** Reads online features when `predict` is given entity ids. @default - entity ids are refused */
  readonly features?: OnlineFeatureReader;
  /** Each InvokeEndpoint attempt is aborted after this many milliseconds. @default 2000 */
  readonly timeoutMs?: number;
  /** Requests sent at most per predict, retries of throttling, 5xx, timeouts and network errors included. @default 3 */
  readonly maxAttempts?: number;
  /** Most entities or records one predict call accepts. @default 1000 */
  readonly maxEntities?: number;
  /**
   * SageMaker client to look up which model version an endpoint serves (DescribeEndpoint; the
   * caller needs `sagemaker:DescribeEndpoint` on it), for predictions whose container does not
   * report its version. A failed lookup never fails a prediction.
   * @default - no lookup: `modelVersion` is set only when the container reports it
   * (`GantryClient.fromStage` creates a client for the default region)
   */
  readonly sagemaker?: SageMakerClient;
  /** How long an endpoint's looked-up version (or a failed lookup) is reused, in milliseconds. @default 60000 */
  readonly versionCacheMs?: number;
}

export interface GantryClientOptions extends GantryClientSettings {
  /** The stage the models are deployed to, e.g. `prod`. */
  readonly stage: string;
  /** The models this client can call, or a function loading them (called on first use). */
  readonly models: CatalogSource;
}

export interface FromStageOptions extends GantryClientSettings {
  /** Models to load the serving contracts of. */
  readonly models: readonly string[];
  /** @default - a client for the default region */
  readonly ssm?: SSMClient;
  /** @default - a client for the default region */
  readonly sagemaker?: SageMakerClient;
}

export interface PredictRequest {
  readonly model: string;
  /** Entities to score; their features are read from the online store. Exclusive with `features`. */
  readonly entityIds?: readonly string[];
  /** Feature records to score, one per instance. Exclusive with `entityIds`. */
  readonly features?: readonly FeatureRecord[];
  /** Passed to the container as `X-Amzn-SageMaker-Custom-Attributes` (at most 1024 characters). */
  readonly customAttributes?: string;
  /**
   * Production variant to call instead of the weighted choice. A Gantry endpoint has one,
   * `primary`, so this is for endpoints with several variants.
   */
  readonly targetVariant?: string;
  /** Include the undecoded response body in the result. @default false */
  readonly includeRaw?: boolean;
}

export interface PredictResult {
  readonly model: string;
  readonly endpointName: string;
  /**
   * CSV responses: one array of cells (numbers where they parse) per line. JSON responses:
   * the body's `predictions` field, or the whole body when it has none.
   */
  readonly predictions: JsonValue;
  /**
   * The production variant that answered (`InvokedProductionVariant`): `primary` on every
   * Gantry endpoint, whatever version it serves.
   */
  readonly variant: string | undefined;
  /**
   * The model version that answered: the one the container reported (`gantry-model-version=N`
   * in its custom attributes response header), else the one the endpoint serves (looked up with
   * the `sagemaker` client, cached). Undefined when neither tells it: no report and no client,
   * a deployment under way (both versions answer), an endpoint config Gantry did not name, or
   * a failed lookup.
   */
  readonly modelVersion: number | undefined;
  /** Where `modelVersion` came from; undefined when it is. */
  readonly modelVersionSource: ModelVersionSource | undefined;
  /** The response body as received, when `includeRaw` was set. */
  readonly raw?: string;
}

const DEFAULTS = { timeoutMs: 2000, maxAttempts: 3, maxEntities: 1000, versionCacheMs: 60_000 } as const;
const BACKOFF = { baseDelayMs: 100, maxDelayMs: 2000 } as const;
const MAX_CUSTOM_ATTRIBUTES = 1024;

/**
 * Calls Gantry models by name: resolves the endpoint, optionally joins online features,
 * serializes to the model's content type, and invokes SageMaker with timeouts and retries.
 * Each result names the model version that answered when the container or the endpoint tells
 * it. Every error it throws on purpose is a `GantryClientError`.
 */
export class GantryClient {
  /**
   * A client for models deployed to `stage`, reading their serving contracts from SSM
   * (`/gantry/<stage>/models/<model>/serving`) on the first predict.
   */
  static fromStage(stage: string, options: FromStageOptions): GantryClient {
    const { ssm = new SSMClient({}), sagemaker = new SageMakerClient({}), models, ...settings } = options;
    return new GantryClient({ ...settings, sagemaker, stage, models: ssmCatalog(ssm, stage, models) });
  }

  /** The stage this client calls. */
  readonly stage: string;
  private readonly catalog: CatalogResolver;
  private readonly runtime: SageMakerRuntimeClient;
  private runtimeChecked: boolean;
  private readonly features: OnlineFeatureReader | undefined;
  private readonly policy: RetryPolicy;
  private readonly maxEntities: number;
  private readonly versions: DeployedVersions | undefined;
  /** Endpoints whose last response reported its version: no lookup is started ahead for them. */
  private readonly labelled = new Set<string>();

  constructor(options: GantryClientOptions) {
    this.stage = options.stage;
    this.catalog = new CatalogResolver(options.models);
    this.runtime = options.runtime ?? new SageMakerRuntimeClient({ maxAttempts: 1 });
    this.runtimeChecked = options.runtime === undefined;
    this.features = options.features;
    this.policy = {
      timeoutMs: positive('timeoutMs', options.timeoutMs ?? DEFAULTS.timeoutMs, false),
      maxAttempts: positive('maxAttempts', options.maxAttempts ?? DEFAULTS.maxAttempts, true),
      ...BACKOFF,
    };
    this.maxEntities = positive('maxEntities', options.maxEntities ?? DEFAULTS.maxEntities, true);
    const versionCacheMs = positive('versionCacheMs', options.versionCacheMs ?? DEFAULTS.versionCacheMs, false);
    this.versions = options.sagemaker === undefined ? undefined : new DeployedVersions(options.sagemaker, versionCacheMs);
  }

  /** Scores entities or feature records with a model. */
  async predict(request: PredictRequest): Promise<PredictResult> {
    const { model } = request;
    const contract = await this.catalog.resolve(model);
    const input = validateInput(model, contract, request, this.maxEntities);
    checkInvokeOptions(model, request);

    let rows: readonly FeatureRecord[];
    let rowLabels: readonly string[] | undefined;
    if (input.kind === 'entities') {
      if (this.features === undefined) {
        throw new InvalidInputError(`predict("${model}"): entityIds need a client built with an online feature reader (option "features")`);
      }
      const unique = [...new Set(input.entityIds)];
      const found = await this.features.getMany(input.group, unique);
      const names = contract.features?.names ?? [];
      rows = joinOnlineRows(model, names, input.entityIds, found);
      rowLabels = input.entityIds.map((id) => `entity ${JSON.stringify(id)}`);
    } else {
      rows = input.records;
    }
    const body = serializeRequest(contract.contentType, rows, { featureNames: contract.features?.names, rowLabels });
    await this.checkRuntimeRetries();

    // A lookup that is due runs beside the invocation, overlapping it rather than adding to it.
    const { endpointName } = contract;
    const deployed = this.labelled.has(endpointName) ? undefined : this.versions?.lookup(endpointName);
    const output = await invokeWithRetry(
      this.runtime,
      {
        EndpointName: contract.endpointName,
        ContentType: contract.contentType,
        Accept: contract.contentType,
        Body: new TextEncoder().encode(body),
        CustomAttributes: request.customAttributes,
        TargetVariant: request.targetVariant,
      },
      this.policy,
    );

    const raw = output.Body.transformToString();
    let predictions: JsonValue;
    try {
      predictions = parseResponse(raw, output.ContentType ?? contract.contentType);
    } catch (error) {
      throw new ModelInvocationError(contract.endpointName, `response is not valid ${output.ContentType ?? contract.contentType}`, { cause: error });
    }
    const version = await this.versionOf(endpointName, output.CustomAttributes, deployed);
    return {
      model,
      endpointName,
      predictions,
      variant: output.InvokedProductionVariant,
      ...version,
      ...(request.includeRaw === true ? { raw } : {}),
    };
  }

  /** The container's own report first; else the version the endpoint serves. */
  private async versionOf(
    endpointName: string,
    customAttributes: string | undefined,
    deployed: Promise<VersionLookup> | undefined,
  ): Promise<Pick<PredictResult, 'modelVersion' | 'modelVersionSource'>> {
    const reported = versionOfAttributes(customAttributes);
    if (reported !== undefined) {
      this.labelled.add(endpointName);
      return { modelVersion: reported, modelVersionSource: 'container' };
    }
    this.labelled.delete(endpointName);
    const versions = this.versions;
    const version = versions === undefined ? undefined : versions.versionOf(endpointName, await (deployed ?? versions.lookup(endpointName)));
    return version === undefined ? { modelVersion: undefined, modelVersionSource: undefined } : { modelVersion: version, modelVersionSource: 'endpoint' };
  }

  // An injected client that retries by itself multiplies our attempts (3 x 3 requests by
  // default), so say so once rather than silently hammering a struggling endpoint.
  private async checkRuntimeRetries(): Promise<void> {
    if (this.runtimeChecked) return;
    this.runtimeChecked = true;
    const sdkAttempts = await this.runtime.config.maxAttempts();
    if (sdkAttempts > 1) {
      process.emitWarning(
        `the SageMakerRuntimeClient given to GantryClient retries by itself (maxAttempts ${sdkAttempts}), so a predict may send up to ` +
          `${sdkAttempts * this.policy.maxAttempts} requests; build it with maxAttempts: 1`,
        { code: 'GANTRY_RUNTIME_RETRIES' },
      );
    }
  }
}

function checkInvokeOptions(model: string, request: PredictRequest): void {
  const { customAttributes, targetVariant } = request;
  if (customAttributes !== undefined && (typeof customAttributes !== 'string' || customAttributes.length > MAX_CUSTOM_ATTRIBUTES)) {
    throw new InvalidInputError(`predict("${model}"): customAttributes must be a string of at most ${MAX_CUSTOM_ATTRIBUTES} characters`);
  }
  if (targetVariant !== undefined && (typeof targetVariant !== 'string' || targetVariant === '')) {
    throw new InvalidInputError(`predict("${model}"): targetVariant must be a non-empty string`);
  }
}

function positive(option: string, value: number, integer: boolean): number {
  const ok = Number.isFinite(value) && value > 0 && (!integer || Number.isInteger(value));
  if (!ok) throw new RangeError(`GantryClient option ${option} must be a positive ${integer ? 'integer' : 'number'} (got ${value})`);
  return value;
}
