/** Amazon VPC: NAT gateways, their public IPv4 addresses, and interface endpoints by the hour; gateway endpoints are free. */
import { findPrice } from '../prices';
import { formatCount, formatPrice } from '../format';
import { HOURS_PER_MONTH } from '../units';
import { unpriced, type ServicePricers } from './pricer';

export const VPC_PRICERS: ServicePricers = {
  'AWS::EC2::NatGateway': (_resource, p, ctx) => {
    const hour = p.usd('vpc.nat-gateway-hour');
    const gbRate = p.usd('vpc.nat-gateway-gb');
    const gb = ctx.config.usage.natGbPerMonth / ctx.natGatewayCount;
    const idle = HOURS_PER_MONTH * hour;
    return {
      idleUsd: idle,
      expectedUsd: idle + gb * gbRate,
      basis: `${HOURS_PER_MONTH} h × ${formatPrice(hour)}/h; expected + usage.natGbPerMonth ${formatCount(ctx.config.usage.natGbPerMonth)} GB ÷ ${ctx.natGatewayCount} NAT gateway(s) = ${formatCount(gb)} GB × ${formatPrice(gbRate)}/GB`,
    };
  },
  'AWS::EC2::EIP': (_resource, p) => {
    const hour = p.usd('vpc.public-ipv4-hour');
    const usd = HOURS_PER_MONTH * hour;
    return { idleUsd: usd, expectedUsd: usd, basis: `1 public IPv4 address × ${HOURS_PER_MONTH} h × ${formatPrice(hour)}/h` };
  },
  'AWS::EC2::VPCEndpoint': (resource, p) => {
    const props = resource.props;
    if (props['VpcEndpointType'] === 'Gateway') {
      p.usd('vpc.gateway-endpoint');
      return { idleUsd: 0, expectedUsd: 0, basis: 'gateway endpoint: no hourly or data charge' };
    }
    if (props['VpcEndpointType'] !== undefined && props['VpcEndpointType'] !== 'Interface') throw unpriced(resource, ` (${String(props['VpcEndpointType'])} endpoint)`);
    const azs = Array.isArray(props['SubnetIds']) ? props['SubnetIds'].length : 0;
    if (azs === 0) throw unpriced(resource, ' (interface endpoint without SubnetIds: its AZ count is unknown)');
    const hour = p.usd('vpc.interface-endpoint-az-hour');
    const usd = azs * HOURS_PER_MONTH * hour;
    // The data rate is named, not used: there is no usage figure for endpoint traffic.
    return { idleUsd: usd, expectedUsd: usd, basis: `${azs} AZ(s) × ${HOURS_PER_MONTH} h × ${formatPrice(hour)}/h; data processed not modelled (no usage figure; ${formatPrice(findPrice('vpc.interface-endpoint-gb')!.usd)}/GB)` };
  },
};
