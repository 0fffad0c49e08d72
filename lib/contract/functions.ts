/**
 * The one list of the stage's shared Lambda functions. The runtime stack creates one function
 * per entry, the function construct bundles `lambdas/<name>/handler.ts` and names its
 * Powertools service after it, and the cost estimate prices each: a `Record<FunctionName, …>`
 * in each of them fails to compile when a function is added here and not there.
 */
export const FUNCTION_NAMES = ['register', 'record-event', 'gate', 'validate-data', 'evaluate', 'baseline', 'deploy', 'rollback', 'drift'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** The function's handler module, from the project root. */
export function handlerEntry(name: FunctionName): string {
  return `lambdas/${name}/handler.ts`;
}

/**
 * The function's Powertools service name (`POWERTOOLS_SERVICE_NAME`): the `service` of its logs
 * and metrics, and how the cost estimate recognizes it in a template.
 */
export function functionServiceName(name: FunctionName): string {
  return `gantry-${name}`;
}
