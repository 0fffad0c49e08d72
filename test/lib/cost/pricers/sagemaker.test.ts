import { describe, expect, it } from 'vitest';
import { sagemakerLines } from '../../../../lib/cost/pricers/sagemaker';
import { UnpricedError } from '../../../../lib/cost/types';
import { stageConfig } from '../../../support/app';

describe('the SageMaker lines', () => {
  it('model an instance endpoint, its data capture, training and preprocessing, in that order', () => {
    const model = stageConfig('prod').models[0]!;
    const lines = sagemakerLines(model);
    expect(lines.map((l) => l.type).filter((t) => t !== 'modelled:sagemaker-neo-compile')).toEqual([
      'modelled:sagemaker-endpoint',
      'modelled:sagemaker-data-capture',
      'modelled:sagemaker-training',
      'modelled:sagemaker-processing',
    ]);
    expect(lines.every((l) => l.resource.startsWith(`${model.name}/`))).toBe(true);
  });

  it('capture nothing for a serverless endpoint, which SageMaker cannot capture, and charge it nothing idle', () => {
    const model = stageConfig('dev').models[0]!;
    const lines = sagemakerLines(model);
    expect(lines.map((l) => l.type)).not.toContain('modelled:sagemaker-data-capture');
    expect(lines[0]).toMatchObject({ type: 'modelled:sagemaker-endpoint', idleUsd: 0, prices: ['sagemaker.serverless.gb-second', 'sagemaker.serverless.data-gb'] });
  });

  it('throws when the training instance type has no price, naming the model and the field', () => {
    const model = stageConfig('prod').models[0]!;
    const bad = { ...model, training: { ...model.training, instanceType: 'ml.g9.huge' } };
    expect(() => sagemakerLines(bad)).toThrow(UnpricedError);
    expect(() => sagemakerLines(bad)).toThrow(`model ${model.name}: no price for training.instanceType ml.g9.huge (sagemaker.training) in lib/cost/prices.ts`);
  });
});
