import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { STAGES, type StageConfigInput } from '../../../lib/config';
import { testStage } from '../../support/app';

function prodWithDrift(drift: Record<string, unknown>): StageConfigInput {
  const raw = structuredClone(STAGES.prod) as StageConfigInput & { models: Array<Record<string, unknown>> };
  raw.models[0]!.drift = drift;
  return raw;
}

describe('drift monitor wiring', () => {
  it('schedules a check of the prod endpoint every 15 minutes with the thresholds from config', () => {
    const { stage } = testStage('prod');
    const template = Template.fromStack(stage.models.get('churn')!);
    const [schedule] = Object.values(template.findResources('AWS::Scheduler::Schedule', { Properties: { Description: Match.stringLikeRegexp('drift') } }));
    expect(schedule!.Properties.ScheduleExpression).toBe('rate(15 minutes)');
    expect(JSON.parse(schedule!.Properties.Target.Input)).toEqual({ model: 'churn', endpointName: 'gantry-prod-churn', windowMinutes: 15, thresholds: { psi: 0.2, ks: 0.1 }, consecutiveWindows: 2 });
    expect(JSON.stringify(schedule!.Properties.Target.Arn)).toContain('DriftFunction');
    expect(schedule!.Properties.Target.RetryPolicy).toMatchObject({ MaximumRetryAttempts: 2 });
  });

  it('derives the window from a rate schedule and requires it with a cron schedule', () => {
    const hourly = testStage(prodWithDrift({ schedule: 'rate(1 hour)', consecutiveWindows: 3 })).stage;
    const [schedule] = Object.values(Template.fromStack(hourly.models.get('churn')!).findResources('AWS::Scheduler::Schedule', { Properties: { Description: Match.stringLikeRegexp('drift') } }));
    expect(JSON.parse(schedule!.Properties.Target.Input)).toMatchObject({ windowMinutes: 60, consecutiveWindows: 3 });
    expect(() => testStage(prodWithDrift({ schedule: 'cron(0 * * * ? *)' }))).toThrow(/drift\.windowMinutes: is required with a cron schedule/);
  });

  it('runs no drift check for a serverless endpoint, which captures nothing', () => {
    const { stage } = testStage('dev');
    const schedules = Template.fromStack(stage.models.get('churn')!).findResources('AWS::Scheduler::Schedule', { Properties: { Description: Match.stringLikeRegexp('drift') } });
    expect(Object.keys(schedules)).toEqual([]);
  });

  it('notifies the model topic on DriftDetected and retrains, or only notifies when retraining is off', () => {
    const rule = (config: string | StageConfigInput) => {
      const { stage } = testStage(config);
      return Object.values(Template.fromStack(stage.models.get('churn')!).findResources('AWS::Events::Rule', { Properties: { EventPattern: { source: ['gantry.drift'] } } }))[0]!.Properties;
    };
    const retraining = rule('prod');
    expect(retraining.EventPattern).toEqual({ source: ['gantry.drift'], 'detail-type': ['DriftDetected'], detail: { model: ['churn'] } });
    expect(retraining.State).toBe('ENABLED');
    expect(retraining.Targets.map((t: { Arn: unknown }) => JSON.stringify(t.Arn))).toEqual([expect.stringContaining('Topic'), expect.stringContaining('TrainingStateMachine')]);
    expect(retraining.Targets[0].InputTransformer.InputPathsMap).toEqual({ 'detail-window': '$.detail.window', 'detail-maxPsi': '$.detail.maxPsi', 'detail-features': '$.detail.features', 'detail-reportUri': '$.detail.reportUri' });
    const { stage } = testStage('prod');
    Template.fromStack(stage.models.get('churn')!).hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'DriftRulePublish', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish', Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^DriftRule'), 'Arn'] } } } }),
        ]),
      },
    });
    const notifyOnly = rule(prodWithDrift({ retrainOnDrift: false }));
    expect(notifyOnly.Targets).toHaveLength(1);
    expect(JSON.stringify(notifyOnly.Targets[0].Arn)).toContain('Topic');
  });

  it('gives the drift function its buckets, the registry, and PutEvents on the default bus only', () => {
    const { stage } = testStage('prod');
    const runtime = Template.fromStack(stage.runtime);
    const [fn] = Object.entries(runtime.findResources('AWS::Lambda::Function')).filter(([id]) => id.startsWith('DriftFunction'));
    expect(Object.keys(fn![1].Properties.Environment.Variables)).toEqual(expect.arrayContaining(['GANTRY_ARTIFACTS_BUCKET', 'GANTRY_CAPTURE_BUCKET', 'GANTRY_REGISTRY_TABLE', 'GANTRY_STAGE']));
    expect(fn![1].Properties.Environment.Variables.GANTRY_STAGE).toBe('prod');
    expect(fn![1].Properties.Timeout).toBe(600);
    const statements = Object.values(runtime.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes('DriftRole'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
    const putEvents = statements.find((s) => [s.Action].flat().includes('events:PutEvents'))!;
    expect(putEvents.Resource).toBe('arn:aws:events:us-east-1:111111111111:event-bus/default');
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['s3:GetObject', 's3:ListBucket', 's3:PutObject', 'dynamodb:GetItem', 'dynamodb:Query']));
    expect(actions).not.toContain('dynamodb:PutItem');
  });
});
