import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { ModelConfig } from '../../config';
import { DRIFT_METRICS, endpointAlarmName, endpointName as endpointNameOf, METRICS_NAMESPACE, PRODUCTION_VARIANT } from '../../contract';

/** Alarm names are `<endpoint>-<suffix>` (`endpointAlarmName`); the rollback function checks the prefix. */
const SERVICE_ALARM_SUFFIXES = ['latency-p99', '5xx-rate', 'model-errors'] as const;

export interface EndpointMonitoringProps {
  /** The model whose endpoint is watched: its alarm thresholds and drift settings. */
  readonly model: ModelConfig;
  /** The stage's name: with the model's, it names the endpoint (`endpointName`) and the drift metric's dimension. */
  readonly stageName: string;
  /** Alarm state changes are published here. */
  readonly topic: sns.ITopic;
}

/**
 * The alarms and dashboard of one model endpoint. The endpoint itself is created at run time
 * by the deploy workflow; CloudFormation owns what does not change per version, so the alarms
 * watch the endpoint by name and its one stable variant (`primary`).
 *
 * - `serviceAlarms` (latency p99, 5xx rate, model errors) are the deployment guardrails'
 *   auto-rollback alarms during a bake, and trigger Gantry's rollback handler after it.
 * - `driftAlarm` watches the drift check's metric; drift retrains, it does not roll back.
 */
export class EndpointMonitoring extends Construct {
  /** The endpoint watched (created at run time by the deploy workflow). */
  public readonly endpointName: string;
  /** ModelLatency p99 above `serving.alarms.latencyP99Ms`. */
  public readonly latencyAlarm: cloudwatch.Alarm;
  /** The share of 5xx answers above `serving.alarms.errorRatePercent`. */
  public readonly errorRateAlarm: cloudwatch.Alarm;
  /** Model errors a minute above `serving.alarms.modelErrorsPerMinute`. */
  public readonly modelErrorsAlarm: cloudwatch.Alarm;
  /** Max PSI above `drift.psiThreshold`; absent for serverless endpoints, which cannot capture data. */
  public readonly driftAlarm?: cloudwatch.Alarm;
  /** The endpoint's dashboard, named after it. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: EndpointMonitoringProps) {
    super(scope, id);
    const { model } = props;
    const endpointName = endpointNameOf(props.stageName, model.name);
    this.endpointName = endpointName;
    const a = model.serving.alarms;
    const minute = Duration.minutes(1);
    const endpointMetric = (metricName: string, statistic: string, label?: string) =>
      new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName, dimensionsMap: { EndpointName: endpointName, VariantName: PRODUCTION_VARIANT }, statistic, period: minute, label });

    const invocations = endpointMetric('Invocations', 'Sum', 'Invocations');
    const errors5xx = endpointMetric('Invocation5XXErrors', 'Sum', '5xx');
    const errors4xx = endpointMetric('Invocation4XXErrors', 'Sum', '4xx');
    const modelErrors = endpointMetric('InvocationModelErrors', 'Sum', 'Model errors');
    // ModelLatency is reported in microseconds.
    const latencyP99 = endpointMetric('ModelLatency', 'p99', 'ModelLatency p99 (µs)');
    const latencyP50 = endpointMetric('ModelLatency', 'p50', 'ModelLatency p50 (µs)');
    const errorRate = new cloudwatch.MathExpression({
      expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
      usingMetrics: { errors: errors5xx, invocations },
      period: minute,
      label: '5xx rate (%)',
    });
    const alarm = (suffix: string, metric: cloudwatch.Metric | cloudwatch.MathExpression, threshold: number, description: string, periods = a.evaluationMinutes) => {
      const created = metric.createAlarm(this, suffix.split('-').map((w) => w[0]!.toUpperCase() + w.slice(1)).join(''), {
        alarmName: endpointAlarmName(endpointName, suffix),
        alarmDescription: description,
        threshold,
        evaluationPeriods: periods,
        datapointsToAlarm: periods,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        // No traffic (or no endpoint yet) is not an incident.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(new cloudwatchActions.SnsAction(props.topic));
      created.addOkAction(new cloudwatchActions.SnsAction(props.topic));
      return created;
    };
    const [latencySuffix, errorRateSuffix, modelErrorsSuffix] = SERVICE_ALARM_SUFFIXES;
    this.latencyAlarm = alarm(latencySuffix, latencyP99, a.latencyP99Ms * 1000, `${model.name}: ModelLatency p99 above ${a.latencyP99Ms} ms for ${a.evaluationMinutes} minutes`);
    this.errorRateAlarm = alarm(errorRateSuffix, errorRate, a.errorRatePercent, `${model.name}: more than ${a.errorRatePercent} % of invocations answered 5xx for ${a.evaluationMinutes} minutes`);
    this.modelErrorsAlarm = alarm(modelErrorsSuffix, modelErrors, a.modelErrorsPerMinute, `${model.name}: more than ${a.modelErrorsPerMinute} model errors a minute for ${a.evaluationMinutes} minutes`);

    const drift = new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: DRIFT_METRICS.maxPsi,
      dimensionsMap: { Stage: props.stageName, Model: model.name },
      statistic: 'Maximum',
      period: Duration.hours(1),
      label: 'max PSI',
    });
    if (model.serving.target !== 'serverless') {
      this.driftAlarm = alarm('drift', drift, model.drift.psiThreshold, `${model.name}: input drift (max PSI over the features) above ${model.drift.psiThreshold}`, 1);
    }

    // No metric counts an endpoint's instances; Invocations ÷ InvocationsPerInstance does, while traffic flows.
    const instances = new cloudwatch.MathExpression({
      expression: 'IF(perInstance > 0, all / perInstance, 0)',
      usingMetrics: { all: invocations, perInstance: endpointMetric('InvocationsPerInstance', 'Sum') },
      period: minute,
      label: 'Instances (while traffic flows)',
    });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: endpointName,
      defaultInterval: Duration.hours(24),
      widgets: [
        [
          new cloudwatch.GraphWidget({ title: 'Invocations', left: [invocations], width: 8 }),
          new cloudwatch.GraphWidget({ title: 'Model latency (µs)', left: [latencyP50, latencyP99], leftAnnotations: [{ value: a.latencyP99Ms * 1000, label: 'p99 alarm' }], width: 8 }),
          new cloudwatch.GraphWidget({ title: 'Errors', left: [errors4xx, errors5xx, modelErrors], right: [errorRate], width: 8 }),
        ],
        [
          new cloudwatch.GraphWidget({ title: 'Instances', left: [instances], width: 8 }),
          new cloudwatch.GraphWidget({ title: 'Drift (max PSI per hour)', left: [drift], leftAnnotations: [{ value: model.drift.psiThreshold, label: 'threshold' }], width: 8 }),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 8 }),
        ],
      ],
    });
  }

  /** The alarms that mean the version in service is bad: guardrail rollback during a bake, Gantry's rollback after. */
  get serviceAlarms(): cloudwatch.Alarm[] {
    return [this.latencyAlarm, this.errorRateAlarm, this.modelErrorsAlarm];
  }

  /**
   * Lets a principal read the service alarms' state. SageMaker's deployment guardrails read the
   * auto-rollback alarms with `cloudwatch:DescribeAlarms` while a deployment bakes
   * (https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-configuration.html).
   */
  grantDescribeServiceAlarms(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['cloudwatch:DescribeAlarms'], resourceArns: this.serviceAlarms.map((a) => a.alarmArn) });
  }

  /** Every alarm of the endpoint: the service alarms and, where data is captured, the drift alarm. */
  get alarms(): cloudwatch.Alarm[] {
    return [...this.serviceAlarms, ...(this.driftAlarm ? [this.driftAlarm] : [])];
  }
}
