import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/*
 * The rooms of ARCHITECTURE (docs/architecture.md), checked from the import graph of every
 * source file: what each room may import, and no cycles. Type-only imports count: a type from
 * the wrong room couples the rooms as much as a value does.
 */

const ROOT = resolve(__dirname, '..', '..');
const SOURCE_ROOMS = ['bin', 'lib', 'lambdas', 'client', 'cli', 'tools', 'bench'] as const;

interface SourceFile {
  /** Repo-relative path, e.g. `lib/stacks/data-stack.ts`. */
  readonly path: string;
  /** Repo-relative paths of the project files it imports. */
  readonly files: readonly string[];
  /** npm packages it imports (`aws-cdk-lib`, `@aws-sdk/client-s3`, `node:fs` as `node:fs`). */
  readonly packages: readonly string[];
}

function listSources(dir: string): string[] {
  const abs = join(ROOT, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|mts)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f));
}

function resolveImport(from: string, specifier: string): string {
  const base = resolve(ROOT, dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.mts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return relative(ROOT, candidate);
  }
  throw new Error(`${from}: cannot resolve import "${specifier}"`);
}

function packageOf(specifier: string): string {
  if (specifier.startsWith('node:')) return specifier;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function parse(path: string): SourceFile {
  const { importedFiles } = ts.preProcessFile(readFileSync(join(ROOT, path), 'utf8'), true, true);
  const files: string[] = [];
  const packages: string[] = [];
  for (const { fileName } of importedFiles) {
    if (fileName.startsWith('.')) files.push(resolveImport(path, fileName));
    else packages.push(packageOf(fileName));
  }
  return { path, files, packages };
}

const sources = SOURCE_ROOMS.flatMap(listSources).map(parse);
const byPath = new Map(sources.map((s) => [s.path, s]));

function inRoom(path: string, room: string): boolean {
  return path === room || path.startsWith(`${room}/`);
}

const CONTRACT = 'lib/contract';
/** The AWS SDK clients and their helpers (`@aws-sdk/lib-dynamodb`, …). */
const isSdk = (pkg: string) => pkg.startsWith('@aws-sdk/');
const isCdk = (pkg: string) => pkg === 'aws-cdk-lib' || pkg === 'constructs' || pkg === 'cdk-nag' || pkg.startsWith('@cdklabs/') || pkg.startsWith('@aws-cdk/');

interface Rule {
  readonly room: string;
  readonly except?: string;
  readonly says: string;
  readonly refusesFile: (target: string) => boolean;
  readonly refusesPackage: (pkg: string) => boolean;
}

const RULES: readonly Rule[] = [
  {
    room: CONTRACT,
    says: 'the contract imports nothing: no package, no file outside it',
    refusesFile: (t) => !inRoom(t, CONTRACT),
    refusesPackage: () => true,
  },
  {
    room: 'lib',
    except: CONTRACT,
    says: 'lib/ (deploy time) imports the CDK and the contract, never an SDK client or run-time code',
    refusesFile: (t) => !inRoom(t, 'lib'),
    refusesPackage: isSdk,
  },
  {
    room: 'lambdas',
    says: 'lambdas/ imports nothing of lib/ but the contract, and never the CDK',
    refusesFile: (t) => !inRoom(t, 'lambdas') && !inRoom(t, CONTRACT),
    refusesPackage: isCdk,
  },
  {
    room: 'client',
    says: 'the client runs in applications: the SDK, the contract and run-time code, never the CDK',
    refusesFile: (t) => !inRoom(t, 'client') && !inRoom(t, CONTRACT) && !inRoom(t, 'lambdas/core') && !inRoom(t, 'lambdas/adapters'),
    refusesPackage: isCdk,
  },
  {
    room: 'cli',
    says: 'cli/ sees both worlds, but not the local tools or the tests',
    refusesFile: (t) => inRoom(t, 'tools') || inRoom(t, 'test') || inRoom(t, 'bin') || inRoom(t, 'bench'),
    refusesPackage: () => false,
  },
];

function violations(rule: Rule): string[] {
  return sources
    .filter((s) => inRoom(s.path, rule.room) && !(rule.except !== undefined && inRoom(s.path, rule.except)))
    .flatMap((s) => [...s.files.filter(rule.refusesFile).map((t) => `${s.path} → ${t}`), ...s.packages.filter(rule.refusesPackage).map((p) => `${s.path} → ${p}`)]);
}

/** Every cycle's smallest rotation, found by a depth-first search over the project files. */
function cycles(): string[][] {
  const found = new Map<string, string[]>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (path: string): void => {
    state.set(path, 'open');
    stack.push(path);
    for (const next of byPath.get(path)?.files ?? []) {
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next));
        const start = cycle.indexOf([...cycle].sort()[0]!);
        const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
        found.set(rotated.join(' → '), rotated);
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(path, 'done');
  };
  for (const { path } of sources) if (!state.has(path)) visit(path);
  return [...found.values()];
}

describe('the import graph', () => {
  it('covers every room (the parser found the sources and their imports)', () => {
    for (const room of ['bin', 'lib', 'lambdas', 'client', 'cli', 'tools', CONTRACT]) {
      expect(sources.some((s) => inRoom(s.path, room)), room).toBe(true);
    }
    expect(byPath.get('lib/stacks/data-stack.ts')?.packages).toContain('aws-cdk-lib');
    expect(byPath.get('lib/stacks/data-stack.ts')?.files).toContain('lib/contract/index.ts');
  });

  it.each(RULES.map((rule) => [rule.says, rule] as const))('%s', (_says, rule) => {
    expect(violations(rule)).toEqual([]);
  });

  it('reaches the contract only through its index from outside it', () => {
    const deep = sources.filter((s) => !inRoom(s.path, CONTRACT)).flatMap((s) => s.files.filter((t) => inRoom(t, CONTRACT) && t !== `${CONTRACT}/index.ts`).map((t) => `${s.path} → ${t}`));
    expect(deep).toEqual([]);
  });

  it('has no source file importing the tests', () => {
    expect(sources.flatMap((s) => s.files.filter((t) => inRoom(t, 'test')).map((t) => `${s.path} → ${t}`))).toEqual([]);
  });

  it('has no import cycles', () => {
    expect(cycles().map((c) => [...c, c[0]].join(' → '))).toEqual([]);
  });

  it('finds a planted violation and a planted cycle', () => {
    const planted: SourceFile[] = [
      { path: 'lib/planted.ts', files: ['lambdas/planted.ts'], packages: ['@aws-sdk/client-s3'] },
      { path: 'lambdas/planted.ts', files: ['lib/planted.ts'], packages: [] },
    ];
    for (const p of planted) byPath.set(p.path, p);
    sources.push(...planted);
    try {
      expect(violations(RULES[1]!)).toEqual(['lib/planted.ts → lambdas/planted.ts', 'lib/planted.ts → @aws-sdk/client-s3']);
      expect(cycles().map((c) => c.join(' → '))).toContain('lambdas/planted.ts → lib/planted.ts');
    } finally {
      sources.splice(sources.length - planted.length, planted.length);
      for (const p of planted) byPath.delete(p.path);
    }
  });
});
