import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient, s3Client, uniqueName } from '../../support/engines';
import {
  createBucketsFromTemplate,
  createTableFromTemplate,
  createTablesFromTemplate,
  tableResources,
  type CfnTemplate,
} from '../../../tools/local/template-resources';

function synthHarnessStack(context: Record<string, unknown>): CfnTemplate {
  const app = new App({ context });
  const stack = new Stack(app, 'HarnessStack');
  const jobs = new dynamodb.Table(stack, 'Jobs', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    timeToLiveAttribute: 'expiresAt',
  });
  jobs.addGlobalSecondaryIndex({
    indexName: 'gsi1',
    partitionKey: { name: 'gsi1pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'gsi1sk', type: dynamodb.AttributeType.STRING },
  });
  const audit = new dynamodb.Table(stack, 'Audit', {
    partitionKey: { name: 'id', type: dynamodb.AttributeType.NUMBER },
    sortKey: { name: 'at', type: dynamodb.AttributeType.STRING },
  });
  audit.addLocalSecondaryIndex({
    indexName: 'byActor',
    sortKey: { name: 'actor', type: dynamodb.AttributeType.STRING },
    projectionType: dynamodb.ProjectionType.KEYS_ONLY,
  });
  new s3.Bucket(stack, 'Artifacts');
  return Template.fromStack(stack).toJSON();
}

describe('template-resources', () => {
  let template: CfnTemplate;
  let ddb: DynamoDBClient;
  let s3c: S3Client;

  beforeAll(() => {
    template = synthHarnessStack({ 'aws:cdk:enable-path-metadata': true });
    ddb = dynamoClient();
    s3c = s3Client();
  });

  afterAll(() => {
    ddb?.destroy();
    s3c?.destroy();
  });

  it('lists the tables with their logical ids and cdk paths', () => {
    const tables = tableResources(template);
    expect(tables.map((table) => table.path).sort()).toEqual(['HarnessStack/Audit/Resource', 'HarnessStack/Jobs/Resource']);
    for (const table of tables) {
      expect(template.Resources?.[table.logicalId]?.Type).toBe('AWS::DynamoDB::Table');
    }
  });

  it('creates a table with the key schema, GSI and TTL of the template', async () => {
    const tableName = await createTablesFromTemplate(ddb, template, '/Jobs/');

    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes).toHaveLength(1);
    const gsi = Table?.GlobalSecondaryIndexes?.[0];
    expect(gsi?.IndexName).toBe('gsi1');
    expect(gsi?.KeySchema).toEqual([
      { AttributeName: 'gsi1pk', KeyType: 'HASH' },
      { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
    ]);
    expect(gsi?.Projection?.ProjectionType).toBe('ALL');

    const ttl = await ddb.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });

    const item = {
      pk: { S: 'JOB#1' },
      sk: { S: 'META' },
      gsi1pk: { S: 'STATUS#RUNNING' },
      gsi1sk: { S: '2026-01-01T00:00:00Z' },
      expiresAt: { N: '4102444800' },
    };
    await ddb.send(new PutItemCommand({ TableName: tableName, Item: item }));
    const query = await ddb.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p AND begins_with(gsi1sk, :y)',
        ExpressionAttributeValues: { ':p': { S: 'STATUS#RUNNING' }, ':y': { S: '2026-' } },
      }),
    );
    expect(query.Items).toEqual([item]);
    const got = await ddb.send(new GetItemCommand({ TableName: tableName, Key: { pk: item.pk, sk: item.sk } }));
    expect(got.Item).toEqual(item);
  });

  it('creates local secondary indexes and leaves TTL off when the template has none', async () => {
    const tableName = await createTablesFromTemplate(ddb, template, 'Audit');

    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'id', AttributeType: 'N' },
        { AttributeName: 'actor', AttributeType: 'S' },
      ]),
    );
    expect(Table?.LocalSecondaryIndexes?.map((index) => [index.IndexName, index.KeySchema, index.Projection])).toEqual([
      [
        'byActor',
        [
          { AttributeName: 'id', KeyType: 'HASH' },
          { AttributeName: 'actor', KeyType: 'RANGE' },
        ],
        { ProjectionType: 'KEYS_ONLY' },
      ],
    ]);
    const ttl = await ddb.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).toBe('DISABLED');
  });

  it('gives every call its own table name', async () => {
    const [a, b] = await Promise.all([
      createTablesFromTemplate(ddb, template, 'Audit'),
      createTablesFromTemplate(ddb, template, 'Audit'),
    ]);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
  });

  it('throws when no table path matches, naming the available paths', async () => {
    await expect(createTablesFromTemplate(ddb, template, 'NoSuchTable')).rejects.toThrow(
      /found 0.*HarnessStack\/Jobs\/Resource.*HarnessStack\/Audit\/Resource|found 0.*HarnessStack\/Audit\/Resource.*HarnessStack\/Jobs\/Resource/,
    );
  });

  it('throws when several tables match', async () => {
    await expect(createTablesFromTemplate(ddb, template, 'HarnessStack/')).rejects.toThrow(/found 2/);
  });

  it('throws with a hint when the template has no path metadata', async () => {
    const bare = synthHarnessStack({});
    await expect(createTablesFromTemplate(ddb, bare, 'Jobs')).rejects.toThrow(/aws:cdk:enable-path-metadata/);
  });

  it('throws on an unresolved intrinsic instead of sending it to DynamoDB', async () => {
    const [jobs] = tableResources(template).filter((table) => table.path?.includes('/Jobs/'));
    expect(jobs).toBeDefined();
    if (jobs === undefined) return;
    const broken = {
      ...jobs,
      properties: {
        ...jobs.properties,
        KeySchema: [{ AttributeName: { Ref: 'PartitionKeyParam' }, KeyType: 'HASH' }],
      },
    };
    await expect(createTableFromTemplate(ddb, broken, uniqueName('broken'))).rejects.toThrow(
      /KeySchema\[0\]\.AttributeName is an unresolved intrinsic \{"Ref":"PartitionKeyParam"\}/,
    );
  });

  it('creates every bucket of the template in s3rver', async () => {
    const buckets = await createBucketsFromTemplate(s3c, template);
    expect(Object.keys(buckets)).toEqual(['HarnessStack/Artifacts/Resource']);
    const bucketName = buckets['HarnessStack/Artifacts/Resource'];
    expect(bucketName).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
    const head = await s3c.send(new HeadBucketCommand({ Bucket: bucketName }));
    expect(head.$metadata.httpStatusCode).toBe(200);
  });
});
