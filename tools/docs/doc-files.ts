import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The project's documentation: the README, CONTRIBUTING and every page of docs/. */
export function docFiles(root: string): string[] {
  const pages = readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', 'CONTRIBUTING.md', ...pages].filter((f) => existsSync(join(root, f)));
}

export const readDoc = (root: string, file: string) => readFileSync(join(root, file), 'utf8');
