import { describe, expect, it } from 'vitest';
import { FUNCTION_NAMES, functionServiceName } from '../../../../lib/contract';
import { FUNCTION_MODEL } from '../../../../lib/cost/pricers/lambda';
import { UnpricedError } from '../../../../lib/cost/types';
import { stageConfig } from '../../../support/app';
import { priceOne } from './price-one';

const fn = (service: string | undefined, extra: Record<string, unknown> = {}) => ({
  Architectures: ['arm64'],
  MemorySize: 512,
  ...(service === undefined ? {} : { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: service } } }),
  ...extra,
});

describe('the Lambda pricer', () => {
  it('has an invocation model for every function of the contract but drift, whose checks are priced per model', () => {
    expect(Object.keys(FUNCTION_MODEL).sort()).toEqual(FUNCTION_NAMES.filter((n) => n !== 'drift').sort());
  });

  it('prices a function from its invocations per training run and its memory', () => {
    const runs = stageConfig('dev').models.reduce((n, m) => n + m.usage.trainingRunsPerMonth, 0);
    const { cost } = priceOne('AWS::Lambda::Function', fn(functionServiceName('baseline')));
    // once per training run × 60 s × 0.5 GB
    const gbSeconds = runs * 60 * 0.5;
    expect(cost?.idleUsd).toBe(0);
    expect(cost?.expectedUsd).toBeCloseTo(gbSeconds * 0.0000133334 + (runs / 1e6) * 0.2, 15);
  });

  it('leaves the drift function to the models\' drift lines', () => {
    expect(priceOne('AWS::Lambda::Function', fn(functionServiceName('drift'))).cost).toEqual({ idleUsd: 0, expectedUsd: 0, basis: "drift checks are on the models' drift lines (× $0.0000133334/GB-s at 512 MB)" });
  });

  it.each([
    [fn(functionServiceName('gate'), { Architectures: undefined }), /on x86_64 \(only Arm is priced\)/],
    [fn('someone-elses'), /service name someone-elses is not one of the stage's functions/],
    [fn(undefined), /service name \(none\) is not one of the stage's functions/],
  ])('throws UnpricedError for a function it has no model for', (props, message) => {
    expect(() => priceOne('AWS::Lambda::Function', props)).toThrow(UnpricedError);
    expect(() => priceOne('AWS::Lambda::Function', props)).toThrow(message);
  });
});
