/**
 * SageMaker takes hyperparameters as a map of strings only, and refuses a job whose map breaks
 * its limits (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-HyperParameters):
 * at most 100 entries, keys up to 256 characters, values up to 2500. An execution's overrides
 * are JSON, so `{"epochs": 30}` arrives as a number: scalars are turned into the strings the
 * script would have received from the config, anything else is refused before any job starts.
 */
import { PIPELINE_ERRORS } from '../../../lib/contract';

export const HYPERPARAMETER_LIMITS = { entries: 100, keyLength: 256, valueLength: 2500 } as const;

export class InvalidHyperparametersError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid hyperparameters: ${problems.join('; ')}`);
    this.name = PIPELINE_ERRORS.invalidHyperparameters;
  }
}

/** The map SageMaker receives. @throws InvalidHyperparametersError naming every bad entry */
export function toSageMakerHyperparameters(raw: unknown): Record<string, string> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidHyperparametersError([`must be an object of names to values, got ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}`]);
  }
  const problems: string[] = [];
  const result: Record<string, string> = {};
  const entries = Object.entries(raw);
  if (entries.length > HYPERPARAMETER_LIMITS.entries) problems.push(`${entries.length} entries, SageMaker allows at most ${HYPERPARAMETER_LIMITS.entries}`);
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > HYPERPARAMETER_LIMITS.keyLength) problems.push(`name "${key.slice(0, 40)}" must have 1 to ${HYPERPARAMETER_LIMITS.keyLength} characters`);
    const text = typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'boolean' ? String(value) : undefined;
    if (text === undefined) {
      problems.push(`${key}: must be a string, a number or a boolean, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
    } else if (text.length > HYPERPARAMETER_LIMITS.valueLength) {
      problems.push(`${key}: value has ${text.length} characters, SageMaker allows at most ${HYPERPARAMETER_LIMITS.valueLength}`);
    } else {
      result[key] = text;
    }
  }
  if (problems.length > 0) throw new InvalidHyperparametersError(problems);
  return result;
}
