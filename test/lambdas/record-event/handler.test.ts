import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoRegistry } from '../../../lambdas/adapters/dynamo-registry';
import { handler, makeHandler, MAX_TEXT_BYTES, truncateUtf8 } from '../../../lambdas/record-event/handler';
import { ENV, type RecordEventEvent } from '../../../lib/contract';
import { localRegistryTable } from '../../support/local-data';

const executionArn = 'arn:aws:states:us-east-1:111111111111:execution:gantry-dev-churn-training:train-7';

/** What Step Functions puts in a caught Lambda error's Cause: the error as JSON, stack included. */
function lambdaCause(errorType: string, errorMessage: string, frames: number): string {
  const trace = [`${errorType}: ${errorMessage}`, ...Array.from({ length: frames }, (_, i) => `    at step${i} (file:///var/task/index.mjs:${i + 1}:17)`)];
  return JSON.stringify({ errorType, errorMessage, trace });
}

describe('record-event handler', () => {
  let client: DynamoDBClient;
  let tableName: string;
  let registry: DynamoRegistry;

  beforeAll(async () => {
    ({ client, tableName } = await localRegistryTable());
    registry = new DynamoRegistry({ client, tableName });
  });

  it('appends a Failed event with the caught error, actor = the execution', async () => {
    const cause = lambdaCause('DataNotFoundError', 'no training data at s3://gantry-dev-curated/churn/', 3);
    const event: RecordEventEvent = { model: 'churn', type: 'Failed', reason: 'validate-data failed', executionArn, error: 'DataNotFoundError', cause };
    const recorded = await makeHandler({ registry })(event);
    expect(recorded).toEqual({
      model: 'churn',
      seq: 1,
      type: 'Failed',
      at: expect.any(String),
      actor: executionArn,
      reason: 'validate-data failed',
      details: { error: 'DataNotFoundError', cause },
    });
    expect(await registry.history('churn')).toEqual([recorded]);
  });

  it('appends a GateFailed event about a version, with no error details', async () => {
    const event: RecordEventEvent = { model: 'churn', type: 'GateFailed', reason: "auc 0.71 is below production v3's 0.78 by more than the tolerance 0.005", executionArn, version: 4 };
    const recorded = await makeHandler({ registry })(event);
    expect(recorded).toEqual({ model: 'churn', seq: 2, type: 'GateFailed', at: expect.any(String), actor: executionArn, reason: event.reason, version: 4 });
    expect((await registry.history('churn')).at(-1)).toEqual(recorded);
  });

  it(`stores at most ${MAX_TEXT_BYTES} bytes of a long cause, saying it was cut`, async () => {
    const cause = lambdaCause('ValidationException', 'x'.repeat(200), 400);
    expect(Buffer.byteLength(cause)).toBeGreaterThan(20_000);
    const recorded = await makeHandler({ registry })({ model: 'long-cause', type: 'Failed', reason: 'train failed', executionArn, error: 'States.TaskFailed', cause });
    const [stored] = await registry.history('long-cause');
    const storedCause = (stored!.details as { cause: string }).cause;
    expect(storedCause).toBe((recorded.details as { cause: string }).cause);
    expect(Buffer.byteLength(storedCause)).toBeLessThanOrEqual(MAX_TEXT_BYTES);
    expect(storedCause.startsWith(cause.slice(0, 3000))).toBe(true);
    expect(storedCause).toMatch(new RegExp(`… \\[truncated \\d+ of ${Buffer.byteLength(cause)} bytes\\]$`));
  });

  describe('truncateUtf8', () => {
    it('leaves text within the limit alone', () => {
      expect(truncateUtf8('short', 10)).toBe('short');
      expect(truncateUtf8('é'.repeat(5), 10)).toBe('é'.repeat(5));
    });

    it('never splits a multi-byte character and never exceeds the limit', () => {
      const text = '€'.repeat(2000); // 3 bytes each
      for (const limit of [100, 101, 102, 4096]) {
        const cut = truncateUtf8(text, limit);
        expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(limit);
        expect(cut).not.toContain('\uFFFD');
        expect(cut).toMatch(/^€+… \[truncated \d+ of 6000 bytes\]$/);
        const kept = cut.indexOf('…');
        expect(cut).toContain(`truncated ${6000 - kept * 3} of`);
      }
    });
  });

  it.each([
    [{ model: 'churn', type: 'Exploded', reason: 'r', executionArn }, /type: must be one of "Failed", "GateFailed"/],
    [{ model: 'churn', type: 'Failed', reason: '', executionArn }, /reason: must not be empty/],
    [{ model: 'churn', type: 'Failed', reason: 'r', executionArn: 'train-7' }, /executionArn: must be a Step Functions execution ARN/],
    [{ model: 'churn', type: 'Failed', reason: 'r', executionArn, version: 0 }, /version: must be a positive version number/],
    [{ model: 'churn', type: 'Failed', reason: 'r', executionArn, cause: { Error: 'x' } }, /cause: expected string, got object/],
    [{ model: 'churn', type: 'Failed', reason: 'r', executionArn, Error: 'x' }, /unknown key\(s\) Error/],
  ])('throws InvalidEventError naming the field for bad event %#, writing nothing', async (event, message) => {
    const before = (await client.send(new ScanCommand({ TableName: tableName }))).Count;
    await expect(makeHandler({ registry })(event)).rejects.toMatchObject({ name: 'InvalidEventError', message: expect.stringMatching(message) });
    expect((await client.send(new ScanCommand({ TableName: tableName }))).Count).toBe(before);
  });

  it('runs as deployed: the exported handler reads its table from the environment', async () => {
    process.env[ENV.registryTable] = tableName;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = inject('dynamoEndpoint');
    try {
      await expect(handler({ model: 'churn-env', type: 'Failed', reason: 'r', executionArn })).resolves.toMatchObject({ model: 'churn-env', seq: 1 });
    } finally {
      delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    }
  });
});
