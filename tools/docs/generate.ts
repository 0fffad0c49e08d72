#!/usr/bin/env node
// `npm run docs`: writes docs/configuration-reference.md from the schema and refreshes every
// generated example output in the README, CONTRIBUTING and docs/ (test/tools/docs checks both).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigReference } from './config-reference';
import { docFiles, readDoc } from './doc-files';
import { blockNames, fillBlocks } from './generated-blocks';
import { SAMPLES } from './samples';

export const CONFIG_REFERENCE = 'docs/configuration-reference.md';

function documentsWithBlocks(root: string): Array<readonly [string, string]> {
  return docFiles(root)
    .filter((f) => f !== CONFIG_REFERENCE)
    .map((file) => [file, readDoc(root, file)] as const)
    .filter(([file, text]) => blockNames(file, text).length > 0);
}

/** The documents `npm run docs` writes: the reference and every document with a generated block. */
export function generatedFiles(root: string): string[] {
  return [CONFIG_REFERENCE, ...documentsWithBlocks(root).map(([file]) => file)];
}

/** Every generated document as it should be committed: file → content. */
export function generateDocs(root: string): Map<string, string> {
  const docs = new Map<string, string>([[CONFIG_REFERENCE, renderConfigReference()]]);
  const texts = documentsWithBlocks(root);
  const needed = new Set(texts.flatMap(([file, text]) => blockNames(file, text)));
  // Only the samples some document shows are run: the npm start summary costs a synth.
  const outputs = Object.fromEntries(Object.entries(SAMPLES).filter(([name]) => needed.has(name)).map(([name, run]) => [name, run()]));
  for (const [file, text] of texts) docs.set(file, fillBlocks(file, text, outputs));
  return docs;
}

if (require.main === module) {
  const root = join(__dirname, '..', '..');
  for (const [file, content] of generateDocs(root)) writeFileSync(join(root, file), content);
}
