import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * SageMaker Runtime's InvokeEndpoint on loopback (SageMaker has no local engine). It records
 * every request and answers from a scripted queue, so tests and benchmarks drive the real
 * SageMakerRuntimeClient end to end.
 *
 * Header names are the ones @aws-sdk/client-sagemaker-runtime writes and reads: it sends
 * `Content-Type`, `Accept`, `X-Amzn-SageMaker-Custom-Attributes` and
 * `X-Amzn-SageMaker-Target-Variant`; it reads the variant from
 * `x-Amzn-Invoked-Production-Variant`, the container's custom attributes from
 * `X-Amzn-SageMaker-Custom-Attributes`, and an error's type from `x-amzn-errortype`.
 */

export interface ScriptedResponse {
  /** @default 200 */
  readonly status?: number;
  /** @default '' */
  readonly body?: string;
  /** @default 'application/json' when the body starts with `{` or `[`, else 'text/csv' */
  readonly contentType?: string;
  /** Sent as `x-amzn-invoked-production-variant`. */
  readonly variant?: string;
  /** Sent as `x-amzn-sagemaker-custom-attributes`: what the container returned, e.g. `gantry-model-version=7`. */
  readonly customAttributes?: string;
  /** Sent as `x-amzn-errortype`, which the SDK maps to its exception class (e.g. `ModelError`). */
  readonly errorType?: string;
  /** Wait this long before answering. */
  readonly delayMs?: number;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** Decoded from the path. */
  readonly endpointName: string;
  /** As Node received them (lower-case names). */
  readonly headers: IncomingHttpHeaders;
  readonly contentType: string | undefined;
  readonly accept: string | undefined;
  readonly customAttributes: string | undefined;
  readonly targetVariant: string | undefined;
  readonly body: string;
  /** Milliseconds since the server started. */
  readonly receivedAt: number;
}

const INVOCATIONS = /^\/endpoints\/([^/]+)\/invocations$/;

/** A 200 whose variant is `variant` (Gantry endpoints have one, `primary`). */
export function ok(body: string, variant = 'primary', contentType?: string): ScriptedResponse {
  return { status: 200, body, variant, contentType };
}

/** An error shaped like SageMaker's: JSON body with `message`, the type in `x-amzn-errortype`. */
export function serviceError(status: number, errorType: string, message = errorType): ScriptedResponse {
  return { status, errorType, contentType: 'application/json', body: JSON.stringify({ message }) };
}

/** SageMaker's ModelError (424): the container answered `originalStatusCode`. */
export function modelError(originalStatusCode: number, originalMessage: string): ScriptedResponse {
  return {
    status: 424,
    errorType: 'ModelError',
    contentType: 'application/json',
    body: JSON.stringify({
      ErrorCode: 'CLIENT_ERROR_FROM_MODEL',
      LogStreamArn: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/fake',
      Message: `Received client error (${originalStatusCode}) from primary with message "${originalMessage}".`,
      OriginalMessage: originalMessage,
      OriginalStatusCode: originalStatusCode,
    }),
  };
}

export class FakeSageMakerRuntime {
  /** Starts a server on 127.0.0.1 on a free port. */
  static async start(): Promise<FakeSageMakerRuntime> {
    const fake = new FakeSageMakerRuntime();
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(0, '127.0.0.1', () => resolve());
    });
    return fake;
  }

  /** Every request received, oldest first. */
  readonly requests: RecordedRequest[] = [];
  /** Delayed responses never sent because the client closed the connection first (an aborted request). */
  abandoned = 0;
  private readonly server: Server;
  private readonly queue: ScriptedResponse[] = [];
  private fallback: ScriptedResponse | undefined;
  private responder: ((request: RecordedRequest) => Promise<ScriptedResponse>) | undefined;
  private readonly clients: SageMakerRuntimeClient[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly startedAt = Date.now();

  private constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  /** `http://127.0.0.1:<port>` */
  get endpoint(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Answers the next requests with these responses, in order. */
  enqueue(...responses: ScriptedResponse[]): this {
    this.queue.push(...responses);
    return this;
  }

  /** Answers with this once the queue is empty. Without it, an unscripted request gets a 500 saying so. */
  always(response: ScriptedResponse | undefined): this {
    this.fallback = response;
    return this;
  }

  /**
   * Answers every request by calling `responder` instead of the script (the lifecycle's endpoints
   * answer through the model itself). A thrown error with a `name` answers as that service error.
   */
  respondWith(responder: ((request: RecordedRequest) => Promise<ScriptedResponse>) | undefined): this {
    this.responder = responder;
    return this;
  }

  /** Forgets the requests, the queue and the fallback. */
  reset(): void {
    this.requests.length = 0;
    this.abandoned = 0;
    this.queue.length = 0;
    this.fallback = undefined;
  }

  /**
   * A real SageMakerRuntimeClient pointed here with dummy credentials. SDK retries are off
   * unless `maxAttempts` says otherwise, since callers (the Gantry client) retry themselves.
   */
  client(options: { maxAttempts?: number } = {}): SageMakerRuntimeClient {
    const client = new SageMakerRuntimeClient({
      endpoint: this.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' },
      maxAttempts: options.maxAttempts ?? 1,
    });
    this.clients.push(client);
    return client;
  }

  /** Destroys the clients made by `client()`, drops open connections, and stops the server. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const client of this.clients) client.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      const match = INVOCATIONS.exec(path);
      if (req.method !== 'POST' || match === null) {
        this.respond(res, serviceError(404, 'UnknownOperationException', `fake runtime: no route for ${req.method} ${path}`));
        return;
      }
      this.requests.push({
        method: req.method,
        path,
        endpointName: decodeURIComponent(match[1]),
        headers: req.headers,
        contentType: header(req.headers, 'content-type'),
        accept: header(req.headers, 'accept'),
        customAttributes: header(req.headers, 'x-amzn-sagemaker-custom-attributes'),
        targetVariant: header(req.headers, 'x-amzn-sagemaker-target-variant'),
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now() - this.startedAt,
      });
      if (this.responder) {
        const request = this.requests.at(-1)!;
        this.responder(request).then(
          (answer) => this.respond(res, answer),
          (error: unknown) => this.respond(res, serviceError(400, (error as Error).name || 'InternalFailure', (error as Error).message)),
        );
        return;
      }
      const scripted = this.queue.shift() ?? this.fallback ?? serviceError(500, 'InternalFailure', 'fake runtime: no scripted response');
      if (!scripted.delayMs) {
        this.respond(res, scripted);
        return;
      }
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (!res.destroyed) this.respond(res, scripted);
      }, scripted.delayMs);
      this.timers.add(timer);
      // The client may abort while we wait; then there is nobody left to answer.
      res.on('close', () => {
        if (this.timers.delete(timer)) {
          clearTimeout(timer);
          this.abandoned += 1;
        }
      });
    });
  }

  private respond(res: ServerResponse, scripted: ScriptedResponse): void {
    const body = scripted.body ?? '';
    const headers: Record<string, string> = { 'content-type': scripted.contentType ?? guessContentType(body) };
    if (scripted.variant !== undefined) headers['x-amzn-invoked-production-variant'] = scripted.variant;
    if (scripted.customAttributes !== undefined) headers['x-amzn-sagemaker-custom-attributes'] = scripted.customAttributes;
    if (scripted.errorType !== undefined) headers['x-amzn-errortype'] = scripted.errorType;
    res.writeHead(scripted.status ?? 200, headers);
    res.end(body);
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function guessContentType(body: string): string {
  return /^\s*[[{]/.test(body) ? 'application/json' : 'text/csv';
}
