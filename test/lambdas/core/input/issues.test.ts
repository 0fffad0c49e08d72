import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { describeIssue, formatIssues } from '../../../../lambdas/core/input/issues';

// Real zod/mini schemas, parsed as the handlers parse (reportInput, so a wrong type names what came).
const linesFor = (schema: z.ZodMiniType, value: unknown): string[] => {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) throw new Error(`${JSON.stringify(value)} unexpectedly parsed`);
  return formatIssues(result.error.issues);
};

const item = z.strictObject({ name: z.string(), size: z.number() });

describe('formatIssues', () => {
  it.each<[string, z.ZodMiniType, unknown, string[]]>([
    ['unknown keys, all of them named', item, { name: 'a', size: 1, colour: 'red', shape: 'round' }, ['(root): unknown key(s) colour, shape']],
    ['a missing field', item, { size: 1 }, ['name: expected string (missing)']],
    ['a null field', item, { name: null, size: 1 }, ['name: expected string, got null']],
    ['a field of the wrong type', item, { name: 'a', size: '1' }, ['size: expected number, got string']],
    ['an object where a string belongs', item, { name: {}, size: 1 }, ['name: expected string, got object']],
    ['a value outside an enum', z.enum(['cpu', 'gpu']), 'tpu', ['(root): must be one of "cpu", "gpu"']],
    ['a string under its minimum length', z.string().check(z.minLength(3)), 'ab', ['(root): is too small (limit 3)']],
    ['a string over its maximum length', z.string().check(z.maxLength(3)), 'abcd', ['(root): is too big (limit 3)']],
    ['a number under its minimum', z.number().check(z.minimum(5)), 1, ['(root): is too small (limit 5)']],
    ['a number over its maximum', z.number().check(z.maximum(5)), 9, ['(root): is too big (limit 5)']],
    ['a length check with its own message', z.string().check(z.minLength(3, 'must have three letters')), 'ab', ['(root): must have three letters']],
    ['a regex check without a message, in zod’s words', z.string().check(z.regex(/^x+$/)), 'xy', ['(root): Invalid input']],
    ['a regex check with its own message', z.string().check(z.regex(/^x+$/, 'must be all x')), 'xy', ['(root): must be all x']],
    ['a nested path, joined with dots', z.object({ items: z.array(item) }), { items: [{ name: 'a', size: 1 }, { name: 'b' }] }, ['items.1.size: expected number (missing)']],
    ['several issues, one line each', item, {}, ['name: expected string (missing)', 'size: expected number (missing)']],
  ])('words %s', (_, schema, value, expected) => {
    expect(linesFor(schema, value)).toEqual(expected);
  });

  it('returns no lines for no issues', () => {
    expect(formatIssues([])).toEqual([]);
  });
});

describe('describeIssue', () => {
  it('keeps zod’s message for codes it has no wording of its own for', () => {
    const result = z.string().check(z.refine((s) => s.startsWith('s3://'), 'must start with s3://')).safeParse('http://x');
    expect(result.success).toBe(false);
    expect(describeIssue(result.error!.issues[0]!)).toBe('must start with s3://');
  });
});
