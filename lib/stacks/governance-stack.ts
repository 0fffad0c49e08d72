import { CfnResource, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as ce from 'aws-cdk-lib/aws-ce';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { budgetName, COST_TAG_KEYS, costAlertsTopicName, costMonitorName, stagePrefix } from '../contract';

export interface GovernanceStackProps extends StackProps {
  readonly config: StageConfig;
  /** The stage's key: the alerts topic is encrypted with it. */
  readonly key: kms.IKey;
  /**
   * The time of this synth: a payer-account stage asks for tag activation again on the first
   * deploy of each day (see `activateCostTags`).
   * @default new Date()
   */
  readonly now?: Date;
}

/** The service principals that publish cost alerts. */
const ALERT_PUBLISHERS = ['budgets.amazonaws.com', 'costalerts.amazonaws.com'];

/**
 * What finance needs before the bill arrives: a monthly budget for the stage and one per team,
 * scoped by cost-allocation tag, alerting at 80 % of actual and 100 % of forecasted spend; a
 * cost-anomaly monitor on the stage's Environment tag; all to one encrypted topic. In the payer
 * account it also activates the five cost-allocation tags (AWS bills by them only then).
 */
export class GovernanceStack extends Stack {
  public readonly alertsTopic: sns.Topic;
  public readonly budgets: budgets.CfnBudget[] = [];
  public readonly anomalyMonitor: ce.CfnAnomalyMonitor;

  constructor(scope: Construct, id: string, props: GovernanceStackProps) {
    super(scope, id, props);
    const { config } = props;
    const b = config.budgets;

    this.alertsTopic = new sns.Topic(this, 'AlertsTopic', {
      topicName: costAlertsTopicName(config.name),
      displayName: `Gantry ${config.name} cost alerts`,
      masterKey: props.key,
      enforceSSL: true,
    });
    this.alertsTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CostAlertsPublish',
        principals: ALERT_PUBLISHERS.map((p) => new iam.ServicePrincipal(p)),
        actions: ['sns:Publish'],
        resources: [this.alertsTopic.topicArn],
        // Only on behalf of this account's budgets and monitors (the confused-deputy guard).
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    for (const email of b.subscriberEmails) this.alertsTopic.addSubscription(new subscriptions.EmailSubscription(email));

    const environment = config.tags.environment;
    this.budgets.push(this.budget('StageBudget', budgetName(config.name), b.monthlyLimitUsd, `user:Environment$${environment}`));
    for (const [team, limit] of Object.entries(b.teamMonthlyLimitsUsd)) {
      this.budgets.push(this.budget(`TeamBudget-${team}`, budgetName(config.name, team), limit, `user:Team$${team}`));
    }

    this.anomalyMonitor = new ce.CfnAnomalyMonitor(this, 'AnomalyMonitor', {
      monitorName: costMonitorName(config.name),
      monitorType: 'CUSTOM',
      monitorSpecification: JSON.stringify({ Tags: { Key: 'Environment', Values: [environment], MatchOptions: ['EQUALS'] } }),
    });
    new ce.CfnAnomalySubscription(this, 'AnomalySubscription', {
      subscriptionName: costMonitorName(config.name),
      // SNS subscribers need IMMEDIATE alerts.
      frequency: 'IMMEDIATE',
      monitorArnList: [this.anomalyMonitor.attrMonitorArn],
      subscribers: [{ type: 'SNS', address: this.alertsTopic.topicArn }],
      thresholdExpression: JSON.stringify({ Dimensions: { Key: 'ANOMALY_TOTAL_IMPACT_ABSOLUTE', MatchOptions: ['GREATER_THAN_OR_EQUAL'], Values: [String(b.anomalyThresholdUsd)] } }),
    });

    if (b.payerAccount) this.activateCostTags(config, props.now ?? new Date());
  }

  /** A monthly cost budget scoped by one cost-allocation tag, alerting the topic at 80 % actual and 100 % forecasted. */
  private budget(id: string, name: string, limitUsd: number, tagKeyValue: string): budgets.CfnBudget {
    const subscribers = [{ subscriptionType: 'SNS', address: this.alertsTopic.topicArn }];
    return new budgets.CfnBudget(this, id, {
      budget: {
        budgetName: name,
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: limitUsd, unit: 'USD' },
        costFilters: { TagKeyValue: [tagKeyValue] },
      },
      notificationsWithSubscribers: [
        { notification: { notificationType: 'ACTUAL', comparisonOperator: 'GREATER_THAN', threshold: 80, thresholdType: 'PERCENTAGE' }, subscribers },
        { notification: { notificationType: 'FORECASTED', comparisonOperator: 'GREATER_THAN', threshold: 100, thresholdType: 'PERCENTAGE' }, subscribers },
      ],
    });
  }

  /**
   * Activates the five tag keys for cost allocation (Cost Explorer, payer account only). A key
   * AWS has not yet seen on a billed resource cannot be activated; it appears up to 24 hours
   * after the first deploy, so a later deploy must ask again. CloudFormation updates a custom
   * resource only when its properties change, so the day of the synth is one of them: the
   * first deploy of each day asks again, later ones the same day change nothing.
   */
  private activateCostTags(config: StageConfig, now: Date): void {
    const call: cr.AwsSdkCall = {
      service: 'CostExplorer',
      action: 'updateCostAllocationTagsStatus',
      parameters: { CostAllocationTagsStatus: COST_TAG_KEYS.map((TagKey) => ({ TagKey, Status: 'Active' })) },
      // Cost Explorer's API lives in us-east-1 whatever the stack's region.
      region: 'us-east-1',
      physicalResourceId: cr.PhysicalResourceId.of(`${stagePrefix(config.name)}cost-allocation-tags`),
    };
    const activation = new cr.AwsCustomResource(this, 'ActivateCostTags', {
      onCreate: call,
      onUpdate: call,
      policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({ actions: ['ce:UpdateCostAllocationTagsStatus'], resources: ['*'] })]),
      installLatestAwsSdk: false,
    });
    // AwsCustomResource → its CustomResource → the CfnResource CloudFormation sees.
    (activation.node.defaultChild!.node.defaultChild as CfnResource).addPropertyOverride('ActivationRequestedOn', now.toISOString().slice(0, 10));
    Validations.of(activation).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'ce:UpdateCostAllocationTagsStatus supports no resource-level permissions.' },
    );
    // The provider function CDK generates for AwsCustomResource (one per stack).
    Validations.of(this).acknowledge(
      { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: "CDK's AwsCustomResource provider logs with the basic execution role; it runs once per deploy and touches nothing but Cost Explorer tag status." },
      { id: 'AwsSolutions-L1', reason: "CDK's AwsCustomResource provider pins its runtime with aws-cdk-lib; it runs once per deploy." },
    );
  }
}
