import { describe, expect, it } from 'vitest';
import { UnpricedError } from '../../../../lib/cost/types';
import { priceOne } from './price-one';

describe('VPC pricers', () => {
  it('prices an interface endpoint per AZ around the clock', () => {
    const { cost, prices } = priceOne('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', SubnetIds: ['a', 'b'] });
    // 2 AZs × 730 h × $0.01
    expect(cost?.idleUsd).toBeCloseTo(14.6, 12);
    expect(cost?.basis).toBe('2 AZ(s) × 730 h × $0.01/h; data processed not modelled (no usage figure; $0.01/GB)');
    expect(prices).toEqual(['vpc.interface-endpoint-az-hour']);
  });

  it('prices a gateway endpoint at nothing, citing the price', () => {
    expect(priceOne('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' })).toEqual({
      cost: { idleUsd: 0, expectedUsd: 0, basis: 'gateway endpoint: no hourly or data charge' },
      prices: ['vpc.gateway-endpoint'],
    });
  });

  it.each([
    [{ VpcEndpointType: 'GatewayLoadBalancer', SubnetIds: ['a'] }, '(GatewayLoadBalancer endpoint)'],
    [{ VpcEndpointType: 'Interface' }, 'interface endpoint without SubnetIds'],
  ])('throws when an endpoint has no price: %j', (props, message) => {
    expect(() => priceOne('AWS::EC2::VPCEndpoint', props)).toThrow(UnpricedError);
    expect(() => priceOne('AWS::EC2::VPCEndpoint', props)).toThrow(message);
  });

  it('splits the config\'s NAT traffic between the NAT gateways, on top of their hours', () => {
    const { cost } = priceOne('AWS::EC2::NatGateway', {}, { others: { Other: { Type: 'AWS::EC2::NatGateway' } } });
    // 730 h × $0.045 = $32.85; dev's 20 GB over 2 gateways = 10 GB × $0.045 = $0.45
    expect(cost?.idleUsd).toBeCloseTo(32.85, 12);
    expect(cost?.expectedUsd).toBeCloseTo(33.3, 12);
  });

  it('prices an Elastic IP by the hour', () => {
    expect(priceOne('AWS::EC2::EIP', {}).cost?.idleUsd).toBeCloseTo(3.65, 12);
  });
});
