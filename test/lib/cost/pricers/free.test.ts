import { describe, expect, it } from 'vitest';
import { freeReason, isFreeType } from '../../../../lib/cost/pricers/free';

describe('free types', () => {
  it.each([
    ['AWS::IAM::Role', 'IAM has no charge'],
    ['Custom::S3AutoDeleteObjects', 'CloudFormation custom resources are free; their provider function is priced'],
    ['AWS::SSM::Parameter', 'standard-tier parameters are free'],
    ['AWS::Events::Rule', 'rules on AWS service events and schedules are free'],
  ])('says why %s is free', (type, reason) => {
    expect(freeReason(type)).toBe(reason);
  });

  it('needs no pricer for custom resources and listed types, only for those', () => {
    expect(isFreeType('Custom::Anything')).toBe(true);
    expect(isFreeType('AWS::EC2::VPC')).toBe(true);
    expect(isFreeType('AWS::SSM::Parameter')).toBe(false);
  });
});
