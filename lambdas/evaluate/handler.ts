import { S3Client } from '@aws-sdk/client-s3';
// zod/mini: the same checks as classic zod at a twentieth of the bundle size (cold starts).
import * as z from 'zod/mini';
import type { EvaluateEvent, EvaluateResult } from '../../lib/contract';
import { readTarGzMember } from '../adapters/s3-archive';
import { modelNameSchema } from '../core/input/model-name';
import { parseEvaluationReport } from '../core/training/evaluation-report';
import { parseEvent } from '../shared/invalid-event';
import { logger, tracer } from '../shared/observability';
import { lazyHandler } from '../shared/lazy-handler';

export { InvalidEvaluationReportError } from '../core/training/evaluation-report';

/**
 * The training pipeline's evaluate step: reads the metrics the training script wrote to
 * `evaluation.json` in the job's `output.tar.gz`, for the quality gate. Errors are named
 * classes the pipeline catches by name: InvalidEventError, ArchiveNotFoundError,
 * ArchiveMemberNotFoundError, InvalidArchiveError, InvalidEvaluationReportError.
 */
export interface EvaluateDeps {
  readonly s3: S3Client;
}

/** The member the training script writes to /opt/ml/output/data/. */
export const EVALUATION_MEMBER = 'evaluation.json';

const eventSchema = z.strictObject({
  model: modelNameSchema,
  outputUri: z.string().check(z.regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+$/, 'must be an s3://bucket/key URI')),
});

export function makeHandler(deps: EvaluateDeps): (event: unknown) => Promise<EvaluateResult> {
  return async (raw) => {
    const event: EvaluateEvent = parseEvent(eventSchema, raw);
    const report = await readTarGzMember(deps.s3, event.outputUri, EVALUATION_MEMBER);
    const metrics = parseEvaluationReport(report.toString('utf8'), `${event.outputUri} ${EVALUATION_MEMBER}`);
    logger.info('read evaluation metrics', { model: event.model, outputUri: event.outputUri, metrics });
    return { metrics };
  };
}

function defaultDeps(): EvaluateDeps {
  return { s3: tracer.captureAWSv3Client(new S3Client({})) };
}

/** The Lambda entry point; its clients are created once per execution environment. */
export const handler = lazyHandler(makeHandler, defaultDeps);
