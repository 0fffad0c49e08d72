import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { renderConfigReference, rowsOf, typeOf, UndocumentedFieldError } from '../../../tools/docs/config-reference';

const ROOT = join(__dirname, '..', '..', '..');
const COMMITTED = join(ROOT, 'docs', 'configuration-reference.md');

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input' }) as Parameters<typeof rowsOf>[0];

describe('configuration reference', () => {
  it('is what the schema renders (run npm run docs when this fails)', () => {
    const committed = readFileSync(COMMITTED, 'utf8');
    expect(committed === renderConfigReference(), 'docs/configuration-reference.md is stale: run npm run docs and commit the result').toBe(true);
  });

  it('documents every field of the stage and of the model definition, with its default', () => {
    const reference = renderConfigReference();
    for (const row of ['| `training.instanceType` | string | `ml.g5.2xlarge` |', '| `training.spot.maxWaitSeconds` | integer ≥ 60, ≤ 2419200 | 2 × training.maxRuntimeSeconds |', '| `budgets.monthlyLimitUsd` | number > 0, ≤ 10000000 | required |']) {
      expect(reference).toContain(row);
    }
    // Markdown would swallow <stage> as an HTML tag.
    expect(reference).toContain('gantry-&lt;stage&gt;-&lt;model&gt;-*');
    expect(reference).not.toMatch(/\| [^|`]*<stage>/);
  });

  it('lists the accepted instance types of each instance type field', () => {
    expect(renderConfigReference()).toMatch(/\| `serving\.instanceType` \| .*`ml\.inf2\.xlarge`/);
  });

  it('throws when a field has no description, naming its path', () => {
    const schema = jsonSchema(z.strictObject({ serving: z.strictObject({ target: z.string() }).describe('Serving.') }));

    expect(() => rowsOf(schema)).toThrow(UndocumentedFieldError);
    expect(() => rowsOf(schema)).toThrow(/config field "serving\.target" has no description/);
  });

  it('walks nested objects and lists of objects, and stops where told', () => {
    const schema = jsonSchema(
      z.strictObject({
        groups: z.array(z.strictObject({ name: z.string().describe('Name.') })).default([]).describe('Groups.'),
        models: z.array(z.strictObject({ name: z.string().describe('Model name.') })).describe('Models.'),
        vpc: z.strictObject({ cidr: z.string().default('10.0.0.0/16').describe('CIDR.') }).optional().meta({ description: 'VPC.', defaultText: 'no VPC' }),
      }),
    );

    expect(rowsOf(schema, '', ['models'])).toEqual([
      { path: 'groups', type: 'list of object', default: '`[]`', description: 'Groups.' },
      { path: 'groups[].name', type: 'string', default: 'required', description: 'Name.' },
      { path: 'models', type: 'list of object', default: 'required', description: 'Models.' },
      { path: 'vpc', type: 'object', default: 'no VPC', description: 'VPC.' },
      { path: 'vpc.cidr', type: 'string', default: '`10.0.0.0/16`', description: 'CIDR.' },
    ]);
  });

  it.each([
    [z.enum(['inf2', 'cpu']), '`inf2` \\| `cpu`'],
    [z.union([z.literal(1024), z.literal(2048)]), '`1024` \\| `2048`'],
    [z.number().int().min(1).max(64), 'integer ≥ 1, ≤ 64'],
    [z.number().int().min(0), 'integer ≥ 0'],
    [z.number().positive(), 'number > 0'],
    [z.number().int().min(15).multipleOf(15), 'integer ≥ 15, multiple of 15'],
    [z.string().max(16), 'string, ≤ 16 characters'],
    [z.email(), 'email'],
    [z.array(z.string()), 'list of string'],
    [z.record(z.string(), z.number()), '{ name: number }'],
    [z.boolean(), 'boolean'],
  ])('typeOf(%#) says what values it takes', (schema, expected) => {
    expect(typeOf(jsonSchema(schema))).toBe(expected);
  });
});
