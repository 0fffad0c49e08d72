import {
  CreateTableCommand,
  DescribeTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  type LocalSecondaryIndex,
  type Projection,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { uniqueName } from './names';

/** The part of a synthesized template these helpers read (e.g. `Template.fromStack(stack).toJSON()`). */
export interface CfnTemplate {
  Resources?: Record<string, CfnResourceJson>;
}

export interface CfnResourceJson {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface TemplateResource {
  logicalId: string;
  type: string;
  /**
   * `Metadata['aws:cdk:path']`, e.g. `MyStack/Jobs/Resource`. CDK only writes it
   * when the App has the context `'aws:cdk:enable-path-metadata': true` (the
   * CLI sets it; a bare `new App()` in a test does not).
   */
  path: string | undefined;
  properties: Record<string, unknown>;
}

// AWS::DynamoDB::GlobalTable (TableV2) has the same key, index and TTL properties.
const TABLE_TYPES = new Set(['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable']);
const PATH_METADATA_HINT =
  "the template has no aws:cdk:path metadata; build the App with context { 'aws:cdk:enable-path-metadata': true }";

function resourcesOfType(template: CfnTemplate, types: ReadonlySet<string>): TemplateResource[] {
  return Object.entries(template.Resources ?? {})
    .filter(([, resource]) => types.has(resource.Type))
    .map(([logicalId, resource]) => {
      const path = resource.Metadata?.['aws:cdk:path'];
      return {
        logicalId,
        type: resource.Type,
        path: typeof path === 'string' ? path : undefined,
        properties: resource.Properties ?? {},
      };
    });
}

export function tableResources(template: CfnTemplate): TemplateResource[] {
  return resourcesOfType(template, TABLE_TYPES);
}

export function bucketResources(template: CfnTemplate): TemplateResource[] {
  return resourcesOfType(template, new Set(['AWS::S3::Bucket']));
}

// --- strict readers: a template value that is still a CloudFormation intrinsic cannot be created locally

function describeIntrinsic(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]?.startsWith('Fn::'))) return JSON.stringify(value);
  return undefined;
}

function fail(where: string, expected: string, value: unknown): never {
  const intrinsic = describeIntrinsic(value);
  if (intrinsic !== undefined) {
    throw new Error(`${where} is an unresolved intrinsic ${intrinsic}; expected ${expected}. Use a literal value in the construct.`);
  }
  throw new Error(`${where} must be ${expected}, got ${JSON.stringify(value)}`);
}

function readString(value: unknown, where: string): string {
  return typeof value === 'string' ? value : fail(where, 'a string', value);
}

function readOneOf<const T extends string>(value: unknown, allowed: readonly T[], where: string): T {
  const text = readString(value, where);
  return (allowed as readonly string[]).includes(text) ? (text as T) : fail(where, `one of ${allowed.join(', ')}`, value);
}

function readArray(value: unknown, where: string): unknown[] {
  return Array.isArray(value) ? value : fail(where, 'a list', value);
}

function readObject(value: unknown, where: string): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && describeIntrinsic(value) === undefined
    ? (value as Record<string, unknown>)
    : fail(where, 'an object', value);
}

function readKeySchema(value: unknown, where: string): KeySchemaElement[] {
  return readArray(value, where).map((element, i) => {
    const key = readObject(element, `${where}[${i}]`);
    return {
      AttributeName: readString(key.AttributeName, `${where}[${i}].AttributeName`),
      KeyType: readOneOf(key.KeyType, ['HASH', 'RANGE'], `${where}[${i}].KeyType`),
    };
  });
}

function readAttributeDefinitions(value: unknown, where: string): AttributeDefinition[] {
  return readArray(value, where).map((element, i) => {
    const attribute = readObject(element, `${where}[${i}]`);
    return {
      AttributeName: readString(attribute.AttributeName, `${where}[${i}].AttributeName`),
      AttributeType: readOneOf(attribute.AttributeType, ['S', 'N', 'B'], `${where}[${i}].AttributeType`),
    };
  });
}

function readProjection(value: unknown, where: string): Projection {
  const projection = readObject(value ?? {}, where);
  const result: Projection = {
    ProjectionType: readOneOf(projection.ProjectionType ?? 'ALL', ['ALL', 'KEYS_ONLY', 'INCLUDE'], `${where}.ProjectionType`),
  };
  if (projection.NonKeyAttributes !== undefined) {
    result.NonKeyAttributes = readArray(projection.NonKeyAttributes, `${where}.NonKeyAttributes`).map((name, i) =>
      readString(name, `${where}.NonKeyAttributes[${i}]`),
    );
  }
  return result;
}

function readIndexes(value: unknown, where: string): Array<GlobalSecondaryIndex & LocalSecondaryIndex> {
  if (value === undefined) return [];
  return readArray(value, where).map((element, i) => {
    const index = readObject(element, `${where}[${i}]`);
    return {
      IndexName: readString(index.IndexName, `${where}[${i}].IndexName`),
      KeySchema: readKeySchema(index.KeySchema, `${where}[${i}].KeySchema`),
      Projection: readProjection(index.Projection, `${where}[${i}].Projection`),
    };
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitForActive(client: DynamoDBClient, tableName: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (Date.now() > deadline) {
      throw new Error(`table ${tableName} is not ACTIVE after ${timeoutMs} ms (status ${Table?.TableStatus})`);
    }
    await sleep(50);
  }
}

/**
 * Creates `tableName` with the template's key schema, attribute definitions and
 * secondary indexes (billing PAY_PER_REQUEST whatever the template says), then
 * enables TTL if the template does, and waits until the table is ACTIVE.
 */
export async function createTableFromTemplate(
  client: DynamoDBClient,
  resource: TemplateResource,
  tableName: string,
): Promise<void> {
  const where = `${resource.path ?? resource.logicalId}.Properties`;
  const props = resource.properties;
  const globalIndexes = readIndexes(props.GlobalSecondaryIndexes, `${where}.GlobalSecondaryIndexes`);
  const localIndexes = readIndexes(props.LocalSecondaryIndexes, `${where}.LocalSecondaryIndexes`);
  const ttl =
    props.TimeToLiveSpecification === undefined
      ? undefined
      : readObject(props.TimeToLiveSpecification, `${where}.TimeToLiveSpecification`);
  const ttlEnabled =
    ttl === undefined || ttl.Enabled === undefined
      ? false
      : typeof ttl.Enabled === 'boolean'
        ? ttl.Enabled
        : fail(`${where}.TimeToLiveSpecification.Enabled`, 'a boolean', ttl.Enabled);
  const ttlAttribute =
    ttl !== undefined && ttlEnabled ? readString(ttl.AttributeName, `${where}.TimeToLiveSpecification.AttributeName`) : undefined;

  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: readKeySchema(props.KeySchema, `${where}.KeySchema`),
      AttributeDefinitions: readAttributeDefinitions(props.AttributeDefinitions, `${where}.AttributeDefinitions`),
      ...(globalIndexes.length > 0 ? { GlobalSecondaryIndexes: globalIndexes } : {}),
      ...(localIndexes.length > 0 ? { LocalSecondaryIndexes: localIndexes } : {}),
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitForActive(client, tableName);

  if (ttlAttribute !== undefined) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
      }),
    );
  }
}

function describePaths(resources: TemplateResource[]): string {
  if (resources.length === 0) return '(none)';
  return resources.map((resource) => resource.path ?? `<no path> ${resource.logicalId}`).join(', ');
}

/**
 * Creates the one table whose `aws:cdk:path` contains `pathContains` under a
 * unique name and returns that name.
 */
export async function createTablesFromTemplate(
  client: DynamoDBClient,
  template: CfnTemplate,
  pathContains: string,
): Promise<string> {
  const tables = tableResources(template);
  if (tables.length > 0 && tables.every((table) => table.path === undefined)) {
    throw new Error(`Cannot find a table by path '${pathContains}': ${PATH_METADATA_HINT}`);
  }
  const matches = tables.filter((table) => table.path?.includes(pathContains));
  if (matches.length !== 1) {
    throw new Error(
      `Expected exactly one DynamoDB table whose cdk path contains '${pathContains}', found ${matches.length}` +
        (matches.length > 1 ? ` (${describePaths(matches)})` : '') +
        `. Tables in the template: ${describePaths(tables)}`,
    );
  }
  const [table] = matches as [TemplateResource];
  const tableName = uniqueName(table.logicalId);
  await createTableFromTemplate(client, table, tableName);
  return tableName;
}

/**
 * Creates one bucket per `AWS::S3::Bucket` under a unique name and returns a
 * map from cdk path (the logical id if the template has no path metadata) to bucket name.
 */
export async function createBucketsFromTemplate(client: S3Client, template: CfnTemplate): Promise<Record<string, string>> {
  const buckets: Record<string, string> = {};
  for (const bucket of bucketResources(template)) {
    const bucketName = uniqueName(bucket.logicalId);
    await client.send(new CreateBucketCommand({ Bucket: bucketName }));
    buckets[bucket.path ?? bucket.logicalId] = bucketName;
  }
  return buckets;
}
