/*
 * Example outputs in the docs are written by the commands that produce them, between markers:
 *
 *   <!-- generated:NAME -->
 *   ```
 *   …
 *   ```
 *   <!-- /generated:NAME -->
 *
 * so a sample can never show what the code no longer prints (the README once showed 3 stacks
 * and 68 resources where `npm start` printed 4 and 99).
 */

const BLOCK = /<!-- generated:([a-z0-9-]+) -->\n[\s\S]*?<!-- \/generated:\1 -->/g;

/** Thrown for a marker without its closing marker, or a block no generator knows. */
export class GeneratedBlockError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'GeneratedBlockError';
  }
}

/** The names of the generated blocks a document holds, in order. */
export function blockNames(file: string, text: string): string[] {
  const opened = [...text.matchAll(/<!-- generated:([a-z0-9-]+) -->/g)].map((m) => m[1]!);
  const closed = [...text.matchAll(BLOCK)].map((m) => m[1]!);
  const unclosed = opened.filter((name) => !closed.includes(name));
  if (unclosed.length > 0) throw new GeneratedBlockError(file, `<!-- generated:${unclosed[0]} --> has no closing <!-- /generated:${unclosed[0]} -->`);
  return closed;
}

/** The document with every generated block's body replaced by its output, as a fenced block. */
export function fillBlocks(file: string, text: string, outputs: Readonly<Record<string, string>>): string {
  blockNames(file, text);
  return text.replace(BLOCK, (_block, name: string) => {
    const output = outputs[name];
    if (output === undefined) throw new GeneratedBlockError(file, `no generator for <!-- generated:${name} -->; known: ${Object.keys(outputs).join(', ')}`);
    return `<!-- generated:${name} -->\n\`\`\`\n${output.replace(/\n+$/, '')}\n\`\`\`\n<!-- /generated:${name} -->`;
  });
}
