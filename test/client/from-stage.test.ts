import { DescribeEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GantryClient, ServingContractError, UnknownModelError } from '../../client';
import type { ModelServingContract } from '../../lib/contract';
import { FakeSageMakerRuntime, ok } from '../../tools/local/fake-sagemaker-runtime';

// SSM and SageMaker's control plane have no local engine here, so they are mocked and each request is asserted in full.
const ssm = new SSMClient({ region: 'us-east-1', credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' } });
const ssmMock = mockClient(ssm);
const sagemaker = new SageMakerClient({ region: 'us-east-1', credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' } });
const sagemakerMock = mockClient(sagemaker);

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
  sagemakerMock.restore();
  sagemaker.destroy();
  await fake.close();
});

beforeEach(() => {
  ssmMock.reset();
  sagemakerMock.reset();
  sagemakerMock.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService', EndpointConfigName: 'unnamed-config' });
  fake.reset();
});

describe('GantryClient.fromStage', () => {
  it('reads each named model\'s contract with one exact GetParameter, once, on first use, and each endpoint\'s version', async () => {
    ssmMock
      .on(GetParameterCommand, { Name: CHURN_PARAMETER })
      .resolves(parameter(CHURN_PARAMETER, JSON.stringify(CHURN)))
      .on(GetParameterCommand, { Name: RANKER_PARAMETER })
      .resolves(parameter(RANKER_PARAMETER, JSON.stringify(RANKER)));
    sagemakerMock
      .on(DescribeEndpointCommand, { EndpointName: 'gantry-dev-churn' })
      .resolves({ EndpointStatus: 'InService', EndpointConfigName: 'gantry-dev-churn-v3-1a2b3c4d' })
      .on(DescribeEndpointCommand, { EndpointName: 'gantry-dev-ranker' })
      .resolves({ EndpointStatus: 'InService', EndpointConfigName: 'gantry-dev-ranker-v8-9a8b7c6d' });
    fake.always(ok('0.5'));

    const gantry = GantryClient.fromStage('dev', { models: ['churn', 'ranker'], ssm, runtime, sagemaker });
    expect(ssmMock.calls()).toHaveLength(0);

    const first = await gantry.predict({ model: 'churn', features: [{ plan: 'pro', tenure: 4 }] });
    const second = await gantry.predict({ model: 'ranker', features: [{ x: 1 }] });

    const inputs = ssmMock.commandCalls(GetParameterCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([{ Name: CHURN_PARAMETER }, { Name: RANKER_PARAMETER }]);
    expect(ssmMock.calls()).toHaveLength(2);
    expect(first).toMatchObject({ endpointName: 'gantry-dev-churn', predictions: [[0.5]], variant: 'primary', modelVersion: 3, modelVersionSource: 'endpoint' });
    expect(second).toMatchObject({ endpointName: 'gantry-dev-ranker', modelVersion: 8, modelVersionSource: 'endpoint' });
    expect(sagemakerMock.commandCalls(DescribeEndpointCommand).map((call) => call.args[0].input)).toEqual([{ EndpointName: 'gantry-dev-churn' }, { EndpointName: 'gantry-dev-ranker' }]);
    expect(fake.requests.map((r) => [r.endpointName, r.contentType, r.body])).toEqual([
      ['gantry-dev-churn', 'text/csv', '4,pro'],
      ['gantry-dev-ranker', 'application/json', '{"instances":[{"x":1}]}'],
    ]);
  });

  it('throws UnknownModelError for a model it was not asked to load', async () => {
    ssmMock.on(GetParameterCommand).resolves(parameter(CHURN_PARAMETER, JSON.stringify(CHURN)));
    const gantry = GantryClient.fromStage('dev', { models: ['churn'], ssm, runtime, sagemaker });

    await expect(gantry.predict({ model: 'fraud', features: [{ a: 1 }] })).rejects.toThrow(UnknownModelError);
    expect(fake.requests).toHaveLength(0);
  });

  it('throws ServingContractError naming a missing parameter', async () => {
    ssmMock.on(GetParameterCommand).rejects(new ParameterNotFound({ message: '', $metadata: { httpStatusCode: 400 } }));
    const gantry = GantryClient.fromStage('dev', { models: ['churn'], ssm, runtime, sagemaker });

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
    const gantry = GantryClient.fromStage('dev', { models: ['churn'], ssm, runtime, sagemaker });

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
    fake.always({ ...ok('1'), customAttributes: 'gantry-model-version=1' });
    const gantry = GantryClient.fromStage('dev', { models: ['churn'], ssm, runtime, sagemaker });

    await expect(gantry.predict({ model: 'churn', features: [{ tenure: 1, plan: 'x' }] })).rejects.toThrow(/could not be read.*Rate exceeded/);
    await expect(gantry.predict({ model: 'churn', features: [{ tenure: 1, plan: 'x' }] })).resolves.toMatchObject({ modelVersion: 1, modelVersionSource: 'container' });
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(2);
  });
});

describe('GantryClient.fromStage without a sagemaker client', () => {
  it('creates one, so predictions carry the endpoint\'s version', async () => {
    // Mocks every SageMakerClient, the one fromStage creates included.
    const everySageMaker = mockClient(SageMakerClient);
    try {
      ssmMock.on(GetParameterCommand).resolves(parameter(CHURN_PARAMETER, JSON.stringify(CHURN)));
      everySageMaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService', EndpointConfigName: 'gantry-dev-churn-v6-00ff00ff' });
      fake.always(ok('0.5'));

      const result = await GantryClient.fromStage('dev', { models: ['churn'], ssm, runtime }).predict({ model: 'churn', features: [{ tenure: 1, plan: 'x' }] });

      expect(result).toMatchObject({ modelVersion: 6, modelVersionSource: 'endpoint' });
      expect(everySageMaker.commandCalls(DescribeEndpointCommand).map((call) => call.args[0].input)).toEqual([{ EndpointName: 'gantry-dev-churn' }]);
    } finally {
      everySageMaker.restore();
    }
  });
});
