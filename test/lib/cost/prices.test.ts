import { describe, expect, it } from 'vitest';
import { knownInstanceTypes } from '../../../lib/config/instance-types';
import { findPrice, price, PRICES, regionalFactor, UnpricedError } from '../../../lib/cost';

describe('the price table', () => {
  it('dates every price and names the page it was read from', () => {
    for (const p of PRICES) {
      expect(p.retrieved, p.key).toBe('2026-11-22');
      expect(p.source, p.key).toMatch(/^https:\/\/[^\s]+$/);
      expect(p.usd, p.key).toBeGreaterThanOrEqual(0);
      expect(p.unit, p.key).not.toBe('');
    }
  });

  it('has one entry per key', () => {
    const keys = PRICES.map((p) => p.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('notes every price taken from a third party or an AWS sample rather than an AWS pricing page', () => {
    for (const p of PRICES.filter((x) => !/^https:\/\/aws\.amazon\.com\//.test(x.source))) expect(p.note, p.key).toBeTruthy();
  });

  it('prices the instance types of the shipped stages for every use', () => {
    expect(price('sagemaker.hosting.ml.inf2.xlarge').usd).toBe(0.99);
    expect(price('sagemaker.training.ml.g5.2xlarge').usd).toBe(1.515);
    expect(price('sagemaker.processing.ml.m5.xlarge').usd).toBe(0.23);
    expect(price('sagemaker.processing.ml.m5.large').usd).toBe(0.115);
    // Every SageMaker price is for an instance type Gantry knows, for a use it supports.
    for (const p of PRICES.filter((x) => x.key.startsWith('sagemaker.') && x.unit === 'instance-hour')) {
      const [, use, ...type] = p.key.split('.');
      const instance = type.join('.');
      const known = { hosting: 'inference', training: 'training', processing: 'processing' } as const;
      expect(knownInstanceTypes(known[use as keyof typeof known]), p.key).toContain(instance);
    }
  });

  it('gives Neo compilation no price: the estimate states it as a $0 line instead', () => {
    expect(findPrice('sagemaker.neo.compilation')).toBeUndefined();
  });

  it('throws UnpricedError naming a missing key', () => {
    expect(() => price('sagemaker.hosting.ml.g9.huge')).toThrow(UnpricedError);
    expect(() => price('sagemaker.hosting.ml.g9.huge')).toThrow('no price for sagemaker.hosting.ml.g9.huge in lib/cost/prices.ts');
  });

  it.each([
    ['us-east-1', "us-east-1: the price table's region"],
    ['us-east-2', "us-east-2 shares us-east-1's prices for these services"],
    ['us-west-2', "us-west-2 shares us-east-1's prices for these services"],
    ['eu-central-1', 'eu-central-1: priced at us-east-1 rates: no regional price table'],
  ])('applies factor 1 in %s and says why', (region, note) => {
    expect(regionalFactor(region)).toEqual({ factor: 1, note });
  });
});
