import { z } from 'zod';
import type { RegisterInput } from './model';

/** Thrown for a registration request that does not validate; `issues` name each bad field. */
export class InvalidRegistrationError extends Error {
  constructor(readonly issues: readonly string[], options?: { cause?: unknown }) {
    super(`invalid registration: ${issues.join('; ')}`, options);
    this.name = 'InvalidRegistrationError';
  }
}

const s3Uri = z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+$/, 'must be an s3://bucket/key URI');

export const modelNameSchema = z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'must be a kebab-case model name').max(32);

const registerSchema = z.strictObject({
  model: modelNameSchema,
  artifactUri: s3Uri,
  imageUri: z.string().regex(/^[\w.-]+(:\d+)?\/[\w./-]+(:[\w.-]+|@sha256:[a-f0-9]{64})$/, 'must be a container image URI (registry/repository:tag)'),
  metrics: z.record(z.string().min(1), z.number().refine(Number.isFinite, 'must be a finite number')).default({}),
  hyperparameters: z.record(z.string().min(1), z.string()).default({}),
  dataInputs: z
    .array(
      z.strictObject({
        uri: s3Uri,
        versionId: z.string().min(1).optional(),
        sha256: z.string().regex(/^[a-f0-9]{64}$/, 'must be a hex sha256').optional(),
      }),
    )
    .default([]),
  trainingJobArn: z.string().regex(/^arn:aws[\w-]*:sagemaker:[a-z0-9-]+:\d{12}:training-job\/.+$/, 'must be a SageMaker training job ARN').optional(),
  baselineUri: s3Uri.optional(),
  compiledArtifactUri: s3Uri.optional(),
  createdBy: z.string().min(1).max(2048),
});

/** Validates an untrusted registration request. @throws InvalidRegistrationError */
export function parseRegisterInput(raw: unknown): RegisterInput {
  const result = registerSchema.safeParse(raw);
  if (!result.success) {
    throw new InvalidRegistrationError(
      result.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.code === 'unrecognized_keys' ? `unknown key(s) ${i.keys.join(', ')}` : i.message}`),
      { cause: result.error },
    );
  }
  return result.data;
}
