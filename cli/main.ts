import { InvalidRegistrationError } from '../lambdas/core/registry/registration';
import { RegistryError } from '../lambdas/core/registry/model';
import { UsageError } from './args';
import { costCommand, COST_HELP } from './commands/cost';
import { deployCommand, DEPLOY_HELP, rollbackCommand, ROLLBACK_HELP } from './commands/deploy';
import { driftCommand, DRIFT_HELP } from './commands/drift';
import { featuresCommand, FEATURES_HELP } from './commands/features';
import { registryCommand, REGISTRY_HELP } from './commands/registry';
import { statusCommand, STATUS_HELP } from './commands/status';
import { trainCommand, TRAIN_HELP } from './commands/train';
import { defaultClients, type CliClients, type CliIo } from './context';

export const HELP = `gantry: operate Gantry's ML platform (registry, feature store, training, serving, drift, cost)

Usage: gantry <group> <command> [flags]

${REGISTRY_HELP}

${FEATURES_HELP}

${TRAIN_HELP}

${DEPLOY_HELP}

${ROLLBACK_HELP}

${STATUS_HELP}

${DRIFT_HELP}

${COST_HELP}

Every command takes --json (machine-readable output on stdout) and --stage S (read resource
names from the stage's SSM parameters; \`gantry cost\` reads the stage's configuration). The
SDK's variables apply: AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_S3
(e.g. DynamoDB Local, s3rver).
Exit codes: 0 ok, 1 the operation failed, 2 bad command line.`;

const GROUP_HELP = { registry: REGISTRY_HELP, features: FEATURES_HELP, train: TRAIN_HELP, deploy: DEPLOY_HELP, rollback: ROLLBACK_HELP, status: STATUS_HELP, drift: DRIFT_HELP, cost: COST_HELP } as const;

/** Runs one CLI invocation and returns its exit code. Errors go to stderr, results to stdout. */
export async function run(argv: readonly string[], io: CliIo, clients: CliClients = defaultClients()): Promise<number> {
  const [group, command, ...rest] = argv;
  try {
    if (group === undefined || group === '--help' || group === '-h' || group === 'help') {
      io.stdout(`${HELP}\n`);
      return 0;
    }
    if (command === '--help' || command === '-h' || rest.includes('--help') || rest.includes('-h')) {
      io.stdout(`${Object.hasOwn(GROUP_HELP, group) ? GROUP_HELP[group as keyof typeof GROUP_HELP] : HELP}\n`);
      return 0;
    }
    switch (group) {
      case 'registry':
        return await registryCommand(command, rest, io, clients);
      case 'features':
        return await featuresCommand(command, rest, io, clients);
      case 'train':
        return await trainCommand(argv.slice(1), io, clients);
      case 'deploy':
        return await deployCommand(argv.slice(1), io, clients);
      case 'rollback':
        return await rollbackCommand(argv.slice(1), io, clients);
      case 'status':
        return await statusCommand(argv.slice(1), io, clients);
      case 'drift':
        return await driftCommand(command, rest, io, clients);
      case 'cost':
        return await costCommand(command, rest, io, clients);
      default:
        throw new UsageError(`unknown command group "${group}"; try: ${Object.keys(GROUP_HELP).join(', ')} (gantry --help)`);
    }
  } catch (error) {
    return report(error, io);
  }
}

function report(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    io.stderr(`gantry: ${error.message}\n`);
    return 2;
  }
  if (error instanceof RegistryError || error instanceof InvalidRegistrationError || (error instanceof Error && error.name.endsWith('Error') && error.name !== 'Error')) {
    io.stderr(`gantry: ${(error as Error).name}: ${(error as Error).message}\n`);
    return 1;
  }
  io.stderr(`gantry: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}

/** The process entry point (`bin/gantry.js`). */
export async function main(): Promise<void> {
  process.exitCode = await run(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
  });
}
