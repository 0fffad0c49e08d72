import { describe, expect, it } from 'vitest';
import { formatIssues } from '../../../../lambdas/core/input/issues';
import { modelNameSchema } from '../../../../lambdas/core/input/model-name';

const refusal = (name: string): string[] => {
  const result = modelNameSchema.safeParse(name);
  return result.success ? [] : formatIssues(result.error.issues);
};

describe('modelNameSchema', () => {
  it.each(['churn', 'a', 'churn2', 'churn-v2', 'a1-b2-c3', 'fraud-detector-eu-west-1', 'x'.repeat(32)])('accepts %j', (name) => {
    expect(modelNameSchema.safeParse(name)).toEqual({ success: true, data: name });
  });

  it.each([
    'Churn',
    '1churn',
    '-churn',
    'churn-',
    'churn--v2',
    'churn_v2',
    'churn v2',
    'churn!',
    'churn-v2!',
    'churn-@',
    '',
  ])('refuses %j as not kebab-case', (name) => {
    expect(refusal(name)).toContain('(root): must be a kebab-case model name');
  });

  it('refuses a name of 33 characters, which would overflow the resource names built from it', () => {
    expect(refusal('x'.repeat(33))).toEqual(['(root): must be at most 32 characters']);
  });
});
