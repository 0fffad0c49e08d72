import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod/mini';
import { ENV } from '../../lib/contract';
import { DynamoRegistry } from '../adapters/dynamo-registry';
import type { Registry, RegistryEvent } from '../core/registry/model';
import { modelNameSchema } from '../core/input/model-name';
import { parseEvent } from '../shared/invalid-event';
import { logger, requireEnv, tracer } from '../shared/observability';
import { lazyHandler } from '../shared/lazy-handler';

/**
 * The training pipeline's failure path: appends a `Failed` or `GateFailed` event to the
 * model's registry history, with the caught error's name and cause. Returns the recorded event.
 */
export interface RecordEventDeps {
  readonly registry: Pick<Registry, 'recordFailure'>;
}

/**
 * Stored causes and reasons are cut to this many UTF-8 bytes. A caught Lambda error's Cause is
 * its JSON with the stack trace (up to 32 KB in Step Functions), and the failure path must
 * not itself fail on DynamoDB's 400 KB item limit or bloat every history read.
 */
export const MAX_TEXT_BYTES = 4096;

const eventSchema = z.strictObject({
  model: modelNameSchema,
  type: z.enum(['Failed', 'GateFailed']),
  reason: z.string().check(z.minLength(1, 'must not be empty')),
  executionArn: z.string().check(z.regex(/^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:(execution|express):[^:]+:[^:]+$/, 'must be a Step Functions execution ARN')),
  error: z.optional(z.string()),
  cause: z.optional(z.string()),
  version: z.optional(z.number().check(z.int(), z.positive('must be a positive version number'))),
});

export function makeHandler(deps: RecordEventDeps): (event: unknown) => Promise<RegistryEvent> {
  return async (event) => {
    const input = parseEvent(eventSchema, event);
    const details: Record<string, string> = {};
    if (input.error !== undefined) details.error = input.error;
    if (input.cause !== undefined) details.cause = truncateUtf8(input.cause, MAX_TEXT_BYTES);
    const recorded = await deps.registry.recordFailure(input.model, {
      type: input.type,
      actor: input.executionArn,
      reason: truncateUtf8(input.reason, MAX_TEXT_BYTES),
      ...(input.version !== undefined ? { version: input.version } : {}),
      ...(Object.keys(details).length > 0 ? { details } : {}),
    });
    logger.info('recorded pipeline failure', { model: recorded.model, type: recorded.type, seq: recorded.seq, error: input.error });
    return recorded;
  };
}

/**
 * `text` cut to at most `maxBytes` UTF-8 bytes, marker included, never inside a character.
 * The marker says how much was cut, so a reader knows the text is incomplete.
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  const marker = (cut: number) => `… [truncated ${cut} of ${bytes.length} bytes]`;
  // Sized for the largest possible cut, so the real marker can only be shorter.
  let keep = maxBytes - Buffer.byteLength(marker(bytes.length));
  // Back off to the start of a character: UTF-8 continuation bytes are 10xxxxxx.
  while (keep > 0 && (bytes[keep]! & 0xc0) === 0x80) keep--;
  return bytes.subarray(0, keep).toString('utf8') + marker(bytes.length - keep);
}

function defaultDeps(): RecordEventDeps {
  const client = tracer.captureAWSv3Client(new DynamoDBClient({}));
  return { registry: new DynamoRegistry({ client, tableName: requireEnv(ENV.registryTable) }) };
}

/** The Lambda entry point; its clients are created once per execution environment. */
export const handler = lazyHandler(makeHandler, defaultDeps);
