// zod/mini: the same checks as classic zod at a twentieth of the bundle size (cold starts).
import * as z from 'zod/mini';
import { formatIssues } from '../input/issues';
import { modelNameSchema } from '../input/model-name';
import type { RegisterInput } from './model';

/** Thrown for a registration request that does not validate; `issues` name each bad field. */
export class InvalidRegistrationError extends Error {
  constructor(readonly issues: readonly string[], options?: { cause?: unknown }) {
    super(`invalid registration: ${issues.join('; ')}`, options);
    this.name = 'InvalidRegistrationError';
  }
}

const s3Uri = z.string().check(z.regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+$/, 'must be an s3://bucket/key URI'));

const registerSchema = z.strictObject({
  model: modelNameSchema,
  artifactUri: s3Uri,
  imageUri: z.string().check(z.regex(/^[\w.-]+(:\d+)?\/[\w./-]+(:[\w.-]+|@sha256:[a-f0-9]{64})$/, 'must be a container image URI (registry/repository:tag)')),
  metrics: z._default(z.record(z.string().check(z.minLength(1)), z.number().check(z.refine(Number.isFinite, 'must be a finite number'))), {}),
  hyperparameters: z._default(z.record(z.string().check(z.minLength(1)), z.string()), {}),
  dataInputs: z._default(
    z.array(
      z.strictObject({
        uri: s3Uri,
        versionId: z.optional(z.string().check(z.minLength(1))),
        sha256: z.optional(z.string().check(z.regex(/^[a-f0-9]{64}$/, 'must be a hex sha256'))),
        etag: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
      }),
    ),
    [],
  ),
  trainingJobArn: z.optional(z.string().check(z.regex(/^arn:aws[\w-]*:sagemaker:[a-z0-9-]+:\d{12}:training-job\/.+$/, 'must be a SageMaker training job ARN'))),
  baselineUri: z.optional(s3Uri),
  compiledArtifactUri: z.optional(s3Uri),
  createdBy: z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(2048)),
});

/** Validates an untrusted registration request. @throws InvalidRegistrationError */
export function parseRegisterInput(raw: unknown): RegisterInput {
  const result = registerSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    throw new InvalidRegistrationError(formatIssues(result.error.issues), { cause: result.error });
  }
  return result.data;
}
