import { describe, expect, it } from 'vitest';
import { UnpricedError } from '../../../../lib/cost/types';
import { priceOne } from './price-one';

const onDemand = (hash: string, extra: Record<string, unknown> = {}) => ({ BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: hash, KeyType: 'HASH' }], ...extra });

describe('the DynamoDB pricer', () => {
  it.each([
    [{ KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] }, 'with provisioned capacity'],
    [onDemand('pk', { TableClass: 'STANDARD_INFREQUENT_ACCESS' }), 'with table class STANDARD_INFREQUENT_ACCESS'],
  ])('throws for a table it has no price for: %j', (props, message) => {
    expect(() => priceOne('AWS::DynamoDB::Table', props)).toThrow(UnpricedError);
    expect(() => priceOne('AWS::DynamoDB::Table', props)).toThrow(message);
  });

  it('counts a table it has no usage model for at zero, empty when idle', () => {
    const { cost, prices } = priceOne('AWS::DynamoDB::Table', onDemand('somethingElse'));
    expect(cost).toMatchObject({ idleUsd: 0, expectedUsd: 0 });
    expect(cost?.basis).toContain('no usage model for this table: 0 requests, 0 GB');
    expect(prices).toEqual(['dynamodb.on-demand.read-million', 'dynamodb.on-demand.write-million', 'dynamodb.storage.gb-month']);
  });

  it('adds point-in-time recovery per GB stored', () => {
    const { cost, prices } = priceOne('AWS::DynamoDB::Table', onDemand('somethingElse', { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
    expect(cost?.basis).toMatch(/ \+ PITR \$0\.2\/GB-month$/);
    expect(prices).toContain('dynamodb.pitr.gb-month');
  });
});
