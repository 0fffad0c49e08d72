/**
 * The contract between deploy time (the CDK app) and run time (Lambda handlers, the
 * application client, the CLI): every name and shape that crosses between them, defined once.
 * Plain constants and types only: both sides import this module (always through this index),
 * so nothing here imports aws-cdk-lib, an AWS SDK client, or either world's code.
 */
export * from './drift';
export * from './env';
export * from './features';
export * from './functions';
export * from './lake';
export * from './metrics';
export * from './names';
export * from './parameters';
export * from './pipeline';
export * from './serving';
export * from './tables';
export * from './tags';
