import { beforeAll, describe, expect, it } from 'vitest';
import type { StageConfigInput } from '../../lib/config';
import { prod } from '../../lib/config/stages/prod';
import { describeFailures } from './report';
import { simulate, type StageSimulation } from './simulate';

/*
 * One lake serves every model of a stage, so each model's SageMaker roles must stay inside
 * that model's prefixes. The shipped stages have one model each; this stage has two, churn
 * and fraud (neither name a prefix of the other), so a role of one can be tried on the other's
 * folders: artifacts (models/, checkpoints/, runs/, compiled/) and captured traffic.
 */

// Compiled by Neo (so the compile job's compiled/ folder is exercised too): Neo compiles
// PyTorch 1.13 for ml_inf2, in us-east-2.
const churn = { ...prod.models![0]!, framework: { name: 'pytorch' as const, version: '1.13' }, serving: { ...prod.models![0]!.serving, compiler: 'neo' as const } };
const twoModels: StageConfigInput = {
  ...prod,
  region: 'us-east-2',
  name: 'isolation',
  models: [churn, { ...churn, name: 'fraud', description: 'Flags orders that are likely fraudulent' }],
};

let simulation: StageSimulation;
beforeAll(async () => {
  simulation = await simulate(twoModels);
});
const isolation = () => simulation.results.filter((r) => r.request.rule === 'model-isolation');
const roleKind = (id: string) => (id.includes('/EndpointRole/') ? 'endpoint' : id.includes('/JobRole/') ? 'job' : 'other');
const keyOf = (arn: string) => arn.replace(/^arn:[\w-]+:s3:::[^/]+\/?/, '');

describe('model isolation in a stage with the models churn and fraud', () => {
  it("every run-time request of both models' SageMaker roles is allowed", () => {
    const allowed = simulation.results.filter((r) => r.request.expect !== 'deny' && roleKind(r.request.principal.id) !== 'other');
    expect(new Set(simulation.tasks.map((t) => t.modelName))).toEqual(new Set(['churn', 'fraud']));
    expect(new Set(allowed.map((r) => r.request.principal.id.split('/')[1]))).toEqual(new Set(['Model-churn', 'Model-fraud']));
    expect(describeFailures(allowed)).toBe('');
  });

  it("a model's job role cannot write the other model's models/, checkpoints/, runs/ or compiled/ folders", () => {
    const writes = isolation().filter((r) => roleKind(r.request.principal.id) === 'job' && r.request.action === 's3:PutObject');
    const areas = new Set(writes.map((r) => keyOf(r.request.resource).split('/')[0]));
    expect(areas).toEqual(new Set(['models', 'checkpoints', 'runs', 'compiled']));
    expect(describeFailures(writes)).toBe('');
  });

  it("a model's job role cannot list or read the other model's artifact folders", () => {
    const reads = isolation().filter((r) => roleKind(r.request.principal.id) === 'job' && r.request.action !== 's3:PutObject');
    expect(reads.some((r) => r.request.action === 's3:ListBucket')).toBe(true);
    expect(describeFailures(reads)).toBe('');
  });

  it("a model's endpoint role cannot read the other model's artifacts nor write its captured traffic", () => {
    const endpoint = isolation().filter((r) => roleKind(r.request.principal.id) === 'endpoint');
    expect(endpoint.some((r) => r.request.action === 's3:GetObject' && keyOf(r.request.resource).startsWith('compiled/'))).toBe(true);
    expect(endpoint.some((r) => r.request.action === 's3:PutObject')).toBe(true);
    expect(describeFailures(endpoint)).toBe('');
  });
});
