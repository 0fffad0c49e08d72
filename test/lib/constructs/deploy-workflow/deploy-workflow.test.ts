import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { STAGES, type StageConfigInput } from '../../../../lib/config';
import { testStage } from '../../../support/app';
import { resolveAsl, type AslDefinition } from '../../../../tools/local/state-machine';

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

describe('the serving resources of a model stack (prod: inf2 behind a VPC)', () => {
  let template: Template;
  let definition: AslDefinition;
  let statements: Statement[];

  beforeAll(() => {
    const { stage } = testStage('prod');
    template = Template.fromStack(stage.models.get('churn')!);
    definition = resolveAsl(template.toJSON(), '/Deploy/StateMachine/', { producers: [Template.fromStack(stage.data).toJSON(), Template.fromStack(stage.runtime).toJSON()] }).definition;
    statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  });

  it('has a JSONPath deploy state machine with logging ALL and X-Ray tracing', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'gantry-prod-churn-deploy',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true, Destinations: [Match.anyValue()] },
    });
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
  });

  it('retries transient errors and catches everything else on every task', () => {
    const tasks = Object.entries(definition.States).filter(([, s]) => s.Type === 'Task');
    expect(tasks.length).toBeGreaterThanOrEqual(14);
    for (const [name, state] of tasks) {
      if (name === 'RecordFailure' || name.startsWith('Notify')) continue;
      expect((state.Retry as unknown[] | undefined)?.length ?? 0, `${name} retries`).toBeGreaterThan(0);
      const caught = (state.Catch as Array<{ ErrorEquals: string[] }> | undefined) ?? [];
      expect(caught.some((c) => c.ErrorEquals.includes('States.ALL')), `${name} catches States.ALL`).toBe(true);
    }
  });

  it('polls DescribeEndpoint in a bounded loop: one poll a minute for the configured 90 minutes', () => {
    expect(definition.States.WaitForEndpoint).toMatchObject({ Type: 'Wait', Seconds: 60 });
    const choices = (definition.States.EndpointStatus as unknown as { Choices: Array<Record<string, unknown>> }).Choices;
    expect(choices).toContainEqual(expect.objectContaining({ Variable: '$.polls.n', NumericGreaterThanEquals: 90, Next: 'DeploymentTimedOut' }));
  });

  it('grants SageMaker actions on this model endpoint\'s names only, and PassRole of the endpoint role to SageMaker only', () => {
    const sagemaker = statements.find((s) => [s.Action].flat().includes('sagemaker:CreateEndpointConfig'))!;
    expect([sagemaker.Action].flat().sort()).toEqual(['sagemaker:AddTags', 'sagemaker:CreateEndpoint', 'sagemaker:CreateEndpointConfig', 'sagemaker:CreateModel', 'sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig', 'sagemaker:UpdateEndpoint']);
    const resources = JSON.stringify(sagemaker.Resource);
    expect(resources).toContain(':model/gantry-prod-churn-v*');
    expect(resources).toContain(':endpoint-config/gantry-prod-churn-v*');
    expect(resources).toContain(':endpoint/gantry-prod-churn"');
    const passRole = statements.filter((s) => [s.Action].flat().includes('iam:PassRole') && JSON.stringify(s.Resource).includes('EndpointRole'));
    expect(passRole).toHaveLength(1);
    expect(passRole[0]!.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } });
    expect(statements.flatMap((s) => [s.Action].flat()).filter((a) => a.endsWith('*') && !a.startsWith('kms:'))).toEqual([]);
  });

  it('may delete only its own endpoint, and only while its tags say this workflow created it', () => {
    const deletes = statements.filter((s) => [s.Action].flat().includes('sagemaker:DeleteEndpoint'));
    expect(deletes).toHaveLength(1);
    expect(deletes[0]!.Action).toBe('sagemaker:DeleteEndpoint');
    expect(JSON.stringify(deletes[0]!.Resource)).toMatch(/:endpoint\/gantry-prod-churn"\]*$/);
    expect(deletes[0]!.Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/Model': 'churn' },
      StringLike: { 'aws:ResourceTag/ExecutionId': 'arn:aws:states:us-east-1:111111111111:execution:gantry-prod-churn-deploy:*' },
    });
    // Nothing else of SageMaker's may delete.
    expect(statements.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith('sagemaker:Delete'))).toEqual(['sagemaker:DeleteEndpoint']);
  });

  it("times out after the InService wait, a Failed endpoint's deletion and 30 minutes for the rest", () => {
    expect(definition.TimeoutSeconds).toBe((90 + 30 + 30) * 60);
  });

  it('gives the endpoint role the artifacts to read and the capture bucket to write, and no managed policy', () => {
    const role = Object.entries(template.findResources('AWS::IAM::Role')).find(([id]) => id.startsWith('EndpointRole'))!;
    expect(role[1].Properties.ManagedPolicyArns).toBeUndefined();
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) => JSON.stringify(p.Properties.Roles).includes(role[0]))!;
    const put = (policy.Properties.PolicyDocument.Statement as Statement[]).find((s) => [s.Action].flat().includes('s3:PutObject'))!;
    expect(JSON.stringify(put.Resource)).toMatch(/Capture/);
    expect(JSON.stringify(put.Resource)).not.toMatch(/Curated|Raw/);
  });

  it("scopes the endpoint role to this model's artifacts and this endpoint's capture folder", () => {
    const role = Object.entries(template.findResources('AWS::IAM::Role')).find(([id]) => id.startsWith('EndpointRole'))!;
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) => JSON.stringify(p.Properties.Roles).includes(role[0]))!;
    const s3 = (policy.Properties.PolicyDocument.Statement as Statement[]).filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));
    const text = JSON.stringify(s3);
    expect(text).toContain('/models/churn/*');
    expect(text).toContain('/gantry-prod-churn/*');
    // Prod compiles with neuronx at load: no Neo output to read, so no compiled/ folder either.
    expect(text).not.toContain('/compiled/');
    // No whole-bucket object access: every object resource ends in a model's folder.
    const objectArns = s3.filter((s) => [s.Action].flat().includes('s3:GetObject')).flatMap((s) => [s.Resource].flat()).map((r) => JSON.stringify(r));
    for (const arn of objectArns) expect(arn).toMatch(/\/(models\/churn|gantry-prod-churn)\/\*"/);
    const lists = s3.filter((s) => s.Action === 's3:ListBucket');
    expect(lists.map((s) => s.Condition)).toEqual([
      { StringLike: { 's3:prefix': ['models/churn/*'] } },
      { StringLike: { 's3:prefix': ['gantry-prod-churn/*'] } },
    ]);
  });

  it('trusts SageMaker only for this account and region (confused deputy)', () => {
    for (const [id, role] of Object.entries(template.findResources('AWS::IAM::Role')).filter(([, r]) => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('sagemaker.amazonaws.com'))) {
      expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Condition, id).toEqual({
        StringEqualsIfExists: { 'aws:SourceAccount': '111111111111' },
        ArnLikeIfExists: { 'aws:SourceArn': 'arn:aws:sagemaker:us-east-1:111111111111:*' },
      });
    }
  });

  it('lets the guardrails read the auto-rollback alarms (https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-configuration.html)', () => {
    const describe = statements.filter((s) => [s.Action].flat().includes('cloudwatch:DescribeAlarms') && JSON.stringify(s.Resource).includes('LatencyP99'));
    // The deploy workflow's role (it calls UpdateEndpoint) and the endpoint's execution role.
    expect(describe).toHaveLength(2);
    for (const statement of describe) {
      const resources = JSON.stringify(statement.Resource);
      for (const alarm of ['LatencyP99', '5xxRate', 'ModelErrors']) expect(resources).toContain(alarm);
      expect(resources).not.toContain('Drift');
    }
    const alarms = (definition.States.UpdateEndpointCanary!.Parameters as any).DeploymentConfig.AutoRollbackConfiguration.Alarms;
    expect(alarms).toHaveLength(3);
  });

  it('may tag the scalable target it registers with tags: RegisterScalableTarget with Tags needs application-autoscaling:TagResource', () => {
    const register = definition.States.RegisterScalableTarget!.Parameters as { Tags: Record<string, string> };
    expect(Object.keys(register.Tags).length).toBeGreaterThan(0);
    expect(statements.some((s) => [s.Action].flat().includes('application-autoscaling:TagResource'))).toBe(true);
  });

  it('ends a refused deployment with the refusal, even when its notification cannot be sent', () => {
    expect(definition.States.NotifyRefused!.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.notifyError', Next: 'DeploymentRefused' }]);
    expect(definition.States.NotifyFailure!.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.notifyError', Next: 'DeploymentFailed' }]);
  });

  it('alarms on latency p99, the 5xx rate, model errors and drift, named after the endpoint and notifying the model topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms.map((a) => a.AlarmName).sort()).toEqual(['gantry-prod-churn-5xx-rate', 'gantry-prod-churn-drift', 'gantry-prod-churn-latency-p99', 'gantry-prod-churn-model-errors']);
    const byName = Object.fromEntries(alarms.map((a) => [a.AlarmName, a]));
    // ModelLatency is in microseconds: 500 ms.
    expect(byName['gantry-prod-churn-latency-p99']).toMatchObject({ Threshold: 500_000, EvaluationPeriods: 3, TreatMissingData: 'notBreaching', Metrics: [expect.objectContaining({ MetricStat: expect.objectContaining({ Stat: 'p99', Period: 60 }) })] });
    expect(byName['gantry-prod-churn-5xx-rate']).toMatchObject({ Threshold: 1, Metrics: expect.arrayContaining([expect.objectContaining({ Expression: 'IF(invocations > 0, 100 * errors / invocations, 0)' })]) });
    expect(byName['gantry-prod-churn-model-errors']).toMatchObject({ Threshold: 5 });
    expect(byName['gantry-prod-churn-drift']).toMatchObject({
      Threshold: 0.2,
      Metrics: [expect.objectContaining({ MetricStat: expect.objectContaining({ Metric: { Namespace: 'Gantry', MetricName: 'DriftMaxPSI', Dimensions: [{ Name: 'Model', Value: 'churn' }, { Name: 'Stage', Value: 'prod' }] }, Stat: 'Maximum' }) })],
    });
    for (const alarm of alarms) {
      expect(alarm.AlarmActions, alarm.AlarmName).toEqual([{ Ref: expect.stringMatching(/^Topic/) }]);
      const dims = JSON.stringify(alarm.Metrics);
      if (alarm.AlarmName !== 'gantry-prod-churn-drift') expect(dims).toContain('{"Name":"VariantName","Value":"primary"}');
    }
  });

  it('has a dashboard with invocations, latency, errors, instances, drift and the alarms', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboard!.Properties.DashboardName).toBe('gantry-prod-churn');
    const body = JSON.stringify(template.toJSON().Resources[Object.keys(template.findResources('AWS::CloudWatch::Dashboard'))[0]!].Properties.DashboardBody);
    for (const title of ['Invocations', 'Model latency', 'Errors', 'Instances', 'Drift', 'Alarms']) expect(body).toContain(title);
    expect(body).toContain('InvocationsPerInstance');
  });

  it('sends the service alarms (not drift) to the rollback function, with the whole alarm event', () => {
    const [rule] = Object.values(template.findResources('AWS::Events::Rule', { Properties: { Description: Match.stringLikeRegexp('rolls churn back') } }));
    expect(rule!.Properties.EventPattern).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      resources: [{ 'Fn::GetAtt': [expect.stringMatching(/^EndpointLatencyP99/), 'Arn'] }, { 'Fn::GetAtt': [expect.stringMatching(/^Endpoint5xxRate/), 'Arn'] }, { 'Fn::GetAtt': [expect.stringMatching(/^EndpointModelErrors/), 'Arn'] }],
      detail: { state: { value: ['ALARM'] } },
    });
    const target = rule!.Properties.Targets[0];
    expect(JSON.stringify(target.Arn)).toContain('RollbackFunction');
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 4 });
    const template_ = target.InputTransformer.InputTemplate['Fn::Join'][1] as unknown[];
    expect(template_[0]).toBe('{"model":"churn","endpointName":"gantry-prod-churn","stateMachineArn":"');
    expect(template_.at(-1)).toBe('","alarm":<aws.events.event.json>}');
  });

  it('publishes the deploy state machine ARN for `gantry deploy` and `gantry rollback`', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/gantry/prod/models/churn/deploy-state-machine', Value: { Ref: Match.stringLikeRegexp('^DeployStateMachine') } });
  });
});

describe('serving targets other than inf2', () => {
  it('a serverless model: a synth warning with an id, no drift alarm, no autoscaling states', () => {
    const { stage } = testStage('dev');
    const stack = stage.models.get('churn')!;
    Annotations.fromStack(stack).hasWarning('/Gantry-dev/Model-churn/Deploy', Match.stringLikeRegexp('served serverless: SageMaker captures no data .*no deployment guardrails.*\\[ack: gantry:serverless-endpoint\\]'));
    const template = Template.fromStack(stack);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmName).sort();
    expect(alarms).toEqual(['gantry-dev-churn-5xx-rate', 'gantry-dev-churn-latency-p99', 'gantry-dev-churn-model-errors']);
    const asl = resolveAsl(template.toJSON(), '/Deploy/StateMachine/', { producers: [Template.fromStack(stage.data).toJSON(), Template.fromStack(stage.runtime).toJSON()] }).definition;
    expect(Object.keys(asl.States)).not.toContain('RegisterScalableTarget');
    expect(Object.keys(asl.States)).not.toContain('UpdateEndpointCanary');
  });

  it('a GPU model with instance storage: no volume key in the endpoint config (SageMaker refuses one)', () => {
    const gpu = structuredClone(STAGES.prod) as StageConfigInput & { models: Array<Record<string, unknown>> };
    gpu.models[0]!.serving = { target: 'gpu', instanceType: 'ml.g5.xlarge' };
    const { stage } = testStage(gpu);
    const template = Template.fromStack(stage.models.get('churn')!);
    const asl = resolveAsl(template.toJSON(), '/Deploy/StateMachine/', { producers: [Template.fromStack(stage.data).toJSON(), Template.fromStack(stage.runtime).toJSON()] }).definition;
    const config = asl.States.CreateEndpointConfig!.Parameters as Record<string, any>;
    expect(config.KmsKeyId).toBeUndefined();
    expect(config.DataCaptureConfig.KmsKeyId).toMatch(/^arn:aws:kms:/);
    expect(config.ProductionVariants[0].InstanceType).toBe('ml.g5.xlarge');
  });
});
