import { describe, expect, it } from 'vitest';
import { priceOne } from './price-one';

describe('the KMS pricer', () => {
  it('prices a key by the month, and names the rotation fee that starts at its first anniversary', () => {
    expect(priceOne('AWS::KMS::Key', { EnableKeyRotation: true }).cost).toMatchObject({ idleUsd: 1, expectedUsd: 1, basis: expect.stringMatching(/; automatic rotation adds \$1\/month per rotation/) });
    expect(priceOne('AWS::KMS::Key', {}).cost?.basis).not.toContain('rotation');
  });
});
