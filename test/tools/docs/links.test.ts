import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docFiles, readDoc } from '../../../tools/docs/doc-files';
import { brokenLinks, linkTargets } from '../../../tools/docs/links';

const ROOT = join(__dirname, '..', '..', '..');

describe('doc links', () => {
  it('every link of the README, CONTRIBUTING and docs/ leads to a file of the repository or to AWS documentation', () => {
    const files = docFiles(ROOT);
    expect(files).toEqual(expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'docs/README.md', 'docs/architecture.md', 'docs/configuration-reference.md']));

    expect(files.flatMap((file) => brokenLinks(ROOT, file, readDoc(ROOT, file)))).toEqual([]);
  });

  it('every page of docs/ is linked from the docs index', () => {
    const index = linkTargets(readDoc(ROOT, 'docs/README.md'));
    const pages = docFiles(ROOT).filter((f) => f.startsWith('docs/') && f !== 'docs/README.md').map((f) => f.slice('docs/'.length));

    expect(pages.filter((page) => !index.includes(page))).toEqual([]);
  });

  it('reads inline links outside code, with their anchors', () => {
    expect(linkTargets('See [a](docs/a.md#x), ![img](b.png "title") and `[not](c.md)`.\n```\n[nor](d.md)\n```\n')).toEqual(['docs/a.md#x', 'b.png']);
  });

  it('reports missing files, escapes from the repository and foreign hosts', () => {
    const root = mkdtempSync(join(tmpdir(), 'gantry-links-'));
    mkdirSync(join(root, 'docs'));
    writeFileSync(join(root, 'docs', 'here.md'), '# here\n');
    const markdown = '[ok](here.md#top) [anchor](#local) [aws](https://docs.aws.amazon.com/sagemaker/) [gone](gone.md) [out](../../shared/ARCHITECTURE.md) [web](https://example.com/)';

    expect(brokenLinks(root, 'docs/page.md', markdown)).toEqual([
      { file: 'docs/page.md', target: 'gone.md', reason: 'no such file' },
      { file: 'docs/page.md', target: '../../shared/ARCHITECTURE.md', reason: 'points outside the repository' },
      { file: 'docs/page.md', target: 'https://example.com/', reason: 'links outside the repository (only AWS documentation is allowed)' },
    ]);
  });
});
