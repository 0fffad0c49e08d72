import { describe, expect, it } from 'vitest';
import { FREE_RESOURCE_TYPES, isFreeType, PRICERS, pricerTable } from '../../../../lib/cost/pricers';
import { KMS_PRICERS } from '../../../../lib/cost/pricers/kms';
import { stageTemplates } from '../stage-templates';

describe('the pricer table', () => {
  it('prices or lists free every resource type the shipped stages synthesize', () => {
    for (const stage of ['dev', 'prod']) {
      const types = new Set(stageTemplates(stage).flatMap((s) => Object.values(s.template.Resources ?? {}).map((r) => r.Type)));
      expect(types.size).toBeGreaterThan(20);
      const unknown = [...types].filter((type) => !PRICERS.has(type) && !isFreeType(type));
      expect(unknown, `${stage}: types with neither a pricer nor a free listing`).toEqual([]);
    }
  });

  it('never lists a priced type as free', () => {
    for (const type of PRICERS.keys()) expect(Object.hasOwn(FREE_RESOURCE_TYPES, type), type).toBe(false);
  });

  it('throws when two services price one type', () => {
    expect(() => pricerTable([KMS_PRICERS, KMS_PRICERS])).toThrow('lib/cost/pricers: AWS::KMS::Key has two pricers');
  });

  it('throws when a priced type is also listed free', () => {
    expect(() => pricerTable([{ 'AWS::IAM::Role': () => undefined }])).toThrow('lib/cost/pricers: AWS::IAM::Role is both priced and listed free');
  });
});
