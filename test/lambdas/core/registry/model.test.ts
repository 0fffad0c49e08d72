import { describe, expect, it } from 'vitest';
import { assertTransition, InvalidTransitionError, liveVersionAt, STATUSES, TRANSITIONS, type RegistryEvent, type VersionStatus } from '../../../../lambdas/core/registry/model';
import { InvalidRegistrationError, parseRegisterInput } from '../../../../lambdas/core/registry/registration';

describe('status transitions', () => {
  const allowed: Array<[VersionStatus, VersionStatus]> = [
    ['Registered', 'Approved'],
    ['Registered', 'Rejected'],
    ['Approved', 'Production'],
    ['Approved', 'Rejected'],
    ['Approved', 'Archived'],
    ['Production', 'Archived'],
    ['Production', 'RolledBack'],
    ['Archived', 'Production'],
  ];

  it('allows exactly the documented transitions', () => {
    const all = STATUSES.flatMap((from) => TRANSITIONS[from].map((to) => [from, to]));
    expect(all.sort()).toEqual([...allowed].sort());
  });

  it.each(STATUSES.flatMap((from) => STATUSES.filter((to) => !allowed.some(([f, t]) => f === from && t === to)).map((to) => [from, to] as const)))(
    'throws when going from %s to %s',
    (from, to) => {
      expect(() => assertTransition('churn', 3, from, to)).toThrow(InvalidTransitionError);
      expect(() => assertTransition('churn', 3, from, to)).toThrow(`model "churn" version 3 cannot go from ${from} to ${to}`);
    },
  );
});

describe('liveVersionAt', () => {
  const event = (seq: number, at: string, type: RegistryEvent['type'], version?: number): RegistryEvent => ({ model: 'm', seq, at, type, actor: 't', version });
  const history = [
    event(1, '2026-01-01T00:00:00Z', 'Registered', 1),
    event(2, '2026-01-02T00:00:00Z', 'Promoted', 1),
    event(3, '2026-01-03T00:00:00Z', 'Registered', 2),
    event(4, '2026-01-04T00:00:00Z', 'Promoted', 2),
    event(5, '2026-01-05T00:00:00Z', 'RolledBack', 1),
    event(6, '2026-01-06T00:00:00Z', 'Failed'),
  ];

  it.each([
    ['2025-12-31T00:00:00Z', undefined],
    ['2026-01-01T12:00:00Z', undefined],
    ['2026-01-02T00:00:00Z', 1],
    ['2026-01-03T23:59:59Z', 1],
    ['2026-01-04T00:00:01Z', 2],
    ['2026-01-05T00:00:00Z', 1],
    ['2030-01-01T00:00:00Z', 1],
  ])('at %s the live version is %s', (at, expected) => {
    expect(liveVersionAt(history, new Date(at))).toBe(expected);
  });

  it('orders by sequence, not by the order given', () => {
    expect(liveVersionAt([...history].reverse(), new Date('2026-01-04T12:00:00Z'))).toBe(2);
  });
});

describe('parseRegisterInput', () => {
  const good = {
    model: 'churn',
    artifactUri: 's3://artifacts-bucket/churn/1/model.tar.gz',
    imageUri: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.5.1-cpu-py311',
    metrics: { auc: 0.91 },
    hyperparameters: { epochs: '20' },
    dataInputs: [{ uri: 's3://curated-bucket/churn/2026-11-01.csv', versionId: 'abc123' }],
    trainingJobArn: 'arn:aws:sagemaker:us-east-1:111111111111:training-job/churn-1',
    createdBy: 'alice',
  };

  it('accepts a full lineage and defaults the optional maps', () => {
    expect(parseRegisterInput(good)).toEqual(good);
    expect(parseRegisterInput({ model: 'churn', artifactUri: good.artifactUri, imageUri: good.imageUri, createdBy: 'ci' })).toMatchObject({ metrics: {}, hyperparameters: {}, dataInputs: [] });
  });

  it.each([
    [{ artifactUri: 'https://example.com/model.tar.gz' }, /artifactUri: must be an s3:\/\/bucket\/key URI/],
    [{ model: 'Churn Model' }, /model: must be a kebab-case model name/],
    [{ metrics: { auc: 'high' } }, /metrics\.auc: .*number/],
    [{ metrics: { auc: Number.NaN } }, /metrics\.auc:/],
    [{ dataInputs: [{ uri: 's3://b/k', sha256: 'xyz' }] }, /dataInputs\.0\.sha256: must be a hex sha256/],
    [{ trainingJobArn: 'job-1' }, /trainingJobArn: must be a SageMaker training job ARN/],
    [{ imageUri: 'not an image' }, /imageUri: must be a container image URI/],
    [{ extra: 1 }, /\(root\): unknown key\(s\) extra/],
    [{ createdBy: '' }, /createdBy:/],
  ])('throws for %j', (change, message) => {
    expect(() => parseRegisterInput({ ...good, ...change })).toThrow(InvalidRegistrationError);
    expect(() => parseRegisterInput({ ...good, ...change })).toThrow(message);
  });
});
