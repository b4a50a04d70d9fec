import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  globSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '@switchyard/testing';

/** Where npm links the workspace packages (the root package.json's `workspaces`). */
const WORKSPACE_PATTERNS = [
  'apps/*',
  'libs/*',
  'libs/plugins/*',
  'libs/providers/*',
  'tools',
  'tests/integration',
];

/**
 * Copies this workspace's files, as git sees them (tracked and untracked, not ignored), to a new
 * temporary directory, whose `node_modules` links every installed package except the workspace's
 * own (see {@link linkWorkspacePackages}). Returns the copy's root.
 */
export function copyWorkspace(): string {
  const copy = mkdtempSync(join(tmpdir(), 'switchyard-workspace-'));
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0')) {
    // A file deleted in the working tree is still listed by --cached.
    if (file !== '' && existsSync(join(REPO_ROOT, file))) cpSync(join(REPO_ROOT, file), join(copy, file));
  }
  const modules = join(REPO_ROOT, 'node_modules');
  mkdirSync(join(copy, 'node_modules/@switchyard'), { recursive: true });
  for (const entry of readdirSync(modules)) {
    if (entry !== '@switchyard') symlinkSync(join(modules, entry), join(copy, 'node_modules', entry));
  }
  return copy;
}

/** Links each workspace package of `root` into its `node_modules`, as `npm install` does. */
export function linkWorkspacePackages(root: string): void {
  for (const manifest of WORKSPACE_PATTERNS.flatMap((pattern) =>
    globSync(`${pattern}/package.json`, { cwd: root }),
  )) {
    const name = (JSON.parse(readFileSync(join(root, manifest), 'utf8')) as { name: string }).name;
    const link = join(root, 'node_modules', name);
    if (!existsSync(link)) symlinkSync(join(root, dirname(manifest)), link);
  }
}

/** The environment of a tool run in the copy: this one, without the test runner's own variables. */
function toolEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('VITEST') && name !== 'NODE_ENV' && name !== 'TEST') env[name] ??= value;
  }
  return env;
}

/** Runs a Node script of an installed package in `root` (bounded to 90 s); its status and output. */
export function runNode(
  root: string,
  script: string,
  args: readonly string[],
): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [script, ...args], {
    cwd: root,
    env: toolEnvironment(),
    encoding: 'utf8',
    timeout: 90_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}${run.error ? String(run.error) : ''}` };
}
