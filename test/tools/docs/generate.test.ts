import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readDoc } from '../../../tools/docs/doc-files';
import { CONFIG_REFERENCE, generatedFiles, generateDocs } from '../../../tools/docs/generate';

const ROOT = join(__dirname, '..', '..', '..');

describe('npm run docs', () => {
  let generated: Map<string, string>;
  // One synth of both stages (bundling off) for the npm start sample: about 20 s on 2 cores.
  beforeAll(() => {
    generated = generateDocs(ROOT);
  }, 300_000);

  it('writes the configuration reference and every document that holds a generated sample', () => {
    expect([...generated.keys()]).toEqual(generatedFiles(ROOT));
    expect(generatedFiles(ROOT)).toEqual(expect.arrayContaining([CONFIG_REFERENCE, 'README.md', 'docs/cli.md', 'docs/configuration.md']));
  });

  it.each(generatedFiles(ROOT))('%s is up to date (run npm run docs when this fails)', (file) => {
    const stale = readDoc(ROOT, file) !== generated.get(file);
    expect(stale, `${file} is stale: run npm run docs and commit the result`).toBe(false);
  });

  it('shows what npm start prints for both shipped stages, the CLI\'s help and a config error', () => {
    const readme = generated.get('README.md')!;
    expect(readme).toMatch(/<!-- generated:npm-start -->\n```\nGantry-dev  account env-agnostic  region us-east-1  \d+ stack\(s\), \d+ resources\n/);
    expect(readme).toMatch(/\nGantry-prod  account 111111111111  region us-east-1  \d+ stack\(s\), \d+ resources\n/);
    expect(generated.get('docs/cli.md')).toContain('Usage: gantry <group> <command> [flags]');
    expect(generated.get('docs/configuration.md')).toMatch(/invalid config for stage "dev":\n  - models\[0\]\.training\.spot\.maxWaitSeconds: must be greater than/);
  });
});
