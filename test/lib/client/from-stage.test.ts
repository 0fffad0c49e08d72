import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GantryClient, ServingContractError, UnknownModelError } from '../../../lib/client';
import type { ModelServingContract } from '../../../lib/contract';
import { FakeSageMakerRuntime, ok } from '../../support/fake-sagemaker-runtime';

// SSM has no local engine here, so it is mocked and each request is asserted in full.
const ssm = new SSMClient({ region: 'us-east-1', credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' } });
const ssmMock = mockClient(ssm);

const CHURN: ModelServingContract = {
  model: 'churn',
  endpointName: 'gantry-dev-churn',
  contentType: 'text/csv',
  features: { group: 'customer', names: ['tenure', 'plan'] },
};
const RANKER: ModelServingContract = { model: 'ranker', endpointName: 'gantry-dev-ranker', contentType: 'application/json' };
const CHURN_PARAMETER = '/gantry/dev/models/churn/serving';
const RANKER_PARAMETER = '/gantry/dev/models/ranker/serving';

function parameter(name: string, value: string) {
  return { Parameter: { Name: name, Type: 'String' as const, Value: value, Version: 1 } };
}

let fake: FakeSageMakerRuntime;
let runtime: SageMakerRuntimeClient;

beforeAll(async () => {
  fake = await FakeSageMakerRuntime.start();
  runtime = fake.client();
});

afterAll(async () => {
  ssmMock.restore();
  ssm.destroy();
  await fake.close();
});

beforeEach(() => {
  ssmMock.reset();
  fake.reset();
});

describe('GantryClient.fromStage', () => {
  it('reads each named model\'s contract with one exact GetParameter, once, on first use', async () => {
    ssmMock
      .on(GetParameterCommand, { Name: CHURN_PARAMETER })
      .resolves(parameter(CHURN_PARAMETER, JSON.stringify(CHURN)))
      .on(GetParameterCommand, { Name: RANKER_PARAMETER })
      .resolves(parameter(RANKER_PARAMETER, JSON.stringify(RANKER)));
    fake.always(ok('0.5', 'v3'));

    const gantry = GantryClient.fromStage('dev', { models: ['churn', 'ranker'], ssm, runtime });
    expect(ssmMock.calls()).toHaveLength(0);

    const first = await gantry.predict({ model: 'churn', features: [{ plan: 'pro', tenure: 4 }] });
    await gantry.predict({ model: 'ranker', features: [{ x: 1 }] });

    const inputs = ssmMock.commandCalls(GetParameterCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([{ Name: CHURN_PARAMETER }, { Name: RANKER_PARAMETER }]);
    expect(ssmMock.calls()).toHaveLength(2);
    expect(first).toMatchObject({ endpointName: 'gantry-dev-churn', predictions: [[0.5]], modelVersion: 3 });
    expect(fake.requests.map((r) => [r.endpointName, r.contentType, r.body])).toEqual([
      ['gantry-dev-churn', 'text/csv', '4,pro'],
      ['gantry-dev-ranker', 'application/json', '{"instances":[{"x":1}]}'],
    ]);
  });

  it('throws UnknownModelError for a model it was not asked to load', async () => {
    ssmMock.on(GetParameterCommand).resolves(parameter(CHURN_PARAMETER, JSON.stringify(CHURN)));
    const gantry = GantryClient.fromStage('dev', { models: ['churn'], ssm, runtime });

    await expect(gantry.predict({ model: 'fraud', features: [{ a: 1 }] })).rejects.toThrow(UnknownModelError);
    expect(fake.requests).toHaveLength(0);
  });

  it('throws ServingContractError naming a missing parameter', async () => {
    ssmMock.on(GetParameterCommand).rejects(new ParameterNotFound({ message: '', $metadata: { httpStatusCode: 400 } }));
    const gantry = GantryClient.fromStage('dev', { models: ['churn'], ssm, runtime });

    const error = await gantry.predict({ model: 'churn', features: [{ tenure: 1, plan: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServingContractError);
    expect(error).toMatchObject({ name: 'ServingContractError', parameterName: CHURN_PARAMETER });
    expect((error as Error).message).toBe(
      `serving contract ${CHURN_PARAMETER}: parameter not found; is model "churn" deployed to stage "dev"?`,
    );
    expect(ssmMock.commandCalls(GetParameterCommand)[0].args[0].input).toEqual({ Name: CHURN_PARAMETER });
    expect(fake.requests).toHaveLength(0);
  });

  const invalid: { name: string; value: string; message: RegExp }[] = [
    { name: 'invalid JSON', value: '{"model": "churn",', message: /value is not valid JSON/ },
    { name: 'a JSON array', value: '[]', message: /value must be a JSON object/ },
    { name: 'another model\'s contract', value: JSON.stringify({ ...CHURN, model: 'ranker' }), message: /model must be "churn" \(got "ranker"\)/ },
    { name: 'an unknown content type', value: JSON.stringify({ ...CHURN, contentType: 'text/plain' }), message: /contentType must be one of text\/csv, application\/json \(got "text\/plain"\)/ },
    { name: 'no endpoint name', value: JSON.stringify({ ...CHURN, endpointName: '' }), message: /endpointName must be a non-empty string/ },
    { name: 'empty feature names', value: JSON.stringify({ ...CHURN, features: { group: 'customer', names: [] } }), message: /features.names must be a non-empty array/ },
  ];
  it.each(invalid)('throws ServingContractError naming the parameter on $name', async ({ value, message }) => {
    ssmMock.on(GetParameterCommand).resolves(parameter(CHURN_PARAMETER, value));
    const gantry = GantryClient.fromStage('dev', { models: ['churn'], ssm, runtime });

    const error = await gantry.predict({ model: 'churn', features: [{ tenure: 1, plan: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServingContractError);
    expect((error as Error).message).toContain(CHURN_PARAMETER);
    expect((error as Error).message).toMatch(message);
    expect(fake.requests).toHaveLength(0);
  });

  it('tries SSM again on the next call after a failed load', async () => {
    ssmMock
      .on(GetParameterCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves(parameter(CHURN_PARAMETER, JSON.stringify(CHURN)));
    fake.always(ok('1', 'v1'));
    const gantry = GantryClient.fromStage('dev', { models: ['churn'], ssm, runtime });

    await expect(gantry.predict({ model: 'churn', features: [{ tenure: 1, plan: 'x' }] })).rejects.toThrow(/could not be read.*Rate exceeded/);
    await expect(gantry.predict({ model: 'churn', features: [{ tenure: 1, plan: 'x' }] })).resolves.toMatchObject({ modelVersion: 1 });
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(2);
  });
});
