// The application client's own cost per predict with 100 entities: online features from
// DynamoDB Local (real BatchGetItem) and a loopback SageMaker endpoint (real runtime client).
// The floor is the same two round trips made by hand (one BatchGetItem, one InvokeEndpoint),
// measured in the same run; overhead = client - floor. Prints {"bench":"feature-lookup",...}.
import { BatchGetItemCommand, CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { DynamoOnlineFeatureStore } from '../lambdas/adapters/online-feature-store';
import { GantryClient } from '../client';
import { featureGroupSpecs, loadStageConfig } from '../lib/config';
import { FEATURE_TABLE } from '../lib/contract';
import { FakeSageMakerRuntime } from '../tools/local/fake-sagemaker-runtime';
import { startDynamo, stopEngine } from '../tools/local/engines';

const ENTITIES = 10_000;
const PER_PREDICT = 100;
const WARMUP = 30;
const ROUNDS = 300;
// The shipped dev stage's feature group: the churn model's features.
const GROUP = featureGroupSpecs(loadStageConfig('dev')).find((g) => g.name === 'customer-activity')!;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function sampleIds(): string[] {
  const ids = new Set<string>();
  while (ids.size < PER_PREDICT) ids.add(`c-${Math.floor(Math.random() * ENTITIES)}`);
  return [...ids];
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function main(): Promise<void> {
  const { engine, endpoint } = await startDynamo();
  const fake = await FakeSageMakerRuntime.start();
  try {
    const dynamo = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
    const tableName = 'bench-features';
    await dynamo.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: FEATURE_TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: FEATURE_TABLE.sortKey, KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: FEATURE_TABLE.partitionKey, AttributeType: 'S' },
          { AttributeName: FEATURE_TABLE.sortKey, AttributeType: 'S' },
        ],
      }),
    );
    await waitUntilTableExists({ client: dynamo, maxWaitTime: 30 }, { TableName: tableName });

    let batchGets = 0;
    dynamo.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'BatchGetItemCommand') batchGets++;
        return next(args);
      },
      { step: 'initialize', name: 'countBatchGets' },
    );
    const store = new DynamoOnlineFeatureStore({ client: dynamo, tableName, groups: [GROUP] });
    const eventTime = new Date(Date.now() - 60_000).toISOString();
    const put = await store.put(
      Array.from({ length: ENTITIES }, (_, i) => ({ entityId: `c-${i}`, group: GROUP.name, eventTime, values: { tenure_months: i % 60, monthly_spend: (i % 200) + 0.5, support_tickets_30d: i % 4, logins_30d: i % 31, plan_tier: i % 3 === 0 ? 'gold' : 'basic' } })),
    );
    if (put.written !== ENTITIES) throw new Error(`seeded ${put.written} of ${ENTITIES} rows`);

    // The container reports its version, so the client makes no DescribeEndpoint lookup.
    fake.always({ status: 200, body: Array.from({ length: PER_PREDICT }, () => '0.42').join('\n'), contentType: 'text/csv', variant: 'primary', customAttributes: 'gantry-model-version=3' });
    const runtime = fake.client({ maxAttempts: 1 });
    const client = new GantryClient({
      stage: 'bench',
      models: { churn: { model: 'churn', endpointName: 'gantry-bench-churn', contentType: 'text/csv', features: { group: GROUP.name, names: GROUP.features.map((f) => f.name) } } },
      runtime,
      features: store,
    });
    const body = new TextEncoder().encode(Array.from({ length: PER_PREDICT }, (_, i) => `${i},1.5,0,3,gold`).join('\n'));
    const floor = async () => {
      await dynamo.send(new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: sampleIds().map((id) => ({ entityId: { S: id }, featureGroup: { S: GROUP.name } })) } } }));
      await runtime.send(new InvokeEndpointCommand({ EndpointName: 'gantry-bench-churn', ContentType: 'text/csv', Accept: 'text/csv', Body: body }));
    };
    const predict = async () => {
      const result = await client.predict({ model: 'churn', entityIds: sampleIds() });
      if (result.variant !== 'primary' || result.modelVersion !== 3) throw new Error(`unexpected variant ${result.variant} or model version ${result.modelVersion}`);
    };

    for (let i = 0; i < WARMUP; i++) {
      await floor();
      await predict();
    }
    // Interleaved, so drift in the engines' speed lands on both sides equally.
    const clientMs: number[] = [];
    const floorMs: number[] = [];
    batchGets = 0;
    for (let i = 0; i < ROUNDS; i++) {
      floorMs.push(await time(floor));
      clientMs.push(await time(predict));
    }
    const clientBatchGets = batchGets - ROUNDS; // the floor made exactly one per round
    clientMs.sort((a, b) => a - b);
    floorMs.sort((a, b) => a - b);
    const round = (n: number) => Number(n.toFixed(2));
    console.log(
      JSON.stringify({
        bench: 'feature-lookup',
        entitiesPerPredict: PER_PREDICT,
        predicts: ROUNDS,
        batchGetsPerPredict: clientBatchGets / ROUNDS,
        p50Ms: round(percentile(clientMs, 50)),
        p99Ms: round(percentile(clientMs, 99)),
        floorP50Ms: round(percentile(floorMs, 50)),
        overheadP50Ms: round(percentile(clientMs, 50) - percentile(floorMs, 50)),
        ratio: round(percentile(clientMs, 50) / percentile(floorMs, 50)),
        peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      }),
    );
    dynamo.destroy();
  } finally {
    await fake.close();
    await stopEngine(engine);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
