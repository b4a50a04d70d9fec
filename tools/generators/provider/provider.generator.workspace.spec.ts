import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KONG_PROVIDERS } from './provider.generator.js';
import { copyWorkspace, linkWorkspacePackages, runNode } from './workspace-copy.spec-helpers.js';

/** A Kong provider this workspace has no lib for yet: the one generated into the copy. */
const id = Object.keys(KONG_PROVIDERS).find(
  (provider) => !existsSync(join(REPO_ROOT, 'libs/providers', provider)),
);

/** What Vitest's JSON reporter says of each test. */
interface VitestReport {
  readonly testResults: readonly {
    readonly assertionResults: readonly { readonly fullName: string; readonly status: string }[];
  }[];
}

// The generator as a developer runs it (`nx g @switchyard/tools:provider <id>`, Nx loading its
// TypeScript), in a copy of this workspace, followed by the checks CI runs there.
describe.skipIf(!id)(`the ${id} provider generated into a copy of the workspace`, () => {
  let copy: string;

  beforeAll(() => {
    copy = copyWorkspace();
    const generated = runNode(copy, 'node_modules/nx/dist/bin/nx.js', [
      'g',
      '@switchyard/tools:provider',
      id!,
      '--skipInstall',
      '--no-interactive',
    ]);
    expect(generated.status, generated.output).toBe(0);
    expect(generated.output).toContain(`Created @switchyard/provider-${id}`);
    linkWorkspacePackages(copy);
  }, 60_000);

  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  const generatedFiles = () => [
    `libs/providers/${id}`,
    `libs/testing/src/mock-providers/${id}.mock-provider.ts`,
    'libs/catalog/src/index.ts',
    'libs/testing/src/mock-providers/mock-provider-server.ts',
    'tsconfig.base.json',
  ];

  it('typechecks with the whole workspace', () => {
    const typecheck = runNode(copy, 'node_modules/typescript/bin/tsc', ['-p', 'tsconfig.json', '--noEmit']);
    expect(typecheck.status, typecheck.output).toBe(0);
  }, 60_000);

  it('lints and is formatted as the repo is', () => {
    const lint = runNode(copy, 'node_modules/eslint/bin/eslint.js', generatedFiles());
    expect(lint.status, lint.output).toBe(0);
    const format = runNode(copy, 'node_modules/prettier/bin/prettier.cjs', ['--check', ...generatedFiles()]);
    expect(format.status, format.output).toBe(0);
  }, 60_000);

  it('is registered: its spec passes, and the shared golden-case spec fails it for want of a complete case', () => {
    const report = join(copy, 'tmp/generated-provider.json');
    const run = runNode(copy, 'node_modules/vitest/vitest.mjs', [
      'run',
      '--project=@switchyard/catalog',
      `--project=@switchyard/provider-${id}`,
      'provider-golden-cases.spec.ts',
      `${id}.provider.spec.ts`,
      '--reporter=json',
      `--outputFile=${report}`,
    ]);
    expect(run.status, run.output).toBe(1);
    const results = (JSON.parse(readFileSync(report, 'utf8')) as VitestReport).testResults.flatMap(
      (file) => file.assertionResults,
    );
    expect(results.filter((test) => test.status === 'failed').map((test) => test.fullName)).toEqual([
      `${id} golden cases has complete cases for llm/v1/chat`,
      `${id} golden cases llm/v1/chat plain-chat has the files of a case`,
    ]);
    expect(results.filter((test) => test.fullName.startsWith(`${id}Provider `))).toEqual([
      expect.objectContaining({ status: 'passed' }),
      expect.objectContaining({ status: 'passed' }),
    ]);
  }, 60_000);
});
