import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { DRIFT_METRICS, METRICS_NAMESPACE } from '../../../../lib/contract';
import { EndpointMonitoring } from '../../../../lib/constructs/endpoint-monitoring/endpoint-monitoring';
import { stageConfig, testApp } from '../../../support/app';

function build(stageName: 'dev' | 'prod') {
  const model = stageConfig(stageName).models.find((m) => m.name === 'churn')!;
  const stack = new Stack(testApp(), 'Test');
  const topic = new sns.Topic(stack, 'Topic');
  const monitoring = new EndpointMonitoring(stack, 'Endpoint', { model, stageName, topic });
  return {
    stack,
    model,
    topic,
    monitoring,
    get template() {
      return Template.fromStack(stack);
    },
  };
}

/** The one metric of an alarm whose metric carries a label (CloudWatch then takes a `Metrics` list). */
const labelledMetric = (metric: Record<string, unknown>, stat: string) => [Match.objectLike({ MetricStat: Match.objectLike({ Metric: metric, Stat: stat }) })];
const endpointDimensions = [{ Name: 'EndpointName', Value: 'gantry-prod-churn' }, { Name: 'VariantName', Value: 'primary' }];

describe('EndpointMonitoring', () => {
  it('watches the endpoint named by the contract, on its one stable variant', () => {
    const { monitoring, template } = build('prod');
    expect(monitoring.endpointName).toBe('gantry-prod-churn');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'gantry-prod-churn-latency-p99',
      Metrics: labelledMetric({ MetricName: 'ModelLatency', Namespace: 'AWS/SageMaker', Dimensions: endpointDimensions }, 'p99'),
    });
  });

  it('alarms on latency p99 (in microseconds), the 5xx rate and model errors, notifying the topic on ALARM and OK', () => {
    const { model, template } = build('prod');
    const a = model.serving.alarms;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'gantry-prod-churn-latency-p99',
      Threshold: a.latencyP99Ms * 1000,
      EvaluationPeriods: a.evaluationMinutes,
      DatapointsToAlarm: a.evaluationMinutes,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Topic') }],
      OKActions: [{ Ref: Match.stringLikeRegexp('^Topic') }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'gantry-prod-churn-5xx-rate',
      Threshold: a.errorRatePercent,
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF(invocations > 0, 100 * errors / invocations, 0)' })]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'gantry-prod-churn-model-errors',
      Metrics: labelledMetric({ MetricName: 'InvocationModelErrors', Namespace: 'AWS/SageMaker', Dimensions: endpointDimensions }, 'Sum'),
      Threshold: a.modelErrorsPerMinute,
    });
  });

  it('alarms on drift where the endpoint captures data, and not on a serverless endpoint', () => {
    const prod = build('prod');
    prod.template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    prod.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'gantry-prod-churn-drift',
      Metrics: labelledMetric({ MetricName: DRIFT_METRICS.maxPsi, Namespace: METRICS_NAMESPACE, Dimensions: [{ Name: 'Model', Value: 'churn' }, { Name: 'Stage', Value: 'prod' }] }, 'Maximum'),
      Threshold: prod.model.drift.psiThreshold,
      EvaluationPeriods: 1,
    });
    expect(prod.monitoring.alarms).toHaveLength(4);

    const dev = build('dev');
    expect(dev.model.serving.target).toBe('serverless');
    dev.template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    expect(dev.monitoring.driftAlarm).toBeUndefined();
    expect(dev.monitoring.alarms).toEqual(dev.monitoring.serviceAlarms);
  });

  it('names the service alarms apart from the drift alarm: they are the ones that roll a version back', () => {
    const { monitoring } = build('prod');
    expect(monitoring.serviceAlarms).toEqual([monitoring.latencyAlarm, monitoring.errorRateAlarm, monitoring.modelErrorsAlarm]);
    expect(monitoring.serviceAlarms).not.toContain(monitoring.driftAlarm);
  });

  it('has a dashboard named after the endpoint', () => {
    const { template } = build('prod');
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'gantry-prod-churn' });
  });

  it('grants DescribeAlarms on the service alarms only', () => {
    const { stack, monitoring } = build('prod');
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
    monitoring.grantDescribeServiceAlarms(role);
    const template = Template.fromStack(stack);
    const policy = Object.values(template.findResources('AWS::IAM::Policy'))[0]!;
    const [statement] = policy.Properties.PolicyDocument.Statement as Array<{ Action: string; Resource: Array<{ 'Fn::GetAtt': [string, string] }> }>;
    expect(statement!.Action).toBe('cloudwatch:DescribeAlarms');
    expect(statement!.Resource.map((r) => r['Fn::GetAtt'][0]).sort()).toEqual([
      stack.getLogicalId(monitoring.latencyAlarm.node.defaultChild as never),
      stack.getLogicalId(monitoring.errorRateAlarm.node.defaultChild as never),
      stack.getLogicalId(monitoring.modelErrorsAlarm.node.defaultChild as never),
    ].sort());
  });
});
