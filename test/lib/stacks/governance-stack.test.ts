import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { beforeAll, describe, expect, it } from 'vitest';
import { STAGES, type StageConfigInput } from '../../../lib/config';
import { COST_TAG_KEYS } from '../../../lib/contract';
import { GovernanceStack } from '../../../lib/stacks/governance-stack';
import { stageConfig, testApp, testStage } from '../../support/app';

const TOPIC = { Ref: Match.stringLikeRegexp('^AlertsTopic') };

describe('GovernanceStack (prod)', () => {
  let template: Template;

  beforeAll(() => {
    template = Template.fromStack(testStage('prod').stage.governance);
  });

  it('budgets the stage by its Environment tag and each team by its Team tag, with the limits from config', () => {
    const budgets = Object.values(template.findResources('AWS::Budgets::Budget')).map((r) => r.Properties);
    expect(budgets.map((b) => [b.Budget.BudgetName, b.Budget.BudgetLimit, b.Budget.CostFilters])).toEqual([
      ['gantry-prod', { Amount: 5000, Unit: 'USD' }, { TagKeyValue: ['user:Environment$prod'] }],
      ['gantry-prod-team-growth-ml', { Amount: 3000, Unit: 'USD' }, { TagKeyValue: ['user:Team$growth-ml'] }],
      ['gantry-prod-team-ml-platform', { Amount: 1000, Unit: 'USD' }, { TagKeyValue: ['user:Team$ml-platform'] }],
    ]);
    for (const budget of budgets) {
      expect(budget.Budget).toMatchObject({ BudgetType: 'COST', TimeUnit: 'MONTHLY' });
      const subscribers = [{ SubscriptionType: 'SNS', Address: { Ref: expect.stringMatching(/^AlertsTopic/) } }];
      expect(budget.NotificationsWithSubscribers).toEqual([
        { Notification: { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 80, ThresholdType: 'PERCENTAGE' }, Subscribers: subscribers },
        { Notification: { NotificationType: 'FORECASTED', ComparisonOperator: 'GREATER_THAN', Threshold: 100, ThresholdType: 'PERCENTAGE' }, Subscribers: subscribers },
      ]);
    }
  });

  it('watches the Environment tag for cost anomalies above the threshold, alerting the topic at once', () => {
    template.hasResourceProperties('AWS::CE::AnomalyMonitor', {
      MonitorName: 'gantry-prod',
      MonitorType: 'CUSTOM',
      MonitorSpecification: JSON.stringify({ Tags: { Key: 'Environment', Values: ['prod'], MatchOptions: ['EQUALS'] } }),
    });
    template.hasResourceProperties('AWS::CE::AnomalySubscription', {
      Frequency: 'IMMEDIATE',
      MonitorArnList: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^AnomalyMonitor'), 'MonitorArn'] }],
      Subscribers: [{ Type: 'SNS', Address: TOPIC }],
      ThresholdExpression: JSON.stringify({ Dimensions: { Key: 'ANOMALY_TOTAL_IMPACT_ABSOLUTE', MatchOptions: ['GREATER_THAN_OR_EQUAL'], Values: ['250'] } }),
    });
  });

  it('sends alerts to a KMS-encrypted topic that budgets and anomaly detection may publish to, for this account only, with the subscribers from config', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'gantry-prod-cost-alerts', KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'CostAlertsPublish',
            Effect: 'Allow',
            Principal: { Service: ['budgets.amazonaws.com', 'costalerts.amazonaws.com'] },
            Action: 'sns:Publish',
            Resource: TOPIC,
            Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
          },
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ml-platform-alerts@example.com', TopicArn: TOPIC });
  });

  it('tags the budgets and the anomaly resources like every other resource', () => {
    for (const type of ['AWS::Budgets::Budget', 'AWS::CE::AnomalyMonitor', 'AWS::CE::AnomalySubscription']) {
      for (const resource of Object.values(template.findResources(type))) {
        const tags = Object.fromEntries((resource.Properties.ResourceTags as Array<{ Key: string; Value: string }>).map((t) => [t.Key, t.Value]));
        expect(tags, type).toMatchObject({ CostCenter: 'CC-1001', Team: 'ml-platform', Project: 'gantry', Environment: 'prod' });
      }
    }
  });

  it('does not touch tag activation outside the payer account', () => {
    expect(Object.keys(template.findResources('Custom::AWS'))).toEqual([]);
  });
});

describe('GovernanceStack in the payer account', () => {
  it('activates the five cost-allocation tags through Cost Explorer', () => {
    const raw = structuredClone(STAGES.prod) as StageConfigInput & { budgets: Record<string, unknown> };
    raw.budgets.payerAccount = true;
    const { stage } = testStage(raw);
    const template = Template.fromStack(stage.governance);
    const [activation] = Object.values(template.findResources('Custom::AWS'));
    const create = JSON.parse(JSON.stringify(activation!.Properties.Create));
    const text = typeof create === 'string' ? create : JSON.stringify(create);
    expect(text).toContain('"service":"CostExplorer"');
    expect(text).toContain('"action":"updateCostAllocationTagsStatus"');
    expect(text).toContain('"region":"us-east-1"');
    for (const key of COST_TAG_KEYS) expect(text).toContain(`{"TagKey":"${key}","Status":"Active"}`);
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: unknown }>);
    expect(statements.map((s) => s.Action)).toContainEqual('ce:UpdateCostAllocationTagsStatus');
  });

  it('asks again on the first deploy of each day: CloudFormation re-runs a custom resource only when its properties change', () => {
    const raw = structuredClone(STAGES.prod) as StageConfigInput & { budgets: Record<string, unknown> };
    raw.budgets.payerAccount = true;
    const config = stageConfig(raw);
    const activation = (now: Date) => {
      const app = testApp();
      const key = new kms.Key(new Stack(app, 'Keys'), 'Key');
      const governance = new GovernanceStack(app, 'Governance', { config, key, now });
      return Object.values(Template.fromStack(governance).findResources('Custom::AWS'))[0]!.Properties;
    };
    const monday = activation(new Date('2026-12-07T08:00:00Z'));
    const mondayLater = activation(new Date('2026-12-07T17:30:00Z'));
    const tuesday = activation(new Date('2026-12-08T08:00:00Z'));
    expect(monday.ActivationRequestedOn).toBe('2026-12-07');
    expect(mondayLater).toEqual(monday);
    expect(tuesday.ActivationRequestedOn).toBe('2026-12-08');
    // The same call on update as on create, so the changed property does activate again.
    expect(tuesday.Update).toEqual(tuesday.Create);
  });

  it('synthesizes with cdk-nag and no unacknowledged finding', () => {
    const raw = structuredClone(STAGES.prod) as StageConfigInput & { budgets: Record<string, unknown> };
    raw.budgets.payerAccount = true;
    // testStage registers cdk-nag (defineGantryApp); synth throws on any unacknowledged finding.
    const { app } = testStage(raw);
    expect(() => app.synth()).not.toThrow();
  });
});
