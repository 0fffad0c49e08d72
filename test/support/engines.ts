import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

export const LOCAL_REGION = 'us-east-1';

// s3rver rejects any access key id other than S3RVER; DynamoDB Local accepts it too.
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export function dynamoClient(): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: inject('dynamoEndpoint'),
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 3,
  });
}

export function s3Client(): S3Client {
  return new S3Client({
    endpoint: inject('s3Endpoint'),
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    forcePathStyle: true,
    // With the SDK's default checksums a streamed upload is sent with
    // aws-chunked framing, which s3rver stores verbatim (corrupting the object).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  });
}

let counter = 0;
const MAX_NAME_LENGTH = 63;

/**
 * A name that is unique across parallel test workers and valid both as a
 * DynamoDB table name and as an S3 bucket name (3-63 chars of [a-z0-9-],
 * starting and ending with a letter or digit).
 */
export function uniqueName(prefix: string): string {
  counter += 1;
  const suffix = `${process.pid.toString(36)}-${counter.toString(36)}-${randomBytes(3).toString('hex')}`;
  const cleaned = prefix
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+/, '')
    .slice(0, MAX_NAME_LENGTH - suffix.length - 1)
    .replace(/-+$/, '');
  return `${cleaned || 't'}-${suffix}`;
}
