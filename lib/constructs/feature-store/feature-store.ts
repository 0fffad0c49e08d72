import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { FEATURE_TABLE } from '../../contract';
import { secureTableProps } from '../table-defaults';

export interface FeatureStoreProps {
  /** Key that encrypts the online table. */
  readonly encryptionKey: kms.IKey;
  /** The offline store: the lake's features bucket. */
  readonly offlineBucket: s3.IBucket;
  /** Name of the Glue database that catalogs the offline store (lower case, letters, digits, _). */
  readonly databaseName: string;
  /**
   * What happens to the online table when the stack is deleted. RETAIN also turns on deletion protection.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
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

  constructor(scope: Construct, id: string, props: FeatureStoreProps) {
    super(scope, id);
    if (!/^[a-z][a-z0-9_]{0,254}$/.test(props.databaseName)) {
      throw new Error(`FeatureStore databaseName must be lower case letters, digits and _ (Athena's rule), got "${props.databaseName}"`);
    }
    this.offlineBucket = props.offlineBucket;
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
  }

  /** Lets a principal read online features (GetItem, BatchGetItem, Query). */
  grantReadOnline(grantee: iam.IGrantable): iam.Grant {
    return this.onlineTable.grantReadData(grantee);
  }

  /** Lets a principal write online rows and append to the offline store. */
  grantWrite(grantee: iam.IGrantable): iam.Grant {
    this.offlineBucket.grantPut(grantee);
    return this.onlineTable.grantReadWriteData(grantee);
  }
}
