import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { stageId, synthesizeStages } from '../lib/app';
import { loadAllStageConfigs, type StageConfig } from '../lib/config';
import type { StackTemplate } from '../lib/cost';
import type { CliIo } from './context';

/*
 * The synthesized templates the cost commands read: from cdk.out when it is up to date, else
 * synthesized there first (templates only).
 */

/** The project's root: the synthesized app and its sources (lib/, bin/, lambdas/, cdk.json). */
const PROJECT_ROOT = resolve(__dirname, '..');

/** Where `npm start` and `cdk synth` write the app. */
export const DEFAULT_CDK_OUT = join(PROJECT_ROOT, 'cdk.out');

/** What a synthesis depends on: a file here newer than cdk.out's manifest makes cdk.out stale. */
const SOURCES = ['lib', 'bin', 'lambdas', 'cdk.json'];

/**
 * Each stage's synthesized stacks, by stage name, read from `cdkOut`. Synthesizes every stage
 * there first when `cdkOut` is missing, stale or lacks one of the stages (telling the user on stderr).
 */
export function stageTemplates(configs: readonly StageConfig[], cdkOut: string, io: CliIo): Map<string, StackTemplate[]> {
  let reason = synthReason(cdkOut);
  let assembly: CloudAssembly | undefined;
  if (reason === undefined) {
    try {
      assembly = new CloudAssembly(cdkOut);
      const missing = configs.map(stageId).filter((id) => !assembly!.nestedAssemblies.some((n) => n.displayName === id));
      if (missing.length > 0) reason = `it has no ${missing.join(', ')}`;
    } catch (error) {
      reason = `it cannot be read: ${(error as Error).message}`;
    }
  }
  if (reason !== undefined) assembly = synthesize(cdkOut, reason, io);
  return new Map(
    configs.map((config) => {
      const nested = assembly!.nestedAssemblies.find((n) => n.displayName === stageId(config));
      if (nested === undefined) throw new Error(`the app synthesized into ${cdkOut} has no stage ${stageId(config)}`);
      return [config.name, nested.nestedAssembly.stacks.map((s) => ({ stackName: s.stackName, template: s.template as StackTemplate['template'] }))];
    }),
  );
}

/** Why `cdkOut` must be synthesized again, or undefined when it is up to date. */
export function synthReason(cdkOut: string, root: string = PROJECT_ROOT): string | undefined {
  const manifest = join(cdkOut, 'manifest.json');
  if (!existsSync(manifest)) return `${cdkOut} holds no synthesized app`;
  const synthesized = statSync(manifest).mtimeMs;
  const newest = newestFile(SOURCES.map((s) => join(root, s)));
  if (newest !== undefined && newest.mtimeMs > synthesized) return `${relative(root, newest.path)} changed after the last synthesis`;
  return undefined;
}

/** The most recently modified file under the given files and directories (node_modules skipped). */
function newestFile(paths: readonly string[]): { path: string; mtimeMs: number } | undefined {
  let newest: { path: string; mtimeMs: number } | undefined;
  const visit = (path: string): void => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== 'node_modules') visit(join(path, entry));
    } else if (newest === undefined || stat.mtimeMs > newest.mtimeMs) {
      newest = { path, mtimeMs: stat.mtimeMs };
    }
  };
  paths.forEach(visit);
  return newest;
}

/** Synthesizes every configured stage into `cdkOut`, as `npm start` does but without bundling. */
function synthesize(cdkOut: string, reason: string, io: CliIo): CloudAssembly {
  io.stderr(`gantry: synthesizing every stage into ${cdkOut} first (${reason}); Lambda bundling is skipped, since the estimate reads only the templates (npm start bundles again)\n`);
  return synthesizeStages(loadAllStageConfigs(), { outdir: cdkOut, bundling: false });
}
