import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
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
