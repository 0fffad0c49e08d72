import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { compilesWithNeo } from '../../../config';
import { PIPELINE_ERRORS } from '../../../contract';
import { invokeFunction } from '../../workflow/steps';
import type { TrainingPhaseContext } from './context';

export interface GatePhaseProps {
  /** The shared function that applies the quality gate against production. */
  readonly gate: lambda.IFunction;
  /** The shared function that registers the version. */
  readonly register: lambda.IFunction;
  /** The shared function that records a registry event (here, a failed gate). */
  readonly recordEvent: lambda.IFunction;
  /** What runs once the version is registered: it finds it at `$.registered`. */
  readonly next: sfn.IChainable;
}

/**
 * The gate phase: apply the quality gate; a version that fails it is recorded and the run
 * fails, one that passes is registered with its lineage. Returns its first state.
 */
export function gatePhase(scope: Construct, context: TrainingPhaseContext, props: GatePhaseProps): sfn.IChainable {
  const { model, failure } = context;
  const gate = invokeFunction(scope, 'QualityGate', props.gate, { model: model.name, metrics: sfn.JsonPath.objectAt('$.evaluation.metrics'), gate: model.gate }, '$.gate');
  const gateFailed = new sfn.Fail(scope, 'GateFailed', { error: PIPELINE_ERRORS.gateFailed, causePath: '$.gate.reason' });
  const recordGateFailure = invokeFunction(scope, 'RecordGateFailure', props.recordEvent, {
    model: model.name,
    type: 'GateFailed',
    reason: sfn.JsonPath.stringAt('$.gate.reason'),
    executionArn: sfn.JsonPath.executionId,
  }, sfn.JsonPath.DISCARD);
  recordGateFailure.next(gateFailed);
  // SageMaker Neo compiles ahead of time; with `neuronx` the Neuron serving container traces
  // the trained model when it loads it, so the pipeline has nothing to compile.
  const compiled = compilesWithNeo(model);
  const register = invokeFunction(
    scope,
    'Register',
    props.register,
    {
      model: model.name,
      artifactUri: sfn.JsonPath.stringAt('$.train.ModelArtifacts.S3ModelArtifacts'),
      imageUri: model.serving.image ?? model.training.image,
      metrics: sfn.JsonPath.objectAt('$.evaluation.metrics'),
      hyperparameters: sfn.JsonPath.objectAt('$.data.hyperparameters'),
      dataInputs: sfn.JsonPath.listAt('$.data.dataInputs'),
      trainingJobArn: sfn.JsonPath.stringAt('$.train.TrainingJobArn'),
      baselineUri: sfn.JsonPath.stringAt('$.baseline.baselineUri'),
      ...(compiled ? { compiledArtifactUri: sfn.JsonPath.stringAt('$.compile.artifactUri') } : {}),
      createdBy: sfn.JsonPath.executionId,
      // training.approval 'auto': passing the quality gate approves the version.
      ...(model.training.approval === 'auto' ? { approval: { reason: sfn.JsonPath.stringAt('$.gate.reason') } } : {}),
    },
    '$.registered',
  );
  for (const task of [gate, register, recordGateFailure]) failure.catchInto(task);
  return gate.next(new sfn.Choice(scope, 'GatePassed').when(sfn.Condition.booleanEquals('$.gate.passed', true), register.next(props.next)).otherwise(recordGateFailure));
}
