// zod/mini: the same checks as classic zod at a twentieth of the bundle size (cold starts).
import type * as z from 'zod/mini';
import { formatIssues } from '../core/input/issues';

/**
 * Thrown for an event that does not validate; `issues` name each bad field. The pipeline's
 * Catch states match it by name, so the name is part of the contract.
 */
export class InvalidEventError extends Error {
  constructor(readonly issues: readonly string[], options?: { cause?: unknown }) {
    super(`invalid event: ${issues.join('; ')}`, options);
    this.name = 'InvalidEventError';
  }
}

/** Validates an untrusted event against `schema`. @throws InvalidEventError */
export function parseEvent<S extends z.ZodMiniType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    throw new InvalidEventError(formatIssues(result.error.issues), { cause: result.error });
  }
  return result.data;
}
