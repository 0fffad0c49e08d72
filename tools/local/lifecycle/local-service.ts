/**
 * In-process stand-ins for AWS services that have no local engine, at the SDK's boundary: a
 * middleware answers every command of a real SDK client before it is serialized, so the code
 * under test builds its real commands and handles the real error names.
 */

/** What a local service answers: the command's output fields, or a thrown ServiceError. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- requests are each operation's own shape
export type LocalServiceHandler = (operation: string, input: Record<string, any>) => Promise<Record<string, unknown>>;

/** An error as the SDK raises a service's: `name` is the error code, e.g. `ValidationException`. */
export class ServiceError extends Error {
  readonly $fault = 'client';
  readonly $metadata = { httpStatusCode: 400 };
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

interface MiddlewareClient {
  readonly middlewareStack: { add(middleware: unknown, options: Record<string, unknown>): void };
}

/** Routes every command `client` sends to `handle`, by operation name (`DescribeEndpoint`). */
export function serveLocally<C extends MiddlewareClient>(client: C, handle: LocalServiceHandler): C {
  client.middlewareStack.add(
    (_next: unknown, context: { commandName?: string }) => async (args: { input: Record<string, unknown> }) => {
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      const output = await handle(operation, structuredClone(args.input));
      return { output: { $metadata: { httpStatusCode: 200 }, ...output }, response: {} };
    },
    { step: 'initialize', name: 'gantryLocalService', priority: 'high' },
  );
  return client;
}
