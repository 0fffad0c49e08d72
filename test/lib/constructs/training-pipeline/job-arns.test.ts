import { Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { JOB_KINDS, jobArn } from '../../../../lib/constructs/training-pipeline/job-arns';
import { testApp } from '../../../support/app';

describe('jobArn', () => {
  const stack = new Stack(testApp(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });

  it.each(Object.entries(JOB_KINDS))('limits %s to this stage\'s and model\'s jobs of that kind (%s)', (kind, infix) => {
    const arn = stack.resolve(jobArn(stack, 'prod', 'churn', kind as keyof typeof JOB_KINDS));
    expect(JSON.stringify(arn)).toContain(`:sagemaker:eu-west-1:111111111111:${kind}/gantry-prod-churn-${infix}-*`);
  });

  it('never matches a model whose name extends this one', () => {
    const arn = JSON.stringify(stack.resolve(jobArn(stack, 'prod', 'churn', 'training-job')));
    expect(arn).not.toContain('gantry-prod-churn*');
  });
});
