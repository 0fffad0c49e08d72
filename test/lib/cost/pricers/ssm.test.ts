import { describe, expect, it } from 'vitest';
import { UnpricedError } from '../../../../lib/cost/types';
import { priceOne } from './price-one';

describe('the SSM pricer', () => {
  it('lets standard parameters be free', () => {
    expect(priceOne('AWS::SSM::Parameter', { Tier: 'Standard' }).cost).toBeUndefined();
    expect(priceOne('AWS::SSM::Parameter', {}).cost).toBeUndefined();
  });

  it('throws when a parameter is advanced', () => {
    expect(() => priceOne('AWS::SSM::Parameter', { Tier: 'Advanced' })).toThrow(UnpricedError);
    expect(() => priceOne('AWS::SSM::Parameter', { Tier: 'Advanced' })).toThrow('no price for resource type AWS::SSM::Parameter (Subject in stack gantry-dev-test) with Tier Advanced: price it in lib/cost/pricers/ or list it as free');
  });
});
