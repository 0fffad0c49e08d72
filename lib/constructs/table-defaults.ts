import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';

/**
 * The secure defaults of every Gantry table: on-demand, point-in-time recovery, encrypted with
 * the customer-managed key, and (when retained) protected against deletion.
 */
export function secureTableProps(options: {
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
}): Pick<dynamodb.TableProps, 'billingMode' | 'pointInTimeRecoverySpecification' | 'encryption' | 'encryptionKey' | 'deletionProtection' | 'removalPolicy'> {
  const retained = options.removalPolicy === RemovalPolicy.RETAIN;
  return {
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: options.encryptionKey,
    deletionProtection: retained,
    removalPolicy: options.removalPolicy,
  };
}

/** DynamoDB actions Gantry's code uses, split by what they do. */
const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'];
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];
/** KMS actions DynamoDB needs from a caller of a table encrypted with a customer-managed key. */
const KMS_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'];
const KMS_WRITE_ACTIONS = ['kms:Encrypt', 'kms:GenerateDataKey'];

/**
 * Least-privilege table access: named actions only (no `*` action wildcards) on the table and
 * its named indexes (no `index/*`), plus the key actions DynamoDB needs for a CMK-encrypted table.
 */
export function grantTableAccess(options: {
  readonly table: dynamodb.ITable;
  readonly key: kms.IKey;
  readonly grantee: iam.IGrantable;
  readonly write: boolean;
  /** Index names the grantee queries. @default [] */
  readonly indexes?: readonly string[];
}): iam.Grant {
  const { table, key, grantee, write } = options;
  key.grant(grantee, ...KMS_READ_ACTIONS, ...(write ? KMS_WRITE_ACTIONS : []));
  return iam.Grant.addToPrincipal({
    grantee,
    actions: [...READ_ACTIONS, ...(write ? WRITE_ACTIONS : [])],
    resourceArns: [table.tableArn, ...(options.indexes ?? []).map((index) => `${table.tableArn}/index/${index}`)],
  });
}
