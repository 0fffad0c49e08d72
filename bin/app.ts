#!/usr/bin/env node
// The CDK app for `cdk synth|deploy -c stage=NAME`: validates the stage's config and defines its Stage.
import { App } from 'aws-cdk-lib';
import { defineGantryApp } from '../lib/app';
import { ConfigError, DEFAULT_STAGE, loadStageConfig } from '../lib/config';

const app = new App();
const stage = String(app.node.tryGetContext('stage') ?? DEFAULT_STAGE);
try {
  defineGantryApp(app, [loadStageConfig(stage)]);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
