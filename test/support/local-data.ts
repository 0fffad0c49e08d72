import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Template } from 'aws-cdk-lib/assertions';
import { testStage } from './app';
import { dynamoClient } from './engines';
import { createTablesFromTemplate, type CfnTemplate } from '../../tools/local/template-resources';

let template: CfnTemplate | undefined;

/** The dev data stack's synthesized template (synthesized once per test file). */
export function dataStackTemplate(): CfnTemplate {
  template ??= Template.fromStack(testStage('dev').stage.data).toJSON() as CfnTemplate;
  return template;
}

/** A fresh registry table in DynamoDB Local, created from the synthesized data stack. */
export async function localRegistryTable(client: DynamoDBClient = dynamoClient()): Promise<{ client: DynamoDBClient; tableName: string }> {
  return { client, tableName: await createTablesFromTemplate(client, dataStackTemplate(), '/Registry/Table/') };
}

/** A fresh online feature table in DynamoDB Local, created from the synthesized data stack. */
export async function localFeatureTable(client: DynamoDBClient = dynamoClient()): Promise<{ client: DynamoDBClient; tableName: string }> {
  return { client, tableName: await createTablesFromTemplate(client, dataStackTemplate(), '/FeatureStore/OnlineTable/') };
}
