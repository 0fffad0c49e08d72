import { describe, expect, it } from 'vitest';
import { HYPERPARAMETER_LIMITS, InvalidHyperparametersError, toSageMakerHyperparameters } from '../../../../lambdas/core/training/hyperparameters';

// https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-HyperParameters
describe('toSageMakerHyperparameters (CreateTrainingJob HyperParameters: a map of strings)', () => {
  it.each([
    [{ epochs: '20' }, { epochs: '20' }],
    [{ epochs: 20, lr: 1e-3, dropout: 0.25 }, { epochs: '20', lr: '0.001', dropout: '0.25' }],
    [{ shuffle: false }, { shuffle: 'false' }],
    [{}, {}],
  ])('turns %j into %j', (raw, expected) => {
    expect(toSageMakerHyperparameters(raw)).toEqual(expected);
  });

  it.each([
    [null, 'invalid hyperparameters: must be an object of names to values, got null'],
    [['a'], 'invalid hyperparameters: must be an object of names to values, got an array'],
    ['epochs=3', 'invalid hyperparameters: must be an object of names to values, got string'],
    [{ epochs: { value: 3 } }, 'invalid hyperparameters: epochs: must be a string, a number or a boolean, got object'],
    [{ epochs: Number.NaN }, 'invalid hyperparameters: epochs: must be a string, a number or a boolean, got number'],
    [{ note: 'x'.repeat(2501) }, 'invalid hyperparameters: note: value has 2501 characters, SageMaker allows at most 2500'],
    [{ ['k'.repeat(257)]: '1' }, `invalid hyperparameters: name "${'k'.repeat(40)}" must have 1 to 256 characters`],
  ])('throws when given %j', (raw, message) => {
    expect(() => toSageMakerHyperparameters(raw)).toThrow(new InvalidHyperparametersError([message.replace('invalid hyperparameters: ', '')]));
    expect(() => toSageMakerHyperparameters(raw)).toThrow(message);
  });

  it(`throws when there are more than ${HYPERPARAMETER_LIMITS.entries} entries`, () => {
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`p${i}`, '1']));
    expect(() => toSageMakerHyperparameters(many)).toThrow('101 entries, SageMaker allows at most 100');
  });

  it('accepts every limit exactly: 100 entries, a 256-character name, a 2500-character value', () => {
    const many = Object.fromEntries(Array.from({ length: 99 }, (_, i) => [`p${i}`, '1']));
    const raw = { ...many, ['k'.repeat(256)]: 'v'.repeat(2500) };
    expect(toSageMakerHyperparameters(raw)).toEqual(raw);
  });

  it.each([
    [{ '': '1' }, 'name "" must have 1 to 256 characters'],
    [{ epochs: null }, 'epochs: must be a string, a number or a boolean, got null'],
    [{ layers: [64, 32] }, 'layers: must be a string, a number or a boolean, got an array'],
    [{ lr: Number.POSITIVE_INFINITY }, 'lr: must be a string, a number or a boolean, got number'],
    [{ seed: undefined }, 'seed: must be a string, a number or a boolean, got undefined'],
  ])('refuses %j', (raw, problem) => {
    expect(() => toSageMakerHyperparameters(raw)).toThrow(expect.objectContaining({ name: 'InvalidHyperparametersError', problems: [problem] }));
  });

  it('names every bad entry at once, and keeps no partial map', () => {
    expect(() => toSageMakerHyperparameters({ ok: 1, bad: null, worse: 'x'.repeat(2501) })).toThrow(
      'invalid hyperparameters: bad: must be a string, a number or a boolean, got null; worse: value has 2501 characters, SageMaker allows at most 2500',
    );
  });
});
