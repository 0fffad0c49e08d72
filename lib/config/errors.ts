import type { z } from 'zod';

/** One problem in a stage config: where it is, what is wrong, and the value found there. */
export interface ConfigProblem {
  /** Field path such as `models[0].training.instanceType`. */
  readonly path: string;
  readonly message: string;
  /** The offending value, when there is one. */
  readonly value?: unknown;
}

/** A stage config that does not validate. The message lists every problem with its field path and value. */
export class ConfigError extends Error {
  constructor(readonly stage: string, readonly problems: readonly ConfigProblem[], options?: { cause?: unknown }) {
    super(`invalid config for stage "${stage}":\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`, options);
    this.name = 'ConfigError';
  }
}

export function formatProblem(problem: ConfigProblem): string {
  const where = problem.path === '' ? '(root)' : problem.path;
  return problem.value === undefined ? `${where}: ${problem.message}` : `${where}: ${problem.message} (got ${show(problem.value)})`;
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`))
    .join('');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

/** Turns zod issues into problems, reading each bad value from the raw input. */
export function problemsFromZod(issues: readonly z.core.$ZodIssue[], input: unknown): ConfigProblem[] {
  return issues.flatMap((issue): ConfigProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        message: 'unknown key (check the spelling; unknown keys are rejected)',
      }));
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0 && issue.path.length > 0) {
      // A union of literals: report once, with the union's own message.
      return [{ path: formatPath(issue.path), message: issue.message, value: valueAt(input, issue.path) }];
    }
    const raw = valueAt(input, issue.path);
    const value = raw !== undefined ? raw : 'input' in issue ? issue.input : undefined;
    const message = raw === undefined && value === undefined && issue.code === 'invalid_type' ? 'is required' : issue.message;
    return [{ path: formatPath(issue.path), message, value }];
  });
}
