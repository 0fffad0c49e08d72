/*
 * Step Functions refuses, at CreateStateMachine, an optimized SageMaker integration
 * (`arn:aws:states:::sagemaker:<api>`) whose Parameters hold a field it does not support
 * (SCHEMA_VALIDATION_FAILED). Every such Task of the shipped stages must send only the
 * top-level fields Step Functions documents for its API
 * (lib/constructs/workflow/sagemaker-optimized-parameters.ts); a field outside that list
 * belongs in an aws-sdk integration (`arn:aws:states:::aws-sdk:sagemaker:<api>`), which passes
 * the request to SageMaker as is.
 */
import { describe, expect, it } from 'vitest';
import { optimizedSageMakerApi, SOURCE, undocumentedFields } from '../../lib/constructs/workflow/sagemaker-optimized-parameters';
import { statesOf, synthesized } from './synthesized';

const shipped = synthesized().stateMachines.filter((m) => m.stage.name === 'dev' || m.stage.name === 'prod');

const tasks = shipped.flatMap((machine) =>
  [...statesOf(machine.definition)].flatMap(([state, s]) => {
    const api = s.Type === 'Task' ? optimizedSageMakerApi(String(s.Resource)) : undefined;
    return api === undefined ? [] : [{ label: `${machine.name} ${state} (sagemaker:${api})`, api, parameters: (s.Parameters ?? s.Arguments ?? {}) as Record<string, unknown> }];
  }),
);

describe(`optimized SageMaker integrations send only the fields Step Functions documents (${SOURCE.url}, read ${SOURCE.read})`, () => {
  it('finds the optimized SageMaker tasks of both shipped stages', () => {
    expect(tasks.length).toBeGreaterThan(0);
    expect(new Set(shipped.map((m) => m.stage.name))).toEqual(new Set(['dev', 'prod']));
  });

  it.each(tasks.map((t) => [t.label, t] as const))('%s', (_label, { api, parameters }) => {
    expect(undocumentedFields(api, parameters), `not documented for sagemaker:${api}; use arn:aws:states:::aws-sdk:sagemaker:${api}`).toEqual([]);
  });
});
