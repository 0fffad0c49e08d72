#!/usr/bin/env node
// `npm run lifecycle`: the whole lifecycle of the example model on local engines (DynamoDB Local,
// s3rver, aws-local-stepfunctions running the synthesized ASL, a SageMaker fake running the
// example's scripts). Prints each step with its duration and a summary; exits 1 naming the step
// that failed.
import '../tools/local/promise-with-resolvers';
import { runLifecycle } from '../tools/local/lifecycle/scenario';

// package.json's script sets POWERTOOLS_LOG_LEVEL=SILENT, read when the handlers' modules load.
// Nothing here may reach AWS: every client gets the local engines' dummy keys.
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_PROFILE;

async function main(): Promise<void> {
  const result = await runLifecycle({ print: (line: string) => console.log(line) });
  console.log(`\n${result.summary}\n\n$ gantry status --model churn\n${result.cli.status}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
