import type { Json } from '../../tools/local/intrinsics';
import type { StageModel } from '../support/stage-model';
import { bareLogGroupArn, kmsKeyArn } from './arns';

/*
 * Which customer managed KMS key encrypts each bucket, topic, table and log group of the stage,
 * from their templates: the requests that read or write them imply KMS requests on that key.
 * A resource encrypted with an AWS managed key (an alias like `alias/aws/sns`) implies none:
 * the key policies of AWS managed keys allow the account's principals through the service.
 */

export interface BucketEncryption {
  readonly keyArn: string;
  /** S3 Bucket Keys: S3 asks KMS with the bucket's ARN as encryption context, not the object's. */
  readonly bucketKey: boolean;
}

const obj = (value: Json | undefined): Record<string, Json> => (value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {});

export class EncryptionFacts {
  private readonly buckets = new Map<string, BucketEncryption>();
  private readonly topics = new Map<string, string>();
  private readonly tables = new Map<string, string>();
  private readonly logGroups = new Map<string, string>();

  constructor(model: StageModel) {
    const key = (value: Json | undefined) => (typeof value === 'string' ? kmsKeyArn(model.environment, value) : undefined);
    for (const bucket of model.ofType('AWS::S3::Bucket')) {
      const rules = obj(model.properties(bucket).BucketEncryption).ServerSideEncryptionConfiguration;
      for (const rule of Array.isArray(rules) ? rules : []) {
        const byDefault = obj(obj(rule).ServerSideEncryptionByDefault);
        const keyArn = byDefault.SSEAlgorithm === 'aws:kms' ? key(byDefault.KMSMasterKeyID) : undefined;
        if (keyArn) this.buckets.set(model.ref(bucket), { keyArn, bucketKey: obj(rule).BucketKeyEnabled === true });
      }
    }
    for (const topic of model.ofType('AWS::SNS::Topic')) {
      const keyArn = key(model.properties(topic).KmsMasterKeyId);
      if (keyArn) this.topics.set(model.arn(topic), keyArn);
    }
    for (const table of model.ofType('AWS::DynamoDB::Table')) {
      const sse = obj(model.properties(table).SSESpecification);
      const keyArn = sse.SSEEnabled === true ? key(sse.KMSMasterKeyId) : undefined;
      if (keyArn) this.tables.set(model.arn(table), keyArn);
    }
    for (const group of model.ofType('AWS::Logs::LogGroup')) {
      const keyArn = key(model.properties(group).KmsKeyId);
      if (keyArn) this.logGroups.set(bareLogGroupArn(model.arn(group)), keyArn);
    }
  }

  bucket(name: string): BucketEncryption | undefined {
    return this.buckets.get(name);
  }

  topic(arn: string): string | undefined {
    return this.topics.get(arn);
  }

  /** The key of the table an item, index or table ARN belongs to. */
  table(arn: string): { tableArn: string; keyArn: string } | undefined {
    const tableArn = /^(arn:[\w-]+:dynamodb:[^:]+:\d+:table\/[^/]+)/.exec(arn)?.[1];
    const keyArn = tableArn && this.tables.get(tableArn);
    return tableArn && keyArn ? { tableArn, keyArn } : undefined;
  }

  /** The key of the log group a log group or log stream ARN belongs to. */
  logGroup(arn: string): { logGroupArn: string; keyArn: string } | undefined {
    const logGroupArn = /^(arn:[\w-]+:logs:[^:]+:\d+:log-group:[^:]+)/.exec(arn)?.[1];
    const keyArn = logGroupArn && this.logGroups.get(logGroupArn);
    return logGroupArn && keyArn ? { logGroupArn, keyArn } : undefined;
  }
}
