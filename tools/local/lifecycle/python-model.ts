import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * The example model's own scripts, run for real: preprocess.py and train.py as SageMaker's
 * Processing and training containers would run them, and inference.py's handlers behind one
 * long-lived Python process, as the serving container keeps the model loaded.
 */

export const PYTHON = process.env.GANTRY_EXAMPLE_PYTHON ?? '/usr/bin/python3';

/** Fails early, naming what to install, when the Python cannot run the example. */
export function checkPython(): void {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, pandas, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(`${PYTHON} cannot import torch, pandas and numpy, which the example model needs: apt-get install -y python3-torch python3-pandas python3-numpy (or set GANTRY_EXAMPLE_PYTHON)\n${probe.stderr ?? ''}`);
  }
}

/** Runs a script to its end; a non-zero exit throws with its output. */
export function runScript(script: string, args: readonly string[], env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [script, ...args], { env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited with ${code}:\n${output.slice(-2000)}`))));
  });
}

/**
 * Runs train.py until it has written `checkpoint` checkpoints, then kills it (SIGKILL: a spot
 * reclaim gives the container two minutes, and a script may not use them), as SageMaker's
 * managed spot training sees an interruption.
 */
export function runUntilCheckpoint(script: string, args: readonly string[], checkpointDir: string, checkpoints: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [script, ...args], { env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    let output = '';
    const collect = (chunk: Buffer) => (output += chunk.toString());
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setInterval(() => {
      const written = existsSync(checkpointDir) ? readdirSync(checkpointDir).filter((f) => /^checkpoint-\d+\.pt$/.test(f)).length : 0;
      if (written >= checkpoints) child.kill('SIGKILL');
    }, 20);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(timer);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`${script} ended (${code}) before writing ${checkpoints} checkpoints, so no interruption could be simulated:\n${output.slice(-2000)}`));
    });
  });
}

// inference.py's four handlers, as the SageMaker PyTorch serving toolkit calls them, over JSON lines.
const BRIDGE = `
import json, sys, importlib.util
models = {}
handlers = {}
def load(code_dir):
    if code_dir not in handlers:
        spec = importlib.util.spec_from_file_location("inference_%d" % len(handlers), code_dir + "/inference.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        handlers[code_dir] = module
    return handlers[code_dir]
for line in sys.stdin:
    request = json.loads(line)
    try:
        h = load(request["codeDir"])
        key = request["modelDir"]
        if key not in models:
            models[key] = h.model_fn(key)
        body = h.output_fn(h.predict_fn(h.input_fn(request["body"], request["contentType"]), models[key]), request["accept"])
        print(json.dumps({"id": request["id"], "body": body}), flush=True)
    except Exception as error:
        print(json.dumps({"id": request["id"], "error": "%s: %s" % (type(error).__name__, error)}), flush=True)
`;

export interface InferenceRequest {
  /** The unpacked model.tar.gz. */
  readonly modelDir: string;
  readonly body: string;
  readonly contentType: string;
  readonly accept: string;
}

/** inference.py in one Python process, each model loaded once (model_fn), answering in order. */
export class InferenceServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, { resolve: (body: string) => void; reject: (error: Error) => void }>();
  private next = 0;

  constructor() {
    this.child = spawn(PYTHON, ['-c', BRIDGE], { env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    let stderr = '';
    this.child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const answer = JSON.parse(line) as { id: number; body?: string; error?: string };
      const waiting = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      if (answer.error !== undefined) waiting?.reject(new Error(`inference.py: ${answer.error}`));
      else waiting?.resolve(answer.body ?? '');
    });
    this.child.on('close', (code) => {
      for (const waiting of this.pending.values()) waiting.reject(new Error(`the inference process ended (${code}): ${stderr}`));
      this.pending.clear();
    });
  }

  invoke(request: InferenceRequest): Promise<string> {
    const id = this.next++;
    const codeDir = existsSync(join(request.modelDir, 'code', 'inference.py')) ? join(request.modelDir, 'code') : join(__dirname, '..', '..', '..', 'examples', 'churn');
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ id, codeDir, ...request })}\n`);
    });
  }

  close(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}
