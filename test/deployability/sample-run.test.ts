import { describe, expect, it } from 'vitest';
import { evaluateExpression, evaluateParameters, SAMPLE } from './sample-run';

const state = { run: { id: SAMPLE.runId }, plan: { resourceName: 'gantry-prod-churn-v3-1a2b3c4d', version: 3 } };
const context = { Execution: { Name: SAMPLE.executionName, Id: 'arn:aws:states:us-east-1:111111111111:execution:m:e' } };

describe('the sample-run evaluator of Step Functions Parameters', () => {
  it.each([
    ["States.Format('gantry-prod-churn-train-{}', $.run.id)", 'gantry-prod-churn-train-1a2b3c4d'],
    ["States.Format('s3://bucket/runs/churn/{}/processed/train/', $$.Execution.Name)", `s3://bucket/runs/churn/${SAMPLE.executionName}/processed/train/`],
    ["States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 0)", SAMPLE.runId],
    ["States.Format('{}', $.plan.version)", '3'],
    ["States.Format('literal \\{\\} and {}', $.run.id)", 'literal {} and 1a2b3c4d'],
    ['$.plan.resourceName', 'gantry-prod-churn-v3-1a2b3c4d'],
    ['States.MathAdd($.plan.version, 1)', 4],
  ])('%s → %s', (expression, expected) => {
    expect(evaluateExpression(expression, state, context)).toEqual(expected);
  });

  it('leaves a value undefined when a path has no sample, rather than inventing one', () => {
    expect(evaluateExpression("States.Format('x-{}', $.missing.id)", state, context)).toBeUndefined();
  });

  it('evaluates `.$` keys anywhere in the Parameters and keeps the rest', () => {
    expect(evaluateParameters({ 'ModelName.$': '$.plan.resourceName', Tags: [{ Key: 'Model', Value: 'churn' }, { Key: 'ExecutionId', 'Value.$': '$$.Execution.Id' }] }, state, context)).toEqual({
      ModelName: 'gantry-prod-churn-v3-1a2b3c4d',
      Tags: [{ Key: 'Model', Value: 'churn' }, { Key: 'ExecutionId', Value: context.Execution.Id }],
    });
  });

  it('throws for an intrinsic it does not know, naming it', () => {
    expect(() => evaluateExpression('States.Hash($.run.id, "SHA-256")', state, context)).toThrow(/States\.Hash/);
  });
});
