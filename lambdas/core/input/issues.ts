// The one wording of a zod issue, for every handler, the CLI and the client: `path: message`.
// zod/mini: the same checks as classic zod at a twentieth of the bundle size (cold starts).
import type * as z from 'zod/mini';

/** One line per issue: `path: message`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${describeIssue(i)}`);
}

/** A readable message for an issue; zod/mini carries no English messages of its own. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key(s) ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type') return `expected ${issue.expected}${issue.input === undefined ? ' (missing)' : `, got ${issue.input === null ? 'null' : typeof issue.input}`}`;
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'too_small' || issue.code === 'too_big') return issue.message === 'Invalid input' ? `is ${issue.code.replace('_', ' ')} (limit ${String(issue.code === 'too_small' ? issue.minimum : issue.maximum)})` : issue.message;
  return issue.message;
}
