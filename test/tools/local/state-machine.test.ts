import { App, Duration, Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  aslFromTemplate,
  AslResolutionError,
  InvalidAslError,
  resolveAsl,
  runStateMachine,
  UnroutedTaskError,
  type AslDefinition,
  type CfnTemplateJson,
  type ResolvedAsl,
} from '../../../tools/local/state-machine';

const ACCOUNT = '111111111111';

/** A named error, as the handlers throw them. */
class NamedError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

function newApp(): App {
  return new App({ context: { 'aws:cdk:enable-path-metadata': true } });
}

function inlineFunction(scope: Stack, id: string): lambda.Function {
  return new lambda.Function(scope, id, { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') });
}

/**
 * Register (Lambda, retries, catch) → Train (.sync CustomState) → Deploy? (Choice)
 *   → Pause (Wait 10 min) → Notify (sns:publish via CallAwsService) → Audit (Lambda, payloadResponseOnly) → Done
 */
function harnessStack(): { template: CfnTemplateJson; ids: Record<'register' | 'audit' | 'topic' | 'role' | 'bucket', string> } {
  const stack = new Stack(newApp(), 'Harness');
  const register = inlineFunction(stack, 'RegisterFunction');
  const audit = inlineFunction(stack, 'RegisterAuditFunction');
  const topic = new sns.Topic(stack, 'Topic');
  const role = new iam.Role(stack, 'TrainingRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const bucket = new s3.Bucket(stack, 'Artifacts');

  const registerTask = new tasks.LambdaInvoke(stack, 'Register', {
    lambdaFunction: register,
    retryOnServiceExceptions: true,
    payload: sfn.TaskInput.fromObject({ model: sfn.JsonPath.stringAt('$.model'), execution: sfn.JsonPath.executionId }),
    resultSelector: { 'version.$': '$.Payload.version', 'status.$': '$.StatusCode' },
    resultPath: '$.register',
  });
  // Long enough that a real wait would time the test out.
  registerTask.addRetry({ errors: ['Flaky'], maxAttempts: 2, interval: Duration.minutes(5) });
  const failed = new sfn.Fail(stack, 'Failed', { errorPath: '$.failure.Error', causePath: '$.failure.Cause' });
  registerTask.addCatch(new sfn.Pass(stack, 'RecordFailure').next(failed), { resultPath: '$.failure' });

  const train = new sfn.CustomState(stack, 'Train', {
    stateJson: {
      Type: 'Task',
      // The L2 training task has no spot or checkpoint fields, hence a CustomState, as in the pipeline.
      Resource: `arn:${stack.partition}:states:::sagemaker:createTrainingJob.sync`,
      Parameters: {
        'TrainingJobName.$': "States.Format('{}-{}', $.model, $$.Execution.Name)",
        RoleArn: role.roleArn,
        EnableManagedSpotTraining: true,
        CheckpointConfig: { S3Uri: `s3://${bucket.bucketName}/checkpoints/` },
        Tags: [{ Key: 'ExecutionId', 'Value.$': '$$.Execution.Id' }],
      },
      ResultSelector: { 'artifact.$': '$.ModelArtifacts.S3ModelArtifacts' },
      ResultPath: '$.train',
    },
  });
  const notify = new tasks.CallAwsService(stack, 'Notify', {
    service: 'sns',
    action: 'publish',
    parameters: { TopicArn: topic.topicArn, 'Message.$': "States.Format('{} v{} trained', $.model, $.register.version)" },
    iamResources: [topic.topicArn],
    resultSelector: { 'messageId.$': '$.MessageId' },
    resultPath: '$.notify',
  });
  const auditTask = new tasks.LambdaInvoke(stack, 'Audit', {
    lambdaFunction: audit,
    payloadResponseOnly: true,
    payload: sfn.TaskInput.fromObject({ artifact: sfn.JsonPath.stringAt('$.train.artifact') }),
    resultPath: '$.audit',
  });
  const pause = new sfn.Wait(stack, 'Pause', { time: sfn.WaitTime.duration(Duration.minutes(10)) });
  const done = new sfn.Succeed(stack, 'Done');
  const choice = new sfn.Choice(stack, 'Deploy?').when(sfn.Condition.booleanEquals('$.deploy', true), pause.next(notify).next(auditTask).next(done)).otherwise(done);
  new sfn.StateMachine(stack, 'Pipeline', { definitionBody: sfn.DefinitionBody.fromChainable(registerTask.next(train).next(choice)) });

  const id = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);
  return {
    template: Template.fromStack(stack).toJSON() as CfnTemplateJson,
    ids: { register: id(register), audit: id(audit), topic: id(topic), role: id(role), bucket: id(bucket) },
  };
}

describe('local Step Functions harness on a synthesized state machine', () => {
  let template: CfnTemplateJson;
  let ids: ReturnType<typeof harnessStack>['ids'];
  let asl: ResolvedAsl;
  const input = { model: 'churn', deploy: true };

  beforeAll(() => {
    ({ template, ids } = harnessStack());
    asl = resolveAsl(template, 'Pipeline');
  });

  /** The Train and Notify stand-ins, returning the documented response shapes. */
  const services = (seen: Record<string, unknown> = {}) => ({
    Train: async (params: unknown) => {
      seen.Train = params;
      return { TrainingJobStatus: 'Completed', ModelArtifacts: { S3ModelArtifacts: 's3://artifacts/churn/output/model.tar.gz' } };
    },
    Notify: async (params: unknown) => {
      seen.Notify = params;
      return { MessageId: 'm-1' };
    },
  });

  it('resolves every intrinsic to deterministic fakes and validates the ASL', () => {
    const { definition, arnToLogicalId } = asl;
    expect(JSON.stringify(definition)).not.toMatch(/"Ref"|Fn::/);
    const registerArn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${ids.register}`;
    expect(definition.States.Register).toMatchObject({ Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: registerArn } });
    expect(definition.States.Audit).toMatchObject({ Resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${ids.audit}` });
    expect(definition.States.Train!.Resource).toBe('arn:aws:states:::sagemaker:createTrainingJob.sync');
    expect(definition.States.Notify!.Resource).toBe('arn:aws:states:::aws-sdk:sns:publish');
    expect(arnToLogicalId).toMatchObject({
      [registerArn]: ids.register,
      [`arn:aws:sns:us-east-1:${ACCOUNT}:${ids.topic}`]: ids.topic,
      [`arn:aws:iam::${ACCOUNT}:role/${ids.role}`]: ids.role,
      [`fake-${ids.bucket}`]: ids.bucket,
    });
    // Found by logical id as well as by path, and the same every time.
    expect(aslFromTemplate(template, 'Harness/Pipeline/Resource')).toEqual(definition);
    expect(resolveAsl(template, 'Pipeline')).toEqual(asl);
  });

  it('routes Lambda tasks by logical id prefix, the longest prefix winning, and feeds overrides the resolved Parameters', async () => {
    const seen: Record<string, unknown> = {};
    const registered: unknown[] = [];
    const audited: unknown[] = [];
    const started = performance.now();
    const trace = await runStateMachine(asl, input, {
      lambdas: {
        Register: async (payload) => (registered.push(payload), { version: 7 }),
        RegisterAudit: async (payload) => (audited.push(payload), { ok: true, at: new Date(0) }),
      },
      overrides: services(seen),
      executionName: 'run-1',
      stateMachineName: 'churn-training',
    });
    const executionArn = `arn:aws:states:us-east-1:${ACCOUNT}:execution:churn-training:run-1`;

    expect(trace.status).toBe('SUCCEEDED');
    expect(registered).toEqual([{ model: 'churn', execution: executionArn }]);
    expect(audited).toEqual([{ artifact: 's3://artifacts/churn/output/model.tar.gz' }]);
    expect(seen.Train).toEqual({
      TrainingJobName: 'churn-run-1',
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/${ids.role}`,
      EnableManagedSpotTraining: true,
      CheckpointConfig: { S3Uri: `s3://fake-${ids.bucket}/checkpoints/` },
      Tags: [{ Key: 'ExecutionId', Value: executionArn }],
    });
    expect(seen.Notify).toEqual({ TopicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:${ids.topic}`, Message: 'churn v7 trained' });
    expect(trace.output).toEqual({
      ...input,
      // lambda:invoke's result is { Payload, StatusCode }; the ResultSelector picked from it.
      register: { version: 7, status: 200 },
      train: { artifact: 's3://artifacts/churn/output/model.tar.gz' },
      notify: { messageId: 'm-1' },
      // payloadResponseOnly: the function's result itself, through JSON as from real Lambda.
      audit: { ok: true, at: '1970-01-01T00:00:00.000Z' },
    });
    expect(trace.calls.map((c) => [c.state, c.functionLogicalId])).toEqual([
      ['Register', ids.register],
      ['Train', undefined],
      ['Notify', undefined],
      ['Audit', ids.audit],
    ]);
    expect(trace.calls[0]).toEqual({
      state: 'Register',
      resource: 'arn:aws:states:::lambda:invoke',
      parameters: { FunctionName: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${ids.register}`, Payload: { model: 'churn', execution: executionArn } },
      functionLogicalId: ids.register,
      payload: { model: 'churn', execution: executionArn },
    });
    expect(trace.statesEntered).toEqual(['Register', 'Train', 'Deploy?', 'Pause', 'Notify', 'Audit', 'Done']);
    // The Wait state is 10 minutes long.
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('retries a task that throws a custom-named error once, then succeeds, without waiting the 5-minute interval', async () => {
    let attempts = 0;
    const started = performance.now();
    const trace = await runStateMachine(asl, { ...input, deploy: false }, {
      lambdas: {
        RegisterFunction: async () => {
          attempts++;
          if (attempts === 1) throw new NamedError('Flaky', 'try again');
          return { version: 1 };
        },
      },
      overrides: services(),
    });
    expect(trace.status).toBe('SUCCEEDED');
    expect(attempts).toBe(2);
    expect(trace.calls.filter((c) => c.state === 'Register').map((c) => c.error)).toEqual(['Flaky', undefined]);
    expect(trace.retries).toEqual([{ state: 'Register', attempt: 1, errorEquals: ['Flaky'] }]);
    expect(trace.failures).toEqual([{ state: 'Register', error: 'Flaky', cause: expect.stringContaining('"errorMessage":"try again"') }]);
    // A retry runs the state again without entering it again, as in AWS.
    expect(trace.statesEntered).toEqual(['Register', 'Train', 'Deploy?', 'Done']);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('sends a task that keeps failing to its Catch once its retries are spent, with the Lambda error as Error and Cause', async () => {
    let attempts = 0;
    const trace = await runStateMachine(asl, input, {
      lambdas: {
        RegisterFunction: async () => {
          attempts++;
          throw new NamedError('Flaky', `attempt ${attempts} failed`);
        },
      },
    });
    // 1 + MaxAttempts 2, then caught.
    expect(attempts).toBe(3);
    expect(trace.retries.map((r) => r.attempt)).toEqual([1, 2]);
    expect(trace.caught).toEqual([{ state: 'Register', errorEquals: ['States.ALL'], next: 'RecordFailure' }]);
    expect(trace.statesEntered).toEqual(['Register', 'RecordFailure', 'Failed']);
    expect(trace.status).toBe('FAILED');
    expect(trace.error).toBe('Flaky');
    // As in AWS, the Cause of a Lambda error is the runtime's JSON of it.
    expect(JSON.parse(trace.cause!)).toEqual({ errorType: 'Flaky', errorMessage: 'attempt 3 failed', trace: expect.arrayContaining(['Flaky: attempt 3 failed']) });
    expect(trace.calls.map((c) => c.state)).toEqual(['Register', 'Register', 'Register']);
  });

  it("retries Lambda service errors with CDK's retryOnServiceExceptions (6 attempts, 2 s backoff) at no real cost", async () => {
    const trace = await runStateMachine(asl, input, {
      lambdas: {
        RegisterFunction: async () => {
          throw new NamedError('Lambda.ServiceException', 'throttled');
        },
      },
    });
    expect(trace.calls).toHaveLength(7);
    expect(trace.retries.map((r) => r.errorEquals[0])).toEqual(Array(6).fill('Lambda.ClientExecutionTimeoutException'));
    expect(trace).toMatchObject({ status: 'FAILED', error: 'Lambda.ServiceException' });
  });

  it('fails a task whose override throws with the error name, cause = its message', async () => {
    const trace = await runStateMachine(asl, input, {
      lambdas: { RegisterFunction: async () => ({ version: 1 }) },
      overrides: {
        Train: async () => {
          throw new NamedError('SageMaker.AmazonSageMakerException', 'ResourceLimitExceeded: spot capacity');
        },
      },
    });
    // Train has no Catch: the execution fails with the task's error.
    expect(trace).toMatchObject({ status: 'FAILED', error: 'SageMaker.AmazonSageMakerException', cause: 'ResourceLimitExceeded: spot capacity' });
    expect(trace.statesEntered).toEqual(['Register', 'Train']);
  });

  it('honours a Wait time override in milliseconds', async () => {
    const started = performance.now();
    await runStateMachine(asl, input, { lambdas: { RegisterFunction: async () => ({ version: 1 }), RegisterAuditFunction: async () => ({}) }, overrides: services(), waitTimeOverrides: { Pause: 150 } });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('throws UnroutedTaskError for a Task with no handler, even though a Catch would take it', async () => {
    await expect(runStateMachine(asl, input, { overrides: services() })).rejects.toThrow(
      new UnroutedTaskError(`Task state "Register" invokes function ${ids.register}, which no lambdas prefix matches (given: none)`),
    );
    await expect(runStateMachine(asl, input, { lambdas: { RegisterFunction: async () => ({ version: 1 }) } })).rejects.toThrow(/Task state "Train" \(arn:aws:states:::sagemaker:createTrainingJob.sync\) has no override: pass overrides\["Train"\]/);
  });
});

describe('cross-stack functions (the model stacks invoke the runtime stack)', () => {
  it.each(['strong', 'weak'])('routes a function imported by a %s reference, and gives it its type with producers', async (strength) => {
    const app = new App({ context: { 'aws:cdk:enable-path-metadata': true, '@aws-cdk/core:defaultCrossStackReferences': strength } });
    const stage = new Stage(app, 'Dev');
    const runtime = new Stack(stage, 'Runtime');
    const fn = inlineFunction(runtime, 'ValidateDataFunction');
    const workflow = new Stack(stage, 'Workflow');
    const validate = new tasks.LambdaInvoke(workflow, 'Validate', { lambdaFunction: fn, payloadResponseOnly: true, resultPath: '$.data' });
    const invoke = new tasks.LambdaInvoke(workflow, 'ValidateAgain', { lambdaFunction: fn, resultSelector: { 'objects.$': '$.Payload.objects' }, resultPath: '$.again' });
    new sfn.StateMachine(workflow, 'Pipeline', { definitionBody: sfn.DefinitionBody.fromChainable(validate.next(invoke)) });
    const template = Template.fromStack(workflow).toJSON() as CfnTemplateJson;
    const logicalId = runtime.getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
    expect(JSON.stringify(template)).toContain(strength === 'strong' ? 'Fn::ImportValue' : 'Fn::GetStackOutput');

    const asl = resolveAsl(template, 'Pipeline');
    expect(asl.definition.States.Validate!.Resource).toBe(`arn:aws:imported:us-east-1:${ACCOUNT}:${logicalId}`);
    const trace = await runStateMachine(asl, { dataUri: 's3://b/k' }, { lambdas: { ValidateData: async (payload) => ({ objects: 2, echo: payload }) } });
    expect(trace.output).toEqual({ dataUri: 's3://b/k', data: { objects: 2, echo: { dataUri: 's3://b/k' } }, again: { objects: 2 } });
    expect(trace.calls.map((c) => c.functionLogicalId)).toEqual([logicalId, logicalId]);

    const typed = resolveAsl(template, 'Pipeline', { producers: [Template.fromStack(runtime).toJSON() as CfnTemplateJson] });
    expect(typed.definition.States.Validate!.Resource).toBe(`arn:aws:lambda:us-east-1:${ACCOUNT}:function:${logicalId}`);
  });
});

describe('resolveAsl on hand-written templates', () => {
  const machine = (definitionString: unknown, path = 'S/Machine/Resource') => ({
    Type: 'AWS::StepFunctions::StateMachine',
    Properties: { DefinitionString: definitionString },
    Metadata: { 'aws:cdk:path': path },
  });
  const pass = (result: unknown) => ({ 'Fn::Join': ['', ['{"StartAt":"P","States":{"P":{"Type":"Pass","End":true,"Result":', result, '}}}']] });

  it('resolves nested Join, Select, Split and Sub, pseudo parameters, parameters and non-CDK imports', () => {
    const template: CfnTemplateJson = {
      Parameters: { Stage: { Type: 'String', Default: 'dev' }, Secret: { Type: 'String' } },
      Resources: {
        Queue1: { Type: 'AWS::SQS::Queue' },
        Table1: { Type: 'AWS::DynamoDB::Table' },
        Machine: machine(
          pass({
            'Fn::Join': [
              '',
              [
                '{"a":"',
                { 'Fn::Select': [1, { 'Fn::Split': ['|', { 'Fn::Join': ['|', ['x', { Ref: 'AWS::Region' }, 'z']] }] }] },
                '","b":"',
                { 'Fn::Sub': ['${AWS::Partition}:${AWS::AccountId}:${AWS::URLSuffix}:${Stage}:${Secret}:${Table1.Arn}:${!Literal}:${V}', { V: { Ref: 'Queue1' } }] },
                '","c":"',
                { 'Fn::ImportValue': 'shared-vpc-id' },
                '","d":"',
                { 'Fn::GetStackOutput': { StackName: 'Other', OutputName: 'PublishOutputRefTable1ABCDEF12' } },
                '","e":"',
                { 'Fn::GetAtt': 'Table1.StreamArn' },
                '"}',
              ],
            ],
          }),
        ),
      },
    };
    const { definition, arnToLogicalId } = resolveAsl(template, 'Machine');
    expect(definition.States.P!.Result).toEqual({
      a: 'us-east-1',
      b: `aws:${ACCOUNT}:amazonaws.com:dev:fake-Secret:arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Table1:\${Literal}:https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/Queue1`,
      c: 'fake-shared-vpc-id',
      d: 'fake-Table1',
      e: 'fake-Table1.StreamArn',
    });
    expect(arnToLogicalId).toEqual({
      [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Table1`]: 'Table1',
      [`https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/Queue1`]: 'Queue1',
      'fake-Table1': 'Table1',
      'fake-Table1.StreamArn': 'Table1',
    });
  });

  it('accepts a plain string DefinitionString', () => {
    expect(aslFromTemplate({ Resources: { M: machine('{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}') } }, 'M')).toEqual({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
  });

  it('throws listing the candidates when not exactly one state machine matches', () => {
    const template = { Resources: { One: machine('{}', 'S/One/Resource'), Two: machine('{}', 'S/Two/Resource'), Bucket: { Type: 'AWS::S3::Bucket' } } };
    expect(() => resolveAsl(template, 'Three')).toThrow(
      new AslResolutionError('expected one state machine whose logical id or aws:cdk:path contains "Three", found 0. State machines in the template: One (S/One/Resource), Two (S/Two/Resource)'),
    );
    expect(() => resolveAsl(template, 'S/')).toThrow(/found 2\. State machines in the template: One \(S\/One\/Resource\), Two/);
  });

  it('throws InvalidAslError with the validator’s errors', () => {
    const template = { Resources: { M: machine('{"StartAt":"Missing","States":{"P":{"Type":"Task","Resource":"not-an-arn","End":true}}}') } };
    const error = (() => {
      try {
        resolveAsl(template, 'M');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidAslError);
    expect((error as InvalidAslError).errors.join('\n')).toMatch(/SCHEMA_VALIDATION_FAILED|MISSING_TRANSITION_TARGET/);
  });

  it('throws naming an unresolvable intrinsic and where it is', () => {
    expect(() => resolveAsl({ Resources: { M: machine(pass({ 'Fn::Base64': 'x' })) } }, 'M')).toThrow(/M\.DefinitionString\.Fn::Join\[1\]\[1\]\.Fn::Base64: the intrinsic Fn::Base64 is not supported/);
    expect(() => resolveAsl({ Resources: { M: machine(pass({ Ref: 'Nope' })) } }, 'M')).toThrow(/Ref to Nope, which is neither a resource nor a parameter/);
  });
});

describe('runStateMachine on hand-written definitions', () => {
  it('refuses JSONata, which aws-local-stepfunctions would silently ignore', async () => {
    const definition: AslDefinition = { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Output: '{% 1 + 1 %}', End: true } } };
    await expect(runStateMachine(definition, {})).rejects.toThrow(/uses JSONata/);
  });

  it('rejects a definition that does not validate, before running anything', async () => {
    const definition: AslDefinition = { StartAt: 'P', States: { P: { Type: 'Pass', Next: 'Nowhere' } } };
    await expect(runStateMachine(definition, {})).rejects.toThrow(InvalidAslError);
  });

  it('reports a Fail state without Error or Cause as AWS does: with neither', async () => {
    const bare: AslDefinition = { StartAt: 'Stop', States: { Stop: { Type: 'Fail' } } };
    const trace = await runStateMachine(bare, {});
    expect(trace.status).toBe('FAILED');
    expect(trace).not.toHaveProperty('error');
    expect(trace).not.toHaveProperty('cause');
    const named: AslDefinition = { StartAt: 'Stop', States: { Stop: { Type: 'Fail', Error: 'GateFailed', CausePath: '$.why' } } };
    expect(await runStateMachine(named, { why: 'auc too low' })).toMatchObject({ status: 'FAILED', error: 'GateFailed', cause: 'auc too low' });
  });

  it('waits for no real time in Map and Parallel inner states, and routes their tasks', async () => {
    const definition: AslDefinition = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: { StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 3600, Next: 'Double' }, Double: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:DoubleFunctionAB12CD34`, 'Payload.$': '$' }, OutputPath: '$.Payload', End: true } } },
          End: true,
        },
      },
    };
    const started = performance.now();
    const trace = await runStateMachine(definition, { items: [1, 2, 3] }, { lambdas: { DoubleFunction: async (n) => Number(n) * 2 } });
    expect(trace.output).toEqual([2, 4, 6]);
    expect(trace.calls.map((c) => c.functionLogicalId)).toEqual(Array(3).fill('DoubleFunctionAB12CD34'));
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
