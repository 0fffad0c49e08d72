import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The example runs in SageMaker containers, not here: these tests need python3 only (no torch,
// numpy or pandas), to check that every script compiles and that the scripts agree on the data.
const EXAMPLE = join(__dirname, '..', '..', 'examples', 'churn');
const FEATURES = ['tenure_months', 'monthly_spend', 'support_tickets_30d', 'logins_30d', 'plan_tier'];

function pythonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '__pycache__' ? [] : pythonFiles(path);
    return entry.name.endsWith('.py') ? [path] : [];
  });
}

/** The module-level literal constants of a script, read with Python's ast (nothing is imported). */
function constants(file: string): Record<string, unknown> {
  python();
  const script = [
    'import ast, json, sys',
    'tree = ast.parse(open(sys.argv[1], encoding="utf-8").read())',
    'out = {}',
    'for node in tree.body:',
    '    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):',
    '        try: out[node.targets[0].id] = ast.literal_eval(node.value)',
    '        except ValueError: pass',
    'print(json.dumps(out))',
  ].join('\n');
  const result = spawnSync('python3', ['-c', script, file], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`reading the constants of ${file} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

let checked: { cache: string } | undefined;

/**
 * Fails the calling test (never skips it) when python3 cannot be run, and gives the scratch
 * folder compiled files go to, so nothing is written into the example's folder.
 */
function python(): { cache: string } {
  if (checked) return checked;
  const probe = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(`python3 is required to check examples/churn but could not be run (${probe.error?.message ?? probe.stderr}); install python3 (e.g. apt-get install -y python3)`);
  }
  checked = { cache: mkdtempSync(join(tmpdir(), 'gantry-pycache-')) };
  return checked;
}

describe('examples/churn', () => {
  afterAll(() => {
    if (checked) rmSync(checked.cache, { recursive: true, force: true });
  });

  it('holds the scripts, requirements and README', () => {
    expect(pythonFiles(EXAMPLE).map((file) => relative(EXAMPLE, file)).sort()).toEqual(['inference.py', 'preprocess.py', 'train.py']);
    const readme = readFileSync(join(EXAMPLE, 'README.md'), 'utf8');
    for (const file of ['preprocess.py', 'train.py', 'inference.py', 'requirements.txt']) expect(readme).toContain(file);
  });

  it.each(pythonFiles(EXAMPLE).map((file) => [relative(EXAMPLE, file), file]))('%s compiles (python3 -m py_compile)', (_, file) => {
    const { cache } = python();
    const result = spawnSync('python3', ['-m', 'py_compile', file], { encoding: 'utf8', env: { ...process.env, PYTHONPYCACHEPREFIX: cache } });
    expect(result.error).toBeUndefined();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('declares one feature order and one label in every script, as the endpoint and the baseline expect', () => {
    const [preprocess, train, inference] = ['preprocess.py', 'train.py', 'inference.py'].map((file) => constants(join(EXAMPLE, file)));
    expect(preprocess).toMatchObject({ FEATURES, LABEL: 'label' });
    expect(train).toMatchObject({ FEATURES, LABEL: 'label' });
    expect(inference).toMatchObject({ FEATURES });
    // The endpoint must encode plan_tier exactly as the training data was encoded.
    expect(inference!.PLAN_TIERS).toEqual(preprocess!.PLAN_TIERS);
  });

  it('trains with the documented hyperparameters and SageMaker paths', () => {
    const train = readFileSync(join(EXAMPLE, 'train.py'), 'utf8');
    for (const flag of ['--epochs', '--batch-size', '--learning-rate']) expect(train).toContain(`"${flag}"`);
    for (const name of ['SM_CHANNEL_TRAIN', 'SM_CHANNEL_VALIDATION', 'SM_MODEL_DIR', 'SM_OUTPUT_DATA_DIR', '/opt/ml/checkpoints']) expect(train).toContain(name);
    expect(train).not.toMatch(/sklearn/);
  });

  it('leaves torch to the container', () => {
    const requirements = readFileSync(join(EXAMPLE, 'requirements.txt'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));
    expect(requirements.some((line) => /^torch\b/i.test(line))).toBe(false);
    expect(requirements.map((line) => line.split(/[<>=]/)[0])).toEqual(['numpy', 'pandas']);
  });
});
