#!/usr/bin/env node
// `npm run local`: DynamoDB Local and s3rver on loopback, with the dev stage's tables and
// buckets created from its synthesized template, for trying the CLI and client by hand.
// Prints the variables to export, and runs until Ctrl-C.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENV } from '../lib/contract';
import { startDynamo, startS3rver, stopEngine } from '../tools/local/engines';
import { offlineStage } from '../tools/local/offline-stage';
import { createBucketsFromTemplate, createTablesFromTemplate, type CfnTemplate } from '../tools/local/template-resources';

async function main(): Promise<void> {
  const template = Template.fromStack(offlineStage('dev').data).toJSON() as CfnTemplate;

  const s3Dir = mkdtempSync(join(tmpdir(), 'gantry-local-s3-'));
  const [dynamo, s3] = await Promise.all([startDynamo(), startS3rver(s3Dir)]);
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const dynamoClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials });
  const s3Client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', credentials, forcePathStyle: true });
  const registry = await createTablesFromTemplate(dynamoClient, template, '/Registry/Table/');
  const features = await createTablesFromTemplate(dynamoClient, template, '/FeatureStore/OnlineTable/');
  const buckets = await createBucketsFromTemplate(s3Client, template);
  const featuresBucket = Object.entries(buckets).find(([path]) => path.includes('/Lake/Features/'))![1];

  console.log(`# DynamoDB Local ${dynamo.endpoint}, s3rver ${s3.endpoint}; dev stage tables and buckets created. Paste into another shell:
export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
export AWS_ENDPOINT_URL_DYNAMODB=${dynamo.endpoint} AWS_ENDPOINT_URL_S3=${s3.endpoint}
export ${ENV.registryTable}=${registry} ${ENV.featureTable}=${features} ${ENV.featuresBucket}=${featuresBucket}
# Ctrl-C stops both engines and deletes their data.`);

  const stop = async () => {
    await Promise.all([stopEngine(dynamo.engine), stopEngine(s3.engine)]);
    rmSync(s3Dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
