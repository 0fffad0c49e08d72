import { existsSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/** A link of a document that leads nowhere, or out of the repository. */
export interface BrokenLink {
  readonly file: string;
  readonly target: string;
  readonly reason: string;
}

// Outside the repository, the docs link only to AWS's public documentation (and its knowledge center).
const ALLOWED_HOSTS = /^https:\/\/(docs\.aws\.amazon\.com\/|aws\.amazon\.com\/|repost\.aws\/knowledge-center\/)/;

/** The link targets of a Markdown document: inline links and images, outside code. */
export function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

/** Every link of `file` (relative to `root`) that does not resolve to a file or folder of the repository. */
export function brokenLinks(root: string, file: string, markdown: string): BrokenLink[] {
  const broken: BrokenLink[] = [];
  for (const target of linkTargets(markdown)) {
    if (/^[a-z]+:/i.test(target)) {
      if (!ALLOWED_HOSTS.test(target)) broken.push({ file, target, reason: 'links outside the repository (only AWS documentation is allowed)' });
      continue;
    }
    const path = target.split('#')[0]!;
    if (path === '') continue;
    const resolved = normalize(join(dirname(join(root, file)), decodeURIComponent(path)));
    if (relative(root, resolved).startsWith('..')) broken.push({ file, target, reason: 'points outside the repository' });
    else if (!existsSync(resolved)) broken.push({ file, target, reason: 'no such file' });
  }
  return broken;
}
