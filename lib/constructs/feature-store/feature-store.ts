import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { FEATURE_TABLE, OFFLINE_FEATURES_PREFIX } from '../../contract';
import { grantTableAccess, secureTableProps } from '../table-defaults';

export interface FeatureStoreProps {
  /** Key that encrypts the online table. */
  readonly encryptionKey: kms.IKey;
  /** The offline store: the lake's features bucket. */
  readonly offlineBucket: s3.IBucket;
  /** Name of the Glue database that catalogs the offline store (lower case, letters, digits, _). */
  readonly databaseName: string;
  /**
   * Feature groups; each gets a Glue table over its offline rows.
   * @default - no groups (no tables)
   */
  readonly groups?: readonly FeatureGroupDefinition[];
  /**
   * What happens to the online table when the stack is deleted. RETAIN also turns on deletion protection.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** A feature group as the offline store catalogs it. */
export interface FeatureGroupDefinition {
  readonly name: string;
  readonly features: readonly { readonly name: string; readonly type: 'double' | 'bigint' | 'string' | 'boolean' }[];
}

/** Glue table name of a feature group (Athena names cannot contain hyphens). */
export function offlineTableName(group: string): string {
  return group.replace(/-/g, '_');
}

/**
 * The feature store: a DynamoDB online table keyed by entity and feature group, with TTL, and
 * a Glue database over the offline store in S3 for Athena.
 */
export class FeatureStore extends Construct {
  /** Online rows: `entityId` + `featureGroup`, expiring at `expiresAt` (epoch seconds). */
  public readonly onlineTable: dynamodb.Table;
  /** The offline store's bucket. */
  public readonly offlineBucket: s3.IBucket;
  /** The Glue database of the offline store. */
  public readonly database: glue.CfnDatabase;
  /** Name of the Glue database. */
  public readonly databaseName: string;
  private readonly key: kms.IKey;
  /** The Glue table of each feature group, by group name. */
  public readonly offlineTables: ReadonlyMap<string, glue.CfnTable>;

  constructor(scope: Construct, id: string, props: FeatureStoreProps) {
    super(scope, id);
    if (!/^[a-z][a-z0-9_]{0,254}$/.test(props.databaseName)) {
      throw new Error(`FeatureStore databaseName must be lower case letters, digits and _ (Athena's rule), got "${props.databaseName}"`);
    }
    this.offlineBucket = props.offlineBucket;
    this.key = props.encryptionKey;
    this.onlineTable = new dynamodb.Table(this, 'OnlineTable', {
      partitionKey: { name: FEATURE_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: FEATURE_TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: FEATURE_TABLE.ttlAttribute,
      ...secureTableProps({ encryptionKey: props.encryptionKey, removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN }),
    });
    this.databaseName = props.databaseName;
    this.database = new glue.CfnDatabase(this, 'OfflineDatabase', {
      catalogId: Stack.of(this).account,
      databaseInput: {
        name: props.databaseName,
        description: 'Gantry offline feature store (append-only, partitioned by feature group and event date)',
        locationUri: props.offlineBucket.s3UrlForObject(),
      },
    });
    const tables = new Map<string, glue.CfnTable>();
    for (const group of props.groups ?? []) {
      // The id derives from the group name, which the config keeps unique and kebab-case.
      const table = new glue.CfnTable(this, `OfflineTable-${group.name}`, {
        catalogId: Stack.of(this).account,
        databaseName: props.databaseName,
        tableInput: offlineTableInput(group, props.offlineBucket.s3UrlForObject(`${OFFLINE_FEATURES_PREFIX}/${offlineTableName(group.name)}`)),
      });
      table.node.addDependency(this.database);
      tables.set(group.name, table);
    }
    this.offlineTables = tables;
  }

  /** Lets a principal read online features (GetItem, BatchGetItem, Query). */
  grantReadOnline(grantee: iam.IGrantable): iam.Grant {
    return grantTableAccess({ table: this.onlineTable, key: this.key, grantee, write: false });
  }

  /** Lets a principal write online rows and append to the offline store. */
  grantWrite(grantee: iam.IGrantable): iam.Grant {
    this.offlineBucket.grantPut(grantee);
    return grantTableAccess({ table: this.onlineTable, key: this.key, grantee, write: true });
  }
}

/**
 * The Glue table over a group's offline rows: JSON Lines under `<prefix>/<group>/event_date=YYYY-MM-DD/`.
 * Partition projection lets Athena find new dates without a crawler or `MSCK REPAIR TABLE`.
 * Times are ISO-8601 strings (what the writer emits); queries use from_iso8601_timestamp().
 */
export function offlineTableInput(group: FeatureGroupDefinition, location: string): glue.CfnTable.TableInputProperty {
  return {
    name: offlineTableName(group.name),
    description: `Offline rows of feature group ${group.name} (append-only; event_time is when the values were true, write_time when they were stored)`,
    tableType: 'EXTERNAL_TABLE',
    partitionKeys: [{ name: 'event_date', type: 'string' }],
    parameters: {
      classification: 'json',
      'projection.enabled': 'true',
      'projection.event_date.type': 'date',
      'projection.event_date.format': 'yyyy-MM-dd',
      'projection.event_date.range': '2020-01-01,NOW',
      'projection.event_date.interval': '1',
      'projection.event_date.interval.unit': 'DAYS',
      'storage.location.template': `${location}/event_date=\${event_date}/`,
    },
    storageDescriptor: {
      location: `${location}/`,
      inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe', parameters: { 'ignore.malformed.json': 'false' } },
      columns: [
        { name: 'entity_id', type: 'string' },
        { name: 'event_time', type: 'string' },
        { name: 'write_time', type: 'string' },
        ...group.features.map((f) => ({ name: f.name, type: f.type })),
      ],
    },
  };
}
