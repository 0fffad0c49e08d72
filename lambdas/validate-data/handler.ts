import { S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod/mini';
import type { ValidateDataResult } from '../../lib/contract';
import { modelNameSchema } from '../core/input/model-name';
import { toSageMakerHyperparameters } from '../core/training/hyperparameters';
import { parseEvent } from '../shared/invalid-event';
import { logger, tracer } from '../shared/observability';
import { inspectData, type InspectOptions } from './inspect-data';
import { lazyHandler } from '../shared/lazy-handler';

/**
 * The training pipeline's first step: the input data must exist and hold at least one
 * non-empty object, and the run's hyperparameters must be what SageMaker accepts. Throws
 * `DataNotFoundError`, `EmptyDataError` or `InvalidHyperparametersError` (names from
 * PIPELINE_ERRORS, which the pipeline catches), or `InvalidEventError` for a bad event.
 * On success it pins up to 100 objects (ETag and version id) for the version's lineage and
 * returns the hyperparameters as strings, checked before any job is paid for.
 */
export interface ValidateDataDeps {
  readonly s3: S3Client;
  /** Listing and pinning limits. @default 100 pinned objects, 1000 keys per page */
  readonly options?: InspectOptions;
}

const eventSchema = z.strictObject({
  model: modelNameSchema,
  dataUri: z.string().check(z.regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, 'must be an s3://bucket/key or s3://bucket/prefix/ URI')),
  hyperparameters: z.optional(z.unknown()),
});

export function makeHandler(deps: ValidateDataDeps): (event: unknown) => Promise<ValidateDataResult> {
  return async (event) => {
    const parsed = parseEvent(eventSchema, event);
    const { model, dataUri } = parsed;
    const hyperparameters = toSageMakerHyperparameters(parsed.hyperparameters ?? {});
    const result = await inspectData(deps.s3, dataUri, deps.options);
    logger.info('validated training data', { model, dataUri, objects: result.objects, bytes: result.bytes, truncated: result.truncated });
    return { ...result, hyperparameters };
  };
}

function defaultDeps(): ValidateDataDeps {
  return { s3: tracer.captureAWSv3Client(new S3Client({})) };
}

/** The Lambda entry point; its clients are created once per execution environment. */
export const handler = lazyHandler(makeHandler, defaultDeps);
