import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';

/** The one Logger and Tracer of a function, set up once per cold start. */
export const logger = new Logger();
export const tracer = new Tracer();

/** Reads a required environment variable, failing the cold start with its name when missing. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
