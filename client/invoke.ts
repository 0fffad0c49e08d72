/**
 * InvokeEndpoint with a per-attempt timeout, retries with backoff, and SDK errors mapped to
 * the client's typed errors.
 */
import {
  InvokeEndpointCommand,
  type InvokeEndpointCommandInput,
  type InvokeEndpointCommandOutput,
  type SageMakerRuntimeClient,
} from '@aws-sdk/client-sagemaker-runtime';
import { EndpointUnavailableError, InvalidInputError, ModelInvocationError } from './errors';

export interface RetryPolicy {
  /** Abort an attempt that has not completed within this many milliseconds. */
  readonly timeoutMs: number;
  /** Requests sent at most, the first included. */
  readonly maxAttempts: number;
  /** Backoff before retry n is uniform in [0, min(maxDelayMs, baseDelayMs * 2^(n-1))] ("full jitter"). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Sends InvokeEndpoint until it succeeds, fails for good, or runs out of attempts. */
export async function invokeWithRetry(
  runtime: SageMakerRuntimeClient,
  input: InvokeEndpointCommandInput,
  policy: RetryPolicy,
): Promise<InvokeEndpointCommandOutput> {
  const endpointName = input.EndpointName ?? '';
  let lastError: unknown;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    try {
      return await attemptOnce(runtime, input, policy.timeoutMs);
    } catch (error) {
      const outcome = classify(error);
      if (outcome === 'model') throw modelError(endpointName, error);
      if (outcome === 'invalid') {
        throw new InvalidInputError(`endpoint "${endpointName}" rejected the request: ${inspect(error).message}`, { cause: error });
      }
      if (outcome === 'unavailable') throw new EndpointUnavailableError(endpointName, attempt, { cause: error });
      lastError = error;
    }
    if (attempt < policy.maxAttempts) await sleep(backoff(attempt, policy));
  }
  throw new EndpointUnavailableError(endpointName, policy.maxAttempts, { cause: lastError });
}

/** An attempt that ran out of time (its HTTP request has been aborted). */
class AttemptTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no response within ${timeoutMs} ms`);
    this.name = 'AttemptTimeoutError';
  }
}

async function attemptOnce(runtime: SageMakerRuntimeClient, input: InvokeEndpointCommandInput, timeoutMs: number): Promise<InvokeEndpointCommandOutput> {
  const controller = new AbortController();
  const timeout = new AttemptTimeoutError(timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  // The abort tears down the socket; the race guarantees the attempt settles even if some
  // stage of the SDK pipeline (e.g. reading the body) does not observe the signal.
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort(timeout);
      reject(timeout);
    }, timeoutMs);
  });
  try {
    return await Promise.race([runtime.send(new InvokeEndpointCommand(input), { abortSignal: controller.signal }), expired]);
  } catch (error) {
    throw controller.signal.aborted ? timeout : error;
  } finally {
    clearTimeout(timer);
  }
}

type Outcome = 'retry' | 'model' | 'invalid' | 'unavailable';

const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'ModelNotReadyException']);
const TRANSIENT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

function classify(error: unknown): Outcome {
  if (error instanceof AttemptTimeoutError) return 'retry';
  const { name, status, code, message } = inspect(error);
  if (name === 'ModelError' || status === 424) return 'model';
  if (status === 429 || THROTTLING.has(name)) return 'retry';
  if (status !== undefined && status >= 500) return 'retry';
  if (name === 'ValidationError' || status === 400 || status === 413) return endpointMissing(message) ? 'unavailable' : 'invalid';
  if (status !== undefined) return 'unavailable';
  if (TRANSIENT_NAMES.has(name) || NETWORK_CODES.has(code)) return 'retry';
  return 'unavailable';
}

// SageMaker reports a missing or not-InService endpoint as a 400 ValidationError
// ("Endpoint X of account Y not found."), which is not the caller's fault and not retried.
function endpointMissing(message: string): boolean {
  return /\bendpoint\b/i.test(message) && !/\bvariant\b/i.test(message) && /not found|does not exist|not in ?service/i.test(message);
}

function modelError(endpointName: string, error: unknown): ModelInvocationError {
  const details = error as { OriginalStatusCode?: unknown; OriginalMessage?: unknown; LogStreamArn?: unknown };
  const originalStatusCode = typeof details.OriginalStatusCode === 'number' ? details.OriginalStatusCode : undefined;
  const logStreamArn = typeof details.LogStreamArn === 'string' ? details.LogStreamArn : undefined;
  const text = typeof details.OriginalMessage === 'string' ? details.OriginalMessage : inspect(error).message;
  const message = originalStatusCode === undefined ? text : `container returned ${originalStatusCode}: ${text}`;
  return new ModelInvocationError(endpointName, message, { cause: error, originalStatusCode, logStreamArn });
}

function inspect(error: unknown): { name: string; status: number | undefined; code: string; message: string } {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  const status = e.$metadata?.httpStatusCode;
  return {
    name: typeof e.name === 'string' ? e.name : '',
    status: typeof status === 'number' ? status : undefined,
    code: typeof e.code === 'string' ? e.code : '',
    message: typeof e.message === 'string' ? e.message : String(error),
  };
}

function backoff(attempt: number, policy: RetryPolicy): number {
  return Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
