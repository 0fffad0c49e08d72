import { Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { describe, expect, it } from 'vitest';
import { alarmNameOf } from '../../../../lib/constructs/deploy-workflow/alarm-name';
import { testApp } from '../../../support/app';

const metric = new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName: 'ModelLatency' });

describe('alarmNameOf', () => {
  it('is the literal name of an alarm created with one, where alarmName would be a Ref', () => {
    const stack = new Stack(testApp(), 'Test');
    const alarm = new cloudwatch.Alarm(stack, 'Latency', { metric, threshold: 1, evaluationPeriods: 1, alarmName: 'gantry-prod-churn-latency-p99' });
    expect(stack.resolve(alarm.alarmName)).toEqual({ Ref: stack.getLogicalId(alarm.node.defaultChild as cloudwatch.CfnAlarm) });
    expect(alarmNameOf(alarm)).toBe('gantry-prod-churn-latency-p99');
  });

  it('is the name of an imported alarm', () => {
    const stack = new Stack(testApp(), 'Test');
    expect(alarmNameOf(cloudwatch.Alarm.fromAlarmName(stack, 'Imported', 'someone-elses-alarm'))).toBe('someone-elses-alarm');
  });

  it('is the reference of an alarm CloudFormation names', () => {
    const stack = new Stack(testApp(), 'Test');
    const alarm = new cloudwatch.Alarm(stack, 'Unnamed', { metric, threshold: 1, evaluationPeriods: 1 });
    expect(Token.isUnresolved(alarmNameOf(alarm))).toBe(true);
    expect(stack.resolve(alarmNameOf(alarm))).toEqual({ Ref: stack.getLogicalId(alarm.node.defaultChild as cloudwatch.CfnAlarm) });
  });
});
