/** AWS KMS: a customer managed key is a monthly fee; its requests are not modelled. */
import { formatPrice } from '../format';
import type { ServicePricers } from './pricer';

export const KMS_PRICERS: ServicePricers = {
  'AWS::KMS::Key': ({ props }, p) => {
    const usd = p.usd('kms.key-month');
    const rotation = props['EnableKeyRotation'] === true ? '; automatic rotation adds $1/month per rotation from the first anniversary (at most two), not in this month' : '';
    return { idleUsd: usd, expectedUsd: usd, basis: `1 key × ${formatPrice(usd)}/key-month; requests not modelled (S3 bucket keys and DynamoDB cache data keys)${rotation}` };
  },
};
