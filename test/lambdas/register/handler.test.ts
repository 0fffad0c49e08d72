import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoRegistry } from '../../../lambdas/adapters/dynamo-registry';
import { handler, makeHandler } from '../../../lambdas/register/handler';
import { ENV } from '../../../lib/contract';
import { localRegistryTable } from '../../support/local-data';

const event = {
  model: 'churn',
  artifactUri: 's3://gantry-dev-artifacts/churn/train-1/output/model.tar.gz',
  imageUri: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.5.1-cpu-py311',
  metrics: { auc: 0.91, logloss: 0.31 },
  hyperparameters: { epochs: '20' },
  dataInputs: [{ uri: 's3://gantry-dev-curated/churn/2026-11-01.csv', versionId: '3HL4kqtJlcpXroDTDmJ' }],
  trainingJobArn: 'arn:aws:sagemaker:us-east-1:111111111111:training-job/churn-train-1',
  baselineUri: 's3://gantry-dev-artifacts/baselines/churn/train-1.json',
  createdBy: 'arn:aws:states:us-east-1:111111111111:execution:gantry-dev-churn-training:train-1',
};

describe('register handler', () => {
  let client: DynamoDBClient;
  let tableName: string;

  beforeAll(async () => {
    ({ client, tableName } = await localRegistryTable());
  });

  it('registers the version with its full lineage and returns its number', async () => {
    const registry = new DynamoRegistry({ client, tableName });
    const result = await makeHandler({ registry })(event);
    expect(result).toEqual({ model: 'churn', version: 1, status: 'Registered', artifactUri: event.artifactUri });
    expect(await registry.getVersion('churn', 1)).toMatchObject({ ...event, version: 1, status: 'Registered' });
  });

  it('approves the version right away when the pipeline says it passed the gate (training.approval auto)', async () => {
    const registry = new DynamoRegistry({ client, tableName });
    const result = await makeHandler({ registry })({ ...event, model: 'churn-auto', approval: { reason: 'auc 0.91 >= 0.7' } });
    expect(result).toEqual({ model: 'churn-auto', version: 1, status: 'Approved', artifactUri: event.artifactUri });
    expect(await registry.getVersion('churn-auto', 1)).toMatchObject({ status: 'Approved', statusReason: 'auc 0.91 >= 0.7' });
    expect((await registry.history('churn-auto')).map((e) => [e.type, e.actor])).toEqual([
      ['Registered', event.createdBy],
      ['Approved', event.createdBy],
    ]);
  });

  it.each([[{}], [{ reason: '' }], [{ reason: 'ok', by: 'me' }], ['yes']])('refuses a malformed approval %j and writes nothing', async (approval) => {
    const registry = new DynamoRegistry({ client, tableName });
    await expect(makeHandler({ registry })({ ...event, model: 'churn-bad-approval', approval })).rejects.toThrow(/approval: must be \{"reason": "<non-empty text>"\}/);
    await expect(registry.listVersions('churn-bad-approval')).rejects.toThrow(/no registered versions/);
  });

  it('runs as deployed: the exported handler reads its table from the environment', async () => {
    process.env[ENV.registryTable] = tableName;
    // The SDK's standard variable points the handler's own client at DynamoDB Local.
    process.env.AWS_ENDPOINT_URL_DYNAMODB = inject('dynamoEndpoint');
    try {
      const result = await handler({ ...event, model: 'churn-env' });
      expect(result.version).toBe(1);
    } finally {
      delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    }
  });

  it.each([
    [{ ...event, artifactUri: 'model.tar.gz' }, /artifactUri: must be an s3:\/\/bucket\/key URI/],
    [{ ...event, metrics: { auc: 'high' } }, /metrics\.auc: expected number, got string/],
    [{ ...event, model: undefined }, /model: expected string \(missing\)/],
    ['not an object', /\(root\): expected object, got string/],
    [{ ...event, surprise: true }, /unknown key\(s\) surprise/],
  ])('throws InvalidRegistrationError for bad event %#, writing nothing', async (bad, message) => {
    const registry = new DynamoRegistry({ client, tableName });
    const before = (await client.send(new ScanCommand({ TableName: tableName }))).Count;
    await expect(makeHandler({ registry })(bad)).rejects.toMatchObject({ name: 'InvalidRegistrationError', message: expect.stringMatching(message) });
    expect((await client.send(new ScanCommand({ TableName: tableName }))).Count).toBe(before);
  });
});
