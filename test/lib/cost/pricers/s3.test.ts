import { describe, expect, it } from 'vitest';
import { PARAMETER_KEYS, parameterName } from '../../../../lib/contract';
import { priceOne } from './price-one';

describe('the S3 pricer', () => {
  it('holds no modelled data in a bucket outside the lake', () => {
    expect(priceOne('AWS::S3::Bucket', {}).cost).toEqual({ idleUsd: 0, expectedUsd: 0, basis: 'no data volume modelled for this bucket (e.g. access logs) × $0.023/GB-month' });
  });

  it('gives a lake zone bucket, found through the parameter that publishes its name, its share of the lake', () => {
    const others = { Name: { Type: 'AWS::SSM::Parameter', Properties: { Name: parameterName('dev', PARAMETER_KEYS.bucket('raw')), Value: { Ref: 'Subject' } } } };
    // dev: 50 GB in the lake, one zone bucket here × $0.023
    expect(priceOne('AWS::S3::Bucket', {}, { others }).cost).toEqual({
      idleUsd: 0,
      expectedUsd: 50 * 0.023,
      basis: 'lake zone raw: usage.dataLakeGb 50 GB ÷ 1 zones = 50 GB × $0.023/GB-month; requests not modelled',
    });
  });
});
