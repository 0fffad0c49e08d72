import { describe, expect, it } from 'vitest';
import { buildPlan, checkDeployable, checkEndpoint, needsOwnerCheck, parseDeployInput, type EndpointDecision, type EndpointState, type ResolvedDeployInput } from '../../../../lambdas/core/deploy/plan';
import type { ModelVersion, Pointers, VersionStatus } from '../../../../lambdas/core/registry/model';
import type { PrepareDeployEvent } from '../../../../lib/contract';

const workflow = { model: 'churn', target: 'inf2', defaultStrategy: 'canary' } as const;

function version(n: number, status: VersionStatus, compiled = true): ModelVersion {
  return {
    model: 'churn',
    version: n,
    status,
    artifactUri: `s3://artifacts/churn/${n}/model.tar.gz`,
    ...(compiled ? { compiledArtifactUri: `s3://artifacts/churn/${n}/compiled.tar.gz` } : {}),
    imageUri: 'registry.example/serve:1',
    metrics: {},
    hyperparameters: {},
    dataInputs: [],
    createdBy: 'test',
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:00.000Z',
  };
}

const input = (overrides: Partial<ResolvedDeployInput> = {}): ResolvedDeployInput => ({ model: 'churn', version: 2, strategy: 'canary', rollback: false, ...overrides });

describe('parseDeployInput', () => {
  it.each<[unknown, Partial<typeof workflow> | Record<string, string>, ResolvedDeployInput]>([
    [{ model: 'churn', version: 2 }, {}, { model: 'churn', version: 2, strategy: 'canary', rollback: false }],
    [{ model: 'churn', version: 2, strategy: 'linear' }, {}, { model: 'churn', version: 2, strategy: 'linear', rollback: false }],
    [{ model: 'churn', version: 1, rollback: true }, {}, { model: 'churn', version: 1, strategy: 'all-at-once', rollback: true }],
    [{ model: 'churn', version: 1, rollback: false, reason: 'r', requestedBy: 'alice' }, {}, { model: 'churn', version: 1, strategy: 'canary', rollback: false, reason: 'r', requestedBy: 'alice' }],
    [{ model: 'churn', version: 999_999 }, { target: 'serverless', defaultStrategy: 'all-at-once' }, { model: 'churn', version: 999_999, strategy: 'all-at-once', rollback: false }],
    [{ model: 'churn', version: 3, rollback: true }, { target: 'serverless', defaultStrategy: 'linear' }, { model: 'churn', version: 3, strategy: 'all-at-once', rollback: true }],
    [{ model: 'churn', version: 3, rollback: true, strategy: 'all-at-once' }, {}, { model: 'churn', version: 3, strategy: 'all-at-once', rollback: true }],
    [{ model: 'churn', version: 3, strategy: 'all-at-once' }, { target: 'serverless', defaultStrategy: 'linear' }, { model: 'churn', version: 3, strategy: 'all-at-once', rollback: false }],
    [{ model: 'churn', version: 2, reason: 'r'.repeat(1024), requestedBy: 'b'.repeat(2048) }, {}, { model: 'churn', version: 2, strategy: 'canary', rollback: false, reason: 'r'.repeat(1024), requestedBy: 'b'.repeat(2048) }],
  ])('resolves %j (workflow %j)', (raw, overrides, expected) => {
    expect(parseDeployInput(raw, { ...workflow, ...overrides } as typeof workflow)).toEqual(expected);
  });

  it.each<[unknown, string]>([
    [{ model: 'churn', version: 2.5 }, 'version: must be a whole number, got 2.5'],
    [{ model: 'churn', version: -1 }, 'version: must be a positive version number, got -1'],
    [{ model: 'churn', version: 2, reason: '' }, 'reason: must not be empty, got ""'],
    [{ model: 'churn', version: 2, requestedBy: 7 }, 'requestedBy: expected string, got 7'],
    [{ model: 'churn', version: 2, strategy: ['canary'] }, 'strategy: must be one of "canary", "linear", "all-at-once", got an array'],
    [{ model: 'Churn', version: 2 }, 'model: this workflow deploys model "churn", got "Churn"'],
    ['churn', '(root): expected object, got "churn"'],
    [null, '(root): expected object, got null'],
    [undefined, '(root): expected object (missing)'],
    [{ model: 'churn' }, 'version: expected number (missing)'],
    [{ model: 'churn', version: null }, 'version: expected number, got null'],
    [{ model: 'churn', version: true }, 'version: expected number, got true'],
    [{ model: 'churn', version: 1_000_000 }, 'version: must be at most 999999, got 1000000'],
    [{ model: 'churn', version: 2, extra: 1 }, '(root): unknown key(s) extra'],
    [{ model: 'churn', version: 2, reason: 'r'.repeat(1025) }, 'reason: must be at most 1024 characters, got a string of 1025 characters'],
    [{ model: 'churn', version: 2, requestedBy: '' }, 'requestedBy: must not be empty, got ""'],
    [{ model: 'churn', version: 2, requestedBy: 'b'.repeat(2049) }, 'requestedBy: must be at most 2048 characters, got a string of 2049 characters'],
    [{ model: 'churn', version: 2, strategy: 's'.repeat(64) }, `strategy: must be one of "canary", "linear", "all-at-once", got "${'s'.repeat(64)}"`],
    [{ model: 'churn', version: 2, strategy: 's'.repeat(65) }, 'strategy: must be one of "canary", "linear", "all-at-once", got a string of 65 characters'],
    [{ model: 'churn', version: 2, rollback: true, strategy: 'canary' }, 'strategy: a rollback is always all-at-once, got "canary"'],
  ])('names the field and value of %j', (raw, issue) => {
    expect(() => parseDeployInput(raw, workflow)).toThrow(expect.objectContaining({ name: 'InvalidDeployInput', message: `invalid deploy input: ${issue}`, issues: [issue] }));
  });

  it.each<[unknown, Partial<typeof workflow> | Record<string, string>, string]>([
    [{ model: 'churn', version: 2 }, { target: 'serverless', defaultStrategy: 'canary' }, 'strategy: serverless endpoints have no deployment guardrails; use all-at-once, got "canary" (the model\'s default)'],
    [{ model: 'churn', version: 2, strategy: 'linear' }, { target: 'serverless', defaultStrategy: 'all-at-once' }, 'strategy: serverless endpoints have no deployment guardrails; use all-at-once, got "linear"'],
  ])('refuses traffic shifting on serverless: %j (workflow %j)', (raw, overrides, issue) => {
    expect(() => parseDeployInput(raw, { ...workflow, ...overrides } as typeof workflow)).toThrow(expect.objectContaining({ name: 'InvalidDeployInput', issues: [issue] }));
  });

  it('reports every bad field at once, with the schema error as the cause', () => {
    let error: unknown;
    try {
      parseDeployInput({ model: 'other', version: 0, reason: '' }, workflow);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      message: 'invalid deploy input: version: must be a positive version number, got 0; reason: must not be empty, got ""; model: this workflow deploys model "churn", got "other"',
    });
    expect((error as Error).cause).toBeDefined();
  });
});

describe('checkDeployable', () => {
  it.each<[string, ResolvedDeployInput, ModelVersion, Pointers, PrepareDeployEvent['target'], string]>([
    ['inf2 serves the compiled artifact', input(), version(2, 'Approved'), { production: 1, lastGood: undefined }, 'inf2', 's3://artifacts/churn/2/compiled.tar.gz'],
    ['gpu serves the trained artifact', input(), version(2, 'Approved'), {}, 'gpu', 's3://artifacts/churn/2/model.tar.gz'],
    ['serverless needs no compiled artifact', input(), version(2, 'Approved', false), {}, 'serverless', 's3://artifacts/churn/2/model.tar.gz'],
    ['a rollback to last-good (Archived)', input({ version: 1, rollback: true }), version(1, 'Archived'), { production: 2, lastGood: 1 }, 'inf2', 's3://artifacts/churn/1/compiled.tar.gz'],
  ])('allows %s', (_case, deployInput, found, pointers, target, artifactUri) => {
    expect(checkDeployable(deployInput, found, pointers, target)).toEqual({ artifactUri, imageUri: 'registry.example/serve:1' });
  });

  it.each<[string, boolean, PrepareDeployEvent['compiler'] | undefined, string]>([
    ['neuronx traces the trained artifact at load', false, 'neuronx', 's3://artifacts/churn/2/model.tar.gz'],
    ['neuronx still prefers a compiled artifact', true, 'neuronx', 's3://artifacts/churn/2/compiled.tar.gz'],
    ['neo (the default) serves the compiled artifact', true, undefined, 's3://artifacts/churn/2/compiled.tar.gz'],
  ])('on inf2, %s', (_case, compiled, compiler, artifactUri) => {
    expect(checkDeployable(input(), version(2, 'Approved', compiled), {}, 'inf2', compiler)).toEqual({ artifactUri, imageUri: 'registry.example/serve:1' });
  });

  it.each<[string, ResolvedDeployInput, ModelVersion, Pointers, PrepareDeployEvent['target'], string]>([
    ['a Registered version', input(), version(2, 'Registered'), {}, 'cpu', 'model churn version 2 is Registered: only Approved versions can be deployed (approve it with gantry registry approve --model churn --version 2)'],
    ['a RolledBack version', input(), version(2, 'RolledBack'), { production: 3 }, 'cpu', 'model churn version 2 is RolledBack: only Approved versions can be deployed'],
    ['the production version', input(), version(2, 'Production'), { production: 2 }, 'cpu', 'model churn version 2 is already in production'],
    ['a version marked Production while the pointer moved on', input(), version(2, 'Production'), { production: 3 }, 'cpu', 'model churn version 2 is already in production'],
    ['an Approved version the production pointer names', input(), version(2, 'Approved'), { production: 2 }, 'cpu', 'model churn version 2 is already in production'],
    ['an Archived version outside a rollback', input(), version(2, 'Archived'), { production: 3, lastGood: 2 }, 'cpu', 'model churn version 2 is Archived: only Approved versions can be deployed (an Archived version goes back to production only by a rollback, while it is the last-good version)'],
    ['a rollback to a non-last-good version', input({ rollback: true }), version(2, 'Archived'), { production: 4, lastGood: 3 }, 'cpu', 'model churn cannot roll back to version 2: it is not the last-good version (production: version 4, last-good: version 3)'],
    ['a rollback with nothing in production', input({ rollback: true }), version(2, 'Archived'), { lastGood: 2 }, 'cpu', 'model churn cannot roll back to version 2: no version is in production (production: none, last-good: version 2)'],
    ['inf2 without a compiled artifact', input(), version(2, 'Approved', false), {}, 'inf2', 'model churn version 2 has no Neuron-compiled artifact, which the inf2 target serves: compile it in the training pipeline, or serve the model on another target'],
  ])('refuses %s', (_case, deployInput, found, pointers, target, message) => {
    expect(() => checkDeployable(deployInput, found, pointers, target)).toThrow(expect.objectContaining({ name: 'VersionNotDeployable', message }));
  });
});

describe('checkEndpoint', () => {
  const owner = { model: 'churn', executionArn: 'arn:aws:states:us-east-1:111111111111:execution:gantry-prod-churn-deploy:deploy-2' };
  const ours = { Model: 'churn', ExecutionId: 'arn:aws:states:us-east-1:111111111111:execution:gantry-prod-churn-deploy:deploy-1' };
  const byHand = (why: string, reason = 'bad image') =>
    `EndpointFailed: endpoint e is Failed (${reason}) and was not created by this deploy workflow: ${why}. SageMaker can only delete a Failed endpoint, and Gantry deletes only the endpoints it created: delete it by hand (aws sagemaker delete-endpoint --endpoint-name e), then deploy again`;

  it.each<[string, EndpointState, Record<string, string> | undefined, EndpointDecision | string]>([
    ['no endpoint', { exists: false }, undefined, { action: 'create' }],
    ['an InService endpoint', { exists: true, status: 'InService', configName: 'c' }, undefined, { action: 'update', currentConfigName: 'c' }],
    ['an InService endpoint without a config name', { exists: true, status: 'InService' }, undefined, { action: 'update' }],
    ['a Failed endpoint this workflow created', { exists: true, status: 'Failed', configName: 'e-v1-00000000', failureReason: 'bad image' }, ours, { action: 'replace', failed: { configName: 'e-v1-00000000', failureReason: 'bad image' } }],
    ['a Failed endpoint this workflow created, with no reason or config', { exists: true, status: 'Failed' }, ours, { action: 'replace', failed: {} }],
    ['a Failed endpoint with no tags', { exists: true, status: 'Failed', failureReason: 'bad image' }, {}, byHand('it has no Model tag')],
    ['a Failed endpoint of another model', { exists: true, status: 'Failed', failureReason: 'bad image' }, { ...ours, Model: 'fraud' }, byHand('its Model tag is "fraud", not "churn"')],
    ['a Failed endpoint of another stage', { exists: true, status: 'Failed' }, { ...ours, ExecutionId: 'arn:aws:states:us-east-1:111111111111:execution:gantry-dev-churn-deploy:deploy-1' }, byHand('its ExecutionId tag "arn:aws:states:us-east-1:111111111111:execution:gantry-dev-churn-deploy:deploy-1" is not an execution of this deploy workflow (arn:aws:states:us-east-1:111111111111:execution:gantry-prod-churn-deploy:*)', 'SageMaker gave no reason')],
    ['a Failed endpoint without its ExecutionId tag', { exists: true, status: 'Failed', failureReason: 'bad image' }, { Model: 'churn' }, byHand('it has no ExecutionId tag')],
    ['an Updating endpoint', { exists: true, status: 'Updating' }, undefined, 'EndpointBusy: endpoint e is Updating: a deployment can only start when it is InService or gone; deploy again once it is'],
    ['an UpdateRollbackFailed endpoint', { exists: true, status: 'UpdateRollbackFailed', failureReason: 'quota' }, undefined, 'EndpointBusy: endpoint e is UpdateRollbackFailed (quota): a deployment can only start when it is InService or gone; deploy again once it is'],
    ['a Deleting endpoint, even one this workflow created', { exists: true, status: 'Deleting' }, ours, 'EndpointBusy: endpoint e is Deleting: a deployment can only start when it is InService or gone; deploy again once it is gone'],
  ])('%s', (_case, endpoint, tags, expected) => {
    if (typeof expected !== 'string') expect(checkEndpoint('e', endpoint, owner, tags)).toEqual(expected);
    else expect(() => checkEndpoint('e', endpoint, owner, tags)).toThrow(expect.objectContaining({ name: expected.split(': ')[0], message: expected.slice(expected.indexOf(': ') + 2) }));
  });

  it('needs the tags of a Failed endpoint, and only of a Failed one', () => {
    expect(() => checkEndpoint('e', { exists: true, status: 'Failed' }, owner)).toThrow('checkEndpoint: endpoint e is Failed, and who created it is decided from its tags, which the caller did not read');
    expect(needsOwnerCheck({ exists: true, status: 'Failed' })).toBe(true);
    for (const endpoint of [{ exists: false }, { exists: true, status: 'InService' }, { exists: true, status: 'Deleting' }] as EndpointState[]) expect(needsOwnerCheck(endpoint), JSON.stringify(endpoint)).toBe(false);
  });
});

describe('buildPlan', () => {
  const event: PrepareDeployEvent = {
    action: 'prepare',
    model: 'churn',
    input: {},
    endpointName: 'gantry-prod-churn',
    target: 'gpu',
    instanceType: 'ml.g5.xlarge',
    defaultStrategy: 'canary',
    deploymentId: '0a1b2c3d',
    executionArn: 'arn:aws:states:us-east-1:111111111111:execution:deploy:x',
  };
  const deployable = { artifactUri: 's3://a/m.tar.gz', imageUri: 'i' };

  it.each<[string, ResolvedDeployInput, Pointers, EndpointDecision, Record<string, unknown>]>([
    ['a first deploy', input({ version: 1 }), {}, { action: 'create' }, { resourceName: 'gantry-prod-churn-v1-0a1b2c3d', endpointExists: false, reason: 'deploy of version 1', requestedBy: event.executionArn }],
    ['an update', input({ reason: 'r', requestedBy: 'bob' }), { production: 1 }, { action: 'update', currentConfigName: 'cfg-1' }, { previousVersion: 1, currentConfigName: 'cfg-1', endpointExists: true, reason: 'r', requestedBy: 'bob' }],
    ['an update of an endpoint whose config is unknown', input(), { production: 1 }, { action: 'update' }, { previousVersion: 1, endpointExists: true }],
    ['a rollback', input({ version: 1, rollback: true, strategy: 'all-at-once' }), { production: 2, lastGood: 1 }, { action: 'update', currentConfigName: 'cfg-2' }, { previousVersion: 2, rollback: true, strategy: 'all-at-once', reason: 'rollback to version 1' }],
    [
      'the replacement of a Failed endpoint',
      input({ version: 1 }),
      {},
      { action: 'replace', failed: { configName: 'gantry-prod-churn-v1-00000000', failureReason: 'bad image' } },
      { endpointExists: false, failedEndpoint: { configName: 'gantry-prod-churn-v1-00000000', failureReason: 'bad image' }, resourceName: 'gantry-prod-churn-v1-0a1b2c3d' },
    ],
  ])('plans %s', (_case, deployInput, pointers, endpoint, expected) => {
    const plan = buildPlan({ event, input: deployInput, deployable, pointers, endpoint, instanceTypeChanged: false });
    expect(plan).toMatchObject({ model: 'churn', version: deployInput.version, artifactUri: 's3://a/m.tar.gz', imageUri: 'i', instanceTypeChanged: false, ...expected });
    // Absent, not undefined: the plan travels through the workflow as JSON.
    if (pointers.production === undefined) expect(Object.keys(plan)).not.toContain('previousVersion');
    if (endpoint.action !== 'update' || endpoint.currentConfigName === undefined) expect(Object.keys(plan)).not.toContain('currentConfigName');
    if (endpoint.action !== 'replace') expect(Object.keys(plan)).not.toContain('failedEndpoint');
  });
});
