import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/*
 * The AWS SDK commands a Lambda handler's code can send, read from its bundle: the handler is
 * bundled with the local esbuild (nothing written) with the SDK left external, so the bundle's
 * imports from `@aws-sdk/*` are exactly what the handler's own reachable source files import
 * (tree shaking drops what no reachable file imports).
 */

const PROJECT_ROOT = resolve(__dirname, '..', '..');

export interface BundledCommand {
  /** `@aws-sdk/client-s3`. */
  readonly client: string;
  /** `GetObjectCommand`, or lib-storage's `Upload`. */
  readonly command: string;
  /** The handler's own source files (relative to the project) that import it. */
  readonly files: readonly string[];
}

/** A command the bundle imports, by its exported name (esbuild renames clashing imports `X as X2`). */
const IMPORT = /^import\s*\{([^}]*)\}\s*from\s*"(@aws-sdk\/[^"]+)";?$/gm;
const NAMESPACE_IMPORT = /^import\s+\*\s+as\s+\w+\s+from\s*"(@aws-sdk\/[^"]+)"/m;

function isCommand(client: string, name: string): boolean {
  return name.endsWith('Command') || (client === '@aws-sdk/lib-storage' && name === 'Upload');
}

/** The SDK commands `lambdas/<handler>/handler.ts` bundles. @throws when the code imports a whole SDK package (its commands could not be told). */
export async function bundledCommands(handler: string): Promise<BundledCommand[]> {
  const result = await build({
    entryPoints: [join(PROJECT_ROOT, 'lambdas', handler, 'handler.ts')],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
    external: ['@aws-sdk/*', '@smithy/*', '@aws-lambda-powertools/*'],
  });
  const output = result.outputFiles[0]!.text;
  const namespace = NAMESPACE_IMPORT.exec(output);
  if (namespace) throw new Error(`${handler} imports all of ${namespace[1]}: import its commands by name so they can be checked`);
  const ownFiles = Object.keys(result.metafile.inputs).filter((path) => !path.includes('node_modules'));
  const commands = new Map<string, BundledCommand>();
  for (const match of output.matchAll(IMPORT)) {
    const client = match[2]!;
    for (const specifier of match[1]!.split(',')) {
      const name = specifier.trim().split(/\s+as\s+/)[0]!;
      if (!name || !isCommand(client, name)) continue;
      const files = ownFiles.filter((file) => readFileSync(join(PROJECT_ROOT, file), 'utf8').includes(name));
      commands.set(`${client} ${name}`, { client, command: name, files });
    }
  }
  return [...commands.values()].sort((a, b) => `${a.client} ${a.command}`.localeCompare(`${b.client} ${b.command}`));
}
