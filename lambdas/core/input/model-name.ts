// zod/mini: the same checks as classic zod at a twentieth of the bundle size (cold starts).
import * as z from 'zod/mini';

/** A model's name as every entry point accepts it: kebab-case, so it can sit in resource names. */
export const modelNameSchema = z.string().check(z.regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'must be a kebab-case model name'), z.maxLength(32, 'must be at most 32 characters'));
