import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { artifactPrefix } from '../../../contract';
import { invokeFunction } from '../../workflow/steps';
import type { TrainingPhaseContext } from './context';

/** A feature the drift baseline describes, with its kind. */
export interface BaselineFeature {
  /** The feature's name. */
  readonly name: string;
  /** Numeric features are binned; categorical ones are counted by value. */
  readonly kind: 'numeric' | 'categorical';
}

export interface EvaluationPhaseProps {
  /** The shared function that computes the drift baseline. */
  readonly baseline: lambda.IFunction;
  /** The shared function that evaluates the trained model. */
  readonly evaluate: lambda.IFunction;
  /** The features the baseline describes, in the endpoint's order. @default - inferred from the data's header */
  readonly baselineFeatures?: readonly BaselineFeature[];
  /** What runs next: it finds the baseline at `$.baseline` and the metrics at `$.evaluation.metrics`. */
  readonly next: sfn.IChainable;
}

/** The evaluation phase: compute the drift baseline of the training data, then evaluate the model. Returns its first state. */
export function evaluationPhase(scope: Construct, context: TrainingPhaseContext, props: EvaluationPhaseProps): sfn.IChainable {
  const { model, at, failure } = context;
  const bucket = at.artifactsBucket;
  const outputUri = `States.Format('s3://${bucket}/${artifactPrefix('models', model.name)}{}/output/output.tar.gz', $.train.TrainingJobName)`;
  const baseline = invokeFunction(
    scope,
    'Baseline',
    props.baseline,
    {
      model: model.name,
      dataUri: sfn.JsonPath.format(`s3://${bucket}/${artifactPrefix('runs', model.name)}{}/processed/train/`, sfn.JsonPath.executionName),
      outputUri: sfn.JsonPath.stringAt(outputUri),
      baselineUri: sfn.JsonPath.format(`s3://${bucket}/${artifactPrefix('baselines', model.name)}{}.json`, sfn.JsonPath.stringAt('$.run.id')),
      ...(props.baselineFeatures ? { features: props.baselineFeatures } : {}),
    },
    '$.baseline',
  );
  const evaluate = invokeFunction(scope, 'Evaluate', props.evaluate, { model: model.name, outputUri: sfn.JsonPath.stringAt(outputUri) }, '$.evaluation');
  for (const task of [baseline, evaluate]) failure.catchInto(task);
  baseline.next(evaluate).next(props.next);
  return baseline;
}
