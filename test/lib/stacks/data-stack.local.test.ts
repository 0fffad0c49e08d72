import {
  BatchGetItemCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_TABLE, REGISTRY_TABLE } from '../../../lib/contract';
import { dynamoClient, s3Client } from '../../support/engines';
import { dataStackTemplate } from '../../support/local-data';
import { hashStream, pseudoRandomStream } from '../../support/streams';
import { createBucketsFromTemplate, createTablesFromTemplate, type CfnTemplate } from '../../../tools/local/template-resources';

// The data stack's resources, created in DynamoDB Local and s3rver from the template CDK synthesized.
describe('DataStack on the local engines', () => {
  let template: CfnTemplate;
  let dynamo: DynamoDBClient;
  let s3: S3Client;
  let registryTable: string;
  let featureTable: string;

  beforeAll(async () => {
    template = dataStackTemplate();
    dynamo = dynamoClient();
    s3 = s3Client();
    [registryTable, featureTable] = await Promise.all([
      createTablesFromTemplate(dynamo, template, '/Registry/Table/'),
      createTablesFromTemplate(dynamo, template, '/FeatureStore/OnlineTable/'),
    ]);
  });

  afterAll(() => {
    dynamo?.destroy();
    s3?.destroy();
  });

  it('creates the registry table with the synthesized key schema and index', async () => {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: registryTable }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: REGISTRY_TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: REGISTRY_TABLE.sortKey, KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.KeySchema, i.Projection?.ProjectionType])).toEqual([
      [REGISTRY_TABLE.index.name, [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }, { AttributeName: 'gsi1sk', KeyType: 'RANGE' }], 'ALL'],
    ]);
  });

  it('writes a registry item and reads it back by key and through the index', async () => {
    const item = {
      pk: { S: 'MODEL#churn' },
      sk: { S: 'VERSION#0000000001' },
      gsi1pk: { S: 'STATUS#Registered' },
      gsi1sk: { S: 'churn#0000000001' },
      artifactUri: { S: 's3://artifacts/churn/1/model.tar.gz' },
    };
    await dynamo.send(new PutItemCommand({ TableName: registryTable, Item: item }));
    const got = await dynamo.send(new GetItemCommand({ TableName: registryTable, Key: { pk: item.pk, sk: item.sk }, ConsistentRead: true }));
    expect(got.Item).toEqual(item);
    const viaIndex = await dynamo.send(
      new QueryCommand({ TableName: registryTable, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :s', ExpressionAttributeValues: { ':s': { S: 'STATUS#Registered' } } }),
    );
    expect(viaIndex.Items).toEqual([item]);
  });

  it('creates the feature table with the synthesized keys and TTL, and serves rows by entity and group', async () => {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: featureTable }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: FEATURE_TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: FEATURE_TABLE.sortKey, KeyType: 'RANGE' },
    ]);
    const ttl = await dynamo.send(new DescribeTimeToLiveCommand({ TableName: featureTable }));
    expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: FEATURE_TABLE.ttlAttribute });

    const expiresAt = String(Math.floor(Date.now() / 1000) + 86_400);
    for (const entityId of ['c-1', 'c-2']) {
      await dynamo.send(
        new PutItemCommand({
          TableName: featureTable,
          Item: { entityId: { S: entityId }, featureGroup: { S: 'customer-activity' }, expiresAt: { N: expiresAt }, values: { M: { tenure_months: { N: '12' } } } },
        }),
      );
    }
    const batch = await dynamo.send(
      new BatchGetItemCommand({
        RequestItems: { [featureTable]: { Keys: ['c-1', 'c-2', 'c-missing'].map((id) => ({ entityId: { S: id }, featureGroup: { S: 'customer-activity' } })) } },
      }),
    );
    expect(batch.Responses?.[featureTable]?.map((i) => i.entityId?.S).sort()).toEqual(['c-1', 'c-2']);
  });

  it('creates every lake bucket and streams a 50 MB object through one, checksum intact', async () => {
    const buckets = await createBucketsFromTemplate(s3, template);
    const paths = Object.keys(buckets);
    expect(paths).toHaveLength(6);
    for (const zone of ['Raw', 'Curated', 'Features', 'Artifacts', 'Capture', 'AccessLogs']) {
      expect(paths.some((p) => p.includes(`/Lake/${zone}/`)), zone).toBe(true);
    }
    const artifacts = buckets[paths.find((p) => p.includes('/Lake/Artifacts/'))!]!;

    const size = 50 * 1024 * 1024;
    const sent = createHash('sha256');
    const upload = new Upload({
      client: s3,
      params: { Bucket: artifacts, Key: 'models/churn/1/model.tar.gz', Body: pseudoRandomStream(size, 'gantry', sent) },
      partSize: 8 * 1024 * 1024,
      queueSize: 2,
    });
    const parts = new Set<number>();
    upload.on('httpUploadProgress', (p) => p.part !== undefined && parts.add(p.part));
    await upload.done();
    expect(parts.size).toBe(7);

    const head = await s3.send(new HeadObjectCommand({ Bucket: artifacts, Key: 'models/churn/1/model.tar.gz' }));
    expect(head.ContentLength).toBe(size);
    const object = await s3.send(new GetObjectCommand({ Bucket: artifacts, Key: 'models/churn/1/model.tar.gz' }));
    const received = await hashStream(object.Body);
    expect(received).toEqual({ sha256: sent.digest('hex'), bytes: size });
  });
});
