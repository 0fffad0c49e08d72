import { describe, expect, it } from 'vitest';
import { blockNames, fillBlocks, GeneratedBlockError } from '../../../tools/docs/generated-blocks';

const DOC = `# Title

<!-- generated:gantry-help -->
\`\`\`
old output
\`\`\`
<!-- /generated:gantry-help -->

Between.

<!-- generated:npm-start -->
<!-- /generated:npm-start -->
`;

describe('generated blocks', () => {
  it('names the blocks of a document in order', () => {
    expect(blockNames('README.md', DOC)).toEqual(['gantry-help', 'npm-start']);
    expect(blockNames('README.md', '# nothing generated\n')).toEqual([]);
  });

  it('replaces each block\'s body with its output as a fenced block, leaving the rest alone', () => {
    expect(fillBlocks('README.md', DOC, { 'gantry-help': 'gantry: help\n', 'npm-start': 'Gantry-dev  4 stack(s)' })).toBe(`# Title

<!-- generated:gantry-help -->
\`\`\`
gantry: help
\`\`\`
<!-- /generated:gantry-help -->

Between.

<!-- generated:npm-start -->
\`\`\`
Gantry-dev  4 stack(s)
\`\`\`
<!-- /generated:npm-start -->
`);
  });

  it('is idempotent', () => {
    const outputs = { 'gantry-help': 'a', 'npm-start': 'b' };
    const once = fillBlocks('README.md', DOC, outputs);
    expect(fillBlocks('README.md', once, outputs)).toBe(once);
  });

  it('throws when a block has no closing marker', () => {
    expect(() => blockNames('docs/cli.md', '<!-- generated:gantry-help -->\ntext\n')).toThrow(GeneratedBlockError);
    expect(() => blockNames('docs/cli.md', '<!-- generated:gantry-help -->\ntext\n')).toThrow('docs/cli.md: <!-- generated:gantry-help --> has no closing <!-- /generated:gantry-help -->');
  });

  it('throws when no generator knows a block', () => {
    expect(() => fillBlocks('docs/cli.md', '<!-- generated:nope -->\n<!-- /generated:nope -->', { 'gantry-help': 'a' })).toThrow(/docs\/cli\.md: no generator for <!-- generated:nope -->; known: gantry-help/);
  });
});
