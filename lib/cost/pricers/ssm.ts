/** AWS Systems Manager Parameter Store: standard-tier parameters are free; advanced ones have no price here. */
import { unpriced, type ServicePricers } from './pricer';

export const SSM_PRICERS: ServicePricers = {
  'AWS::SSM::Parameter': (resource) => {
    const tier = resource.props['Tier'];
    if (tier === undefined || tier === 'Standard') return undefined;
    throw unpriced(resource, ` with Tier ${String(tier)}`);
  },
};
