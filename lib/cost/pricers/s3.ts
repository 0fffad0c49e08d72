/** Amazon S3: the lake's zone buckets share the config's data volume; other buckets (access logs) hold none modelled. */
import { formatCount, formatPrice } from '../format';
import type { ServicePricers } from './pricer';

export const S3_PRICERS: ServicePricers = {
  'AWS::S3::Bucket': ({ logicalId }, p, ctx) => {
    const rate = p.usd('s3.standard.gb-month');
    const zone = ctx.lakeBuckets.get(logicalId);
    if (zone === undefined) return { idleUsd: 0, expectedUsd: 0, basis: `no data volume modelled for this bucket (e.g. access logs) × ${formatPrice(rate)}/GB-month` };
    const gb = ctx.config.usage.dataLakeGb / ctx.lakeBuckets.size;
    const capture = zone === 'capture' ? '; captured payloads are on the models\' data-capture lines' : '';
    return {
      idleUsd: 0,
      expectedUsd: gb * rate,
      basis: `lake zone ${zone}: usage.dataLakeGb ${formatCount(ctx.config.usage.dataLakeGb)} GB ÷ ${ctx.lakeBuckets.size} zones = ${formatCount(gb)} GB × ${formatPrice(rate)}/GB-month${capture}; requests not modelled`,
    };
  },
};
