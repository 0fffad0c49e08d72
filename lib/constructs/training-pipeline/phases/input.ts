import { Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { ModelConfig } from '../../../config';

/** Why a run was started: the `reason` every execution input names. */
export const RUN_REASONS = ['schedule', 'new-data', 'drift', 'manual'] as const;

export interface RunInputProps {
  /** The model the pipeline trains. */
  readonly model: ModelConfig;
  /** The data a run trains on when its input names none (`s3://<curated>/<model>/`). */
  readonly defaultDataUri: string;
  /** `s3://…/sourcedir.tar.gz` of the training code, for SageMaker script mode. */
  readonly sourceDirUri: string;
  /** What runs once the input is valid: it finds the run at `$.run`. */
  readonly next: sfn.IChainable;
}

/**
 * The input phase: checks the execution input, refuses a malformed one, and resolves the run
 * (`$.run`: a short id, the reason, the data and the hyperparameters, the execution's over the
 * configured ones). Returns its first state.
 */
export function runInput(scope: Construct, props: RunInputProps): sfn.IChainable {
  const { model } = props;
  const defaults = new sfn.Pass(scope, 'ApplyDefaults', {
    parameters: {
      'input.$': '$',
      // The input is merged over these; hyperparameters are merged key by key, below.
      defaults: { dataUri: props.defaultDataUri, hyperparameters: {} },
      configuredHyperparameters: {
        ...model.training.hyperparameters,
        // SageMaker script mode: the framework container downloads and runs this code.
        sagemaker_program: model.training.entryPoint.split('/').pop()!,
        sagemaker_submit_directory: props.sourceDirUri,
        sagemaker_region: Stack.of(scope).region,
      },
    },
  });
  const invalidInput = new sfn.Fail(scope, 'InvalidInput', {
    error: 'InvalidInput',
    cause: `input must be {"reason": ${RUN_REASONS.map((r) => `"${r}"`).join(' | ')}, "dataUri"?: "s3://…", "hyperparameters"?: {…}}`,
  });
  const reasonOk = sfn.Condition.or(...RUN_REASONS.map((r) => sfn.Condition.stringEquals('$.input.reason', r)));
  const dataUriOk = sfn.Condition.or(sfn.Condition.not(sfn.Condition.isPresent('$.input.dataUri')), sfn.Condition.stringMatches('$.input.dataUri', 's3://*'));
  // Not(IsNull) rather than `IsNull: false`: the same in Step Functions, and aws-local-stepfunctions
  // (which runs this definition in the tests) evaluates every `Is*: false` rule as false.
  const hyperparametersOk = sfn.Condition.or(sfn.Condition.not(sfn.Condition.isPresent('$.input.hyperparameters')), sfn.Condition.not(sfn.Condition.isNull('$.input.hyperparameters')));
  const checkInput = new sfn.Choice(scope, 'CheckInput');
  const resolve = new sfn.Pass(scope, 'ResolveRun', {
    parameters: {
      'args.$': 'States.JsonMerge($.defaults, $.input, false)',
      'configuredHyperparameters.$': '$.configuredHyperparameters',
      // A short unique id: SageMaker job names are at most 63 characters.
      'id.$': "States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 0)",
    },
  });
  const run = new sfn.Pass(scope, 'MergeHyperparameters', {
    parameters: {
      'id.$': '$.id',
      'reason.$': '$.args.reason',
      'dataUri.$': '$.args.dataUri',
      'hyperparameters.$': 'States.JsonMerge($.configuredHyperparameters, $.args.hyperparameters, false)',
    },
    resultPath: '$.run',
  });
  const keepRun = new sfn.Pass(scope, 'StartRun', { parameters: { 'run.$': '$.run' } });
  resolve.next(run).next(keepRun).next(props.next);
  return defaults.next(checkInput.when(sfn.Condition.and(sfn.Condition.isPresent('$.input.reason'), reasonOk, dataUriOk, hyperparametersOk), resolve).otherwise(invalidInput));
}
