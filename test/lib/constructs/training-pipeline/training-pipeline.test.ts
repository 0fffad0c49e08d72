import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAllStageConfigs } from '../../../../lib/config';
import { COST_TAG_KEYS } from '../../../../lib/contract';
import { testStage } from '../../../support/app';
import { resolveAsl, type AslDefinition } from '../../../../tools/local/state-machine';

describe('TrainingPipeline in the model stack', () => {
  let template: Template;
  let definition: AslDefinition;

  beforeAll(() => {
    const { stage } = testStage('prod');
    template = Template.fromStack(stage.models.get('churn')!);
    definition = resolveAsl(template.toJSON(), '/Training/StateMachine/', { producers: [Template.fromStack(stage.data).toJSON(), Template.fromStack(stage.runtime).toJSON()] }).definition;
  });

  it('is a JSONPath standard state machine with logging ALL to a KMS-encrypted log group and X-Ray tracing', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'gantry-prod-churn-training',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true, Destinations: [Match.anyValue()] },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue() });
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(JSON.stringify(definition)).not.toContain('{%');
  });

  it('grants SageMaker actions on this model\'s jobs only, and PassRole for the job role to SageMaker only', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as Array<Record<string, any>>);
    const actions = statements.flatMap((s) => [s.Action].flat() as string[]);
    expect(actions.filter((a) => a.startsWith('sagemaker:') && a.includes('*'))).toEqual([]);
    expect(actions).not.toContain('*');
    const sagemaker = statements.find((s) => [s.Action].flat().includes('sagemaker:CreateTrainingJob'))!;
    // Per kind, with the stage: `churn-*` would also match the jobs of a model named churn-eu.
    expect(JSON.stringify(sagemaker.Resource)).toMatch(/training-job\/gantry-prod-churn-train-\*/);
    expect(JSON.stringify(sagemaker.Resource)).toMatch(/processing-job\/gantry-prod-churn-prep-\*/);
    expect(JSON.stringify(sagemaker.Resource)).not.toMatch(/job\/churn-\*/);
    // Two PassRole statements: the training pipeline's (job role) and the deploy workflow's (endpoint role).
    const passRole = statements.filter((s) => [s.Action].flat().includes('iam:PassRole') && JSON.stringify(s.Resource).includes('JobRole'));
    expect(passRole).toHaveLength(1);
    expect(passRole[0]!.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } });
    expect(JSON.stringify(passRole[0]!.Resource)).toMatch(/JobRole/);
  });

  /** The statements of the policies attached to the role of the resource at `logicalId` (a state machine). */
  function roleStatements(roleLogicalId: string): Array<Record<string, any>> {
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleLogicalId }]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
  }
  const stateMachineRole = () => Object.values(template.findResources('AWS::StepFunctions::StateMachine', { Properties: { StateMachineName: 'gantry-prod-churn-training' } }))[0]!.Properties.RoleArn['Fn::GetAtt'][0] as string;

  it('lets the state machine use the topic key: SNS encrypts as the publisher (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html)', () => {
    const kms = roleStatements(stateMachineRole()).filter((s) => [s.Action].flat().includes('kms:GenerateDataKey'));
    expect(kms).toHaveLength(1);
    expect([kms[0]!.Action].flat().sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    // The stage key, from the data stack: the topic's KmsMasterKeyId is the same reference.
    const topic = Object.values(template.findResources('AWS::SNS::Topic'))[0]!;
    expect(JSON.stringify(kms[0]!.Resource)).toBe(JSON.stringify(topic.Properties.KmsMasterKeyId));
  });

  it('runs long enough for a manual approval: the execution outlasts the approval wait', () => {
    const prod = loadAllStageConfigs().find((c) => c.name === 'prod')!.models[0]!;
    expect(prod.training.approval).toBe('manual');
    const approvalSeconds = prod.training.approvalTimeoutHours * 3600;
    expect(definition.States.RequestApproval!.TimeoutSeconds).toBe(approvalSeconds);
    expect(definition.TimeoutSeconds as number).toBeGreaterThan(approvalSeconds + prod.preprocessing.maxRuntimeSeconds + prod.training.spot.maxWaitSeconds);
  });

  it('lets the job role list the asset bucket for the preprocessing script only: an S3Prefix input is listed first', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as Array<Record<string, any>>);
    const list = statements.filter((s) => s.Action === 's3:ListBucket' && JSON.stringify(s.Resource).includes('cdk-hnb659fds-assets'));
    expect(list).toHaveLength(1);
    const preprocess = definition.States.Preprocess!.Parameters as { ProcessingInputs: Array<{ InputName: string; S3Input: { S3Uri: string; S3DataType: string } }> };
    const code = preprocess.ProcessingInputs.find((i) => i.InputName === 'code')!.S3Input;
    expect(code.S3DataType).toBe('S3Prefix');
    expect(list[0]!.Condition).toEqual({ StringEquals: { 's3:prefix': code.S3Uri.replace(/^s3:\/\/[^/]+\//, '') } });
  });

  it("writes logs under /aws/vendedlogs/states/, so the account's 5,120-character Logs resource policy never grows", () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/vendedlogs/states/gantry-prod-churn-training', RetentionInDays: 365 });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/vendedlogs/states/gantry-prod-churn-deploy', RetentionInDays: 365 });
  });

  it('gives the SageMaker job role no managed policies and named actions only', () => {
    template.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'sagemaker.amazonaws.com' } })] }, ManagedPolicyArns: Match.absent() });
  });

  it('is started by its schedule, by new curated data under churn/, and by drift events', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 3 ? * MON *)',
      Target: { Arn: { Ref: Match.stringLikeRegexp('StateMachine') }, Input: JSON.stringify({ reason: 'schedule' }) },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: [Match.anyValue()] }, object: { key: [{ prefix: 'churn/' }] } } },
      Targets: [Match.objectLike({ Input: Match.anyValue() })],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['gantry.drift'], 'detail-type': ['DriftDetected'], detail: { model: ['churn'] } },
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^Topic') } }), Match.objectLike({ Input: JSON.stringify({ reason: 'drift' }) })],
    });
  });

  it('catches every task into the failure path, and retries transient errors with jittered backoff', () => {
    const tasks = Object.entries(definition.States).filter(([, s]) => s.Type === 'Task');
    const failurePath = ['RecordFailure', 'NotifyFailure'];
    for (const [name, state] of tasks) {
      const retry = state.Retry as Array<{ JitterStrategy?: string; BackoffRate?: number }>;
      expect(retry?.length, name).toBeGreaterThan(0);
      expect(retry.every((r) => r.JitterStrategy === 'FULL' && r.BackoffRate === 2), name).toBe(true);
      if (failurePath.includes(name)) continue;
      const catches = state.Catch as Array<{ ErrorEquals: string[]; Next: string }>;
      // The last catcher sends everything else to the failure path (an approval's Rejected ends apart).
      expect(catches.at(-1), name).toEqual(expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'RecordFailure' }));
    }
  });

  it('publishes the state machine ARN for `gantry train`', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/gantry/prod/models/churn/training-state-machine', Value: { Ref: Match.stringLikeRegexp('StateMachine') } });
  });
});

describe('cost tags on run-time SageMaker resources', () => {
  it('every SageMaker Create* task of every workflow of every model of every stage passes the five tags and the execution id', () => {
    let checked = 0;
    for (const config of loadAllStageConfigs()) {
      const { stage } = testStage(config.name);
      for (const [name, modelStack] of stage.models) {
        for (const workflow of ['/Training/StateMachine/', '/Deploy/StateMachine/']) {
          const asl = resolveAsl(Template.fromStack(modelStack).toJSON(), workflow, { producers: [Template.fromStack(stage.data).toJSON(), Template.fromStack(stage.runtime).toJSON()] }).definition;
          const creates = Object.entries(asl.States).filter(([, s]) => typeof s.Resource === 'string' && /sagemaker:create/i.test(s.Resource as string));
          expect(creates.length, `${config.name}/${name}${workflow}`).toBeGreaterThanOrEqual(2);
          for (const [state, s] of creates) {
            const tags = (s.Parameters as { Tags: Array<{ Key: string; Value?: string; 'Value.$'?: string }> }).Tags;
            expect(tags.map((t) => t.Key).sort(), `${config.name}/${name}/${state}`).toEqual([...COST_TAG_KEYS, 'ExecutionId'].sort());
            expect(tags.find((t) => t.Key === 'Model')!.Value).toBe(name);
            expect(tags.find((t) => t.Key === 'Team')!.Value).toBe(config.models.find((m) => m.name === name)!.ownerTeam);
            checked++;
          }
        }
      }
    }
    // Training: preprocess + train in each stage (prod's neuronx compiler traces at load: no job).
    // Deploy: model, endpoint config, endpoint, and the endpoint created again after a Failed one.
    expect(checked).toBe(2 * 2 + 2 * 4);
  });
});
