/**
 * Typed errors of the application client. Every error `predict` throws is a
 * `GantryClientError`, so callers can catch the whole family and branch on the class.
 */

/** Base class of every error the client throws on purpose. */
export abstract class GantryClientError extends Error {}

/** The model is not in the client's catalog (not configured, or not deployed to the stage). */
export class UnknownModelError extends GantryClientError {
  constructor(
    readonly model: string,
    readonly knownModels: readonly string[],
  ) {
    const known = knownModels.length > 0 ? knownModels.map((m) => `"${m}"`).join(', ') : '(none)';
    super(`unknown model "${model}"; known models: ${known}`);
    this.name = 'UnknownModelError';
  }
}

/**
 * The online store has no row for some entities, or a row lacks a value (or holds null) for
 * a feature the model needs.
 */
export class MissingFeaturesError extends GantryClientError {
  constructor(
    readonly model: string,
    /** Entities that are absent, or present with a missing value, in request order. */
    readonly entityIds: readonly string[],
    /** Feature names missing from at least one present entity; empty when only whole entities are absent. */
    readonly features: readonly string[],
  ) {
    const parts = [`entities ${list(entityIds)}`];
    if (features.length > 0) parts.push(`features ${list(features)}`);
    super(`missing online features for model "${model}": ${parts.join('; ')}`);
    this.name = 'MissingFeaturesError';
  }
}

/** The call itself is wrong (bad arguments, a bad feature value, or a request SageMaker rejected as invalid). */
export class InvalidInputError extends GantryClientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidInputError';
  }
}

/**
 * The endpoint could not serve the request: timeouts, throttling or 5xx after every retry,
 * network errors, an endpoint that does not exist or is not InService, or denied access.
 */
export class EndpointUnavailableError extends GantryClientError {
  constructor(
    readonly endpointName: string,
    /** Requests sent before giving up. */
    readonly attempts: number,
    options: { cause: unknown },
  ) {
    super(`endpoint "${endpointName}" unavailable after ${attempts} attempt(s): ${describe(options.cause)}`, options);
    this.name = 'EndpointUnavailableError';
  }
}

/**
 * The model container answered with an error (SageMaker's ModelError, HTTP 424), or with a
 * body the client cannot parse. Not retried: the same input would fail again.
 */
export class ModelInvocationError extends GantryClientError {
  /** Status code the container returned, when SageMaker reports it. */
  readonly originalStatusCode: number | undefined;
  /** CloudWatch log stream of the container, when SageMaker reports it. */
  readonly logStreamArn: string | undefined;

  constructor(
    readonly endpointName: string,
    message: string,
    details: { readonly cause: unknown; readonly originalStatusCode?: number; readonly logStreamArn?: string },
  ) {
    super(`model on endpoint "${endpointName}" failed: ${message}`, { cause: details.cause });
    this.name = 'ModelInvocationError';
    this.originalStatusCode = details.originalStatusCode;
    this.logStreamArn = details.logStreamArn;
  }
}

/** A model's serving contract could not be loaded from SSM (missing parameter, invalid JSON or shape). */
export class ServingContractError extends GantryClientError {
  constructor(
    readonly parameterName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`serving contract ${parameterName}: ${message}`, options);
    this.name = 'ServingContractError';
  }
}

const LISTED = 10;

function list(values: readonly string[]): string {
  const shown = values.slice(0, LISTED).map((v) => JSON.stringify(v));
  const more = values.length > LISTED ? ` and ${values.length - LISTED} more` : '';
  return `${shown.join(', ')}${more}`;
}

function describe(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return String(cause);
}
