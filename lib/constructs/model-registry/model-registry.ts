import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { REGISTRY_TABLE } from '../../contract';
import { grantTableAccess, secureTableProps } from '../table-defaults';

export interface ModelRegistryProps {
  /** Key that encrypts the table. */
  readonly encryptionKey: kms.IKey;
  /**
   * What happens to the table when the stack is deleted. RETAIN also turns on deletion protection.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The model registry: one DynamoDB table (single-table design) holding model versions with
 * their lineage, the stage pointers (`production`, `last-good`) and the append-only event
 * history of every model.
 */
export class ModelRegistry extends Construct {
  public readonly table: dynamodb.Table;
  private readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: ModelRegistryProps) {
    super(scope, id);
    this.key = props.encryptionKey;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: REGISTRY_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: REGISTRY_TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      ...secureTableProps({ encryptionKey: props.encryptionKey, removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN }),
    });
    this.table.addGlobalSecondaryIndex({
      indexName: REGISTRY_TABLE.index.name,
      partitionKey: { name: REGISTRY_TABLE.index.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: REGISTRY_TABLE.index.sortKey, type: dynamodb.AttributeType.STRING },
    });
  }

  /** Lets a principal read versions, pointers and history. */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    return grantTableAccess({ table: this.table, key: this.key, grantee, write: false, indexes: [REGISTRY_TABLE.index.name] });
  }

  /** Lets a principal register versions and change their status and pointers. */
  grantWrite(grantee: iam.IGrantable): iam.Grant {
    return grantTableAccess({ table: this.table, key: this.key, grantee, write: true, indexes: [REGISTRY_TABLE.index.name] });
  }
}
