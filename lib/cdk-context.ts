import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The context of cdk.json (feature flags and defaults), for apps built in-process (`npm start`,
 * tests, the CLI) rather than by the CDK CLI, so that they synthesize exactly what `cdk synth` does.
 */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(__dirname, '..', 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return { ...cdkJson.context };
}
