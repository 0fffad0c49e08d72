import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { churnCustomers, toCsv } from '../../tools/local/lifecycle/churn-data';
import { checkPython, PYTHON } from '../../tools/local/lifecycle/python-model';

/*
 * The example model, run for real on CPU: preprocess → train → resume from a checkpoint →
 * serve through inference.py's handlers. SageMaker's containers have PyTorch 2; this runs on
 * Debian's python3-torch (1.13) and python3-pandas, which .ci/run installs.
 */
const EXAMPLE = join(__dirname, '..', '..', 'examples', 'churn');

function run(args: string[], env: Record<string, string> = {}): { stdout: string; stderr: string } {
  const result = spawnSync(PYTHON, args, { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env }, timeout: 120_000 });
  if (result.status !== 0) throw new Error(`${PYTHON} ${args.join(' ')} failed (${result.status}):\n${result.stderr}\n${result.stdout}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

describe('the churn example, run for real', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-churn-'));
  const at = (...parts: string[]) => join(dir, ...parts);
  const trainArgs = (epochs: number) => [
    join(EXAMPLE, 'train.py'),
    '--epochs', String(epochs),
    '--batch-size', '128',
    '--train', at('processed', 'train'),
    '--validation', at('processed', 'validation'),
    '--model-dir', at('model'),
    '--output-data-dir', at('output'),
    '--checkpoint-dir', at('checkpoints'),
  ];

  beforeAll(() => {
    checkPython();
    mkdirSync(at('raw'), { recursive: true });
    writeFileSync(at('raw', 'customers.csv'), toCsv(churnCustomers(2000, 7)));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('preprocesses raw data into train and validation CSVs with the label first and the features in the model order', () => {
    run([join(EXAMPLE, 'preprocess.py'), '--input-dir', at('raw'), '--output-dir', at('processed')]);
    const train = readFileSync(at('processed', 'train', 'train.csv'), 'utf8').trim().split('\n');
    const validation = readFileSync(at('processed', 'validation', 'validation.csv'), 'utf8').trim().split('\n');
    expect(train[0]).toBe('label,tenure_months,monthly_spend,support_tickets_30d,logins_30d,plan_tier');
    expect(train.length - 1 + validation.length - 1).toBe(2000);
    expect(validation.length - 1).toBe(400);
  });

  it('trains, checkpoints, and writes the model, evaluation.json and predictions.csv', () => {
    run(trainArgs(4));
    const evaluation = JSON.parse(readFileSync(at('output', 'evaluation.json'), 'utf8')) as { metrics: Record<string, number> };
    expect(Object.keys(evaluation.metrics).sort()).toEqual(['accuracy', 'auc', 'logloss']);
    // The planted signal is strong: a model that learned nothing would sit at 0.5.
    expect(evaluation.metrics.auc).toBeGreaterThan(0.8);
    const predictions = readFileSync(at('output', 'predictions.csv'), 'utf8').trim().split('\n');
    expect(predictions[0]).toBe('prediction');
    expect(predictions).toHaveLength(401);
    expect(predictions.slice(1).every((p) => Number(p) >= 0 && Number(p) <= 1)).toBe(true);
    expect(existsSync(at('model', 'model.pt'))).toBe(true);
    expect(readdirSync(at('checkpoints')).length).toBeGreaterThan(0);
  });

  it('resumes from the latest checkpoint after a spot interruption instead of starting over', () => {
    // The first run trained epochs 0-3; asked for 6, the second picks up at epoch 4.
    const log = run(trainArgs(6)).stdout;
    expect(log).toContain('resumed from the checkpoint of epoch 3');
    const epochs = [...log.matchAll(/^epoch=(\d+) /gm)].map((m) => Number(m[1]));
    expect(epochs).toEqual([4, 5]);
  });

  it('serves CSV and JSON requests the way the Gantry client sends them', () => {
    const script = [
      'import json, sys',
      `sys.path.insert(0, ${JSON.stringify(EXAMPLE)})`,
      'import inference',
      `model = inference.model_fn(${JSON.stringify(at('model'))})`,
      'csv = "3,120.5,6,1,basic\\n50,30.0,0,35,enterprise"',
      'out_csv = inference.output_fn(inference.predict_fn(inference.input_fn(csv, "text/csv"), model), "text/csv")',
      'body = json.dumps({"instances": [{"tenure_months": 3, "monthly_spend": 120.5, "support_tickets_30d": 6, "logins_30d": 1, "plan_tier": "basic"}]})',
      'out_json = inference.output_fn(inference.predict_fn(inference.input_fn(body, "application/json"), model), "application/json")',
      'print(json.dumps({"csv": out_csv if isinstance(out_csv, str) else out_csv[0], "json": out_json if isinstance(out_json, str) else out_json[0]}))',
    ].join('\n');
    const { stdout } = run(['-c', script]);
    const out = JSON.parse(stdout.trim().split('\n').pop()!) as { csv: string; json: string };
    const csvScores = out.csv.trim().split('\n').map(Number);
    expect(csvScores).toHaveLength(2);
    // The risky customer (short tenure, many tickets) scores above the loyal one.
    expect(csvScores[0]!).toBeGreaterThan(csvScores[1]!);
    const json = JSON.parse(out.json) as { predictions: number[] };
    expect(json.predictions).toHaveLength(1);
    expect(json.predictions[0]).toBeCloseTo(csvScores[0]!, 5);
  });
});
