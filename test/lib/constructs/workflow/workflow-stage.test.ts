import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { describe, expect, it } from 'vitest';
import { vpcConfigOf } from '../../../../lib/constructs/workflow/workflow-stage';
import { testApp } from '../../../support/app';

describe('vpcConfigOf', () => {
  it('is the subnets and the one security group of the network', () => {
    const stack = new Stack(testApp(), 'Test');
    const group = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Jobs', 'sg-0123');
    expect(vpcConfigOf({ jobSubnetIds: ['subnet-a', 'subnet-b'], jobSecurityGroup: group })).toEqual({ subnetIds: ['subnet-a', 'subnet-b'], securityGroupIds: ['sg-0123'] });
  });

  it('is undefined without a network: the requests then carry no VpcConfig', () => {
    expect(vpcConfigOf(undefined)).toBeUndefined();
  });
});
