import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A bad command line: the message names the flag or argument. The CLI exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command takes. */
export const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  stage: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/** Parses a command's flags strictly: unknown flags and stray arguments are usage errors. */
export function parseFlags<T extends Options>(args: readonly string[], options: T): ReturnType<typeof parseArgs<{ options: T & typeof COMMON_OPTIONS; strict: true; allowPositionals: false }>>['values'] {
  try {
    return parseArgs({ args: [...args], options: { ...COMMON_OPTIONS, ...options }, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^Unknown option/, 'unknown option').split('. To specify')[0]!);
  }
}

/** A required string flag. */
export function required(values: Record<string, unknown>, flag: string): string {
  const value = values[flag];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${flag} is required`);
  return value;
}

/** A positive integer flag (version numbers). */
export function positiveInt(values: Record<string, unknown>, flag: string): number {
  const raw = required(values, flag);
  if (!/^[1-9]\d*$/.test(raw)) throw new UsageError(`--${flag} must be a positive integer (got ${JSON.stringify(raw)})`);
  return Number(raw);
}

/** A flag holding a JSON object. */
export function jsonObject(values: Record<string, unknown>, flag: string): Record<string, unknown> | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(raw));
  } catch (error) {
    throw new UsageError(`--${flag} is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`--${flag} must be a JSON object (got ${JSON.stringify(raw)})`);
  return parsed as Record<string, unknown>;
}

/** An S3 URI flag. */
export function s3Uri(value: string, flag: string): string {
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+/.test(value)) throw new UsageError(`--${flag} must be an s3://bucket/key URI (got ${JSON.stringify(value)})`);
  return value;
}
