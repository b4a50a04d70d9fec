import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { globSync } from 'node:fs';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

/**
 * One Vitest project per Nx project, named like the Nx project, so that
 * `nx run-many -t test` runs `vitest run --project <name>` for each of them.
 * Workspace libs resolve to their TypeScript sources through the `development`
 * export condition; swc compiles them with decorator metadata, as the build does.
 */
const workspaceProjects = [
  'apps/*',
  'libs/*',
  'libs/plugins/*',
  'libs/providers/*',
  'tools',
  'tests/integration',
]
  .flatMap((pattern) => globSync(`${pattern}/package.json`))
  .map((manifest) => ({
    root: dirname(manifest),
    name: JSON.parse(readFileSync(manifest, 'utf8')).name as string,
  }));

const swcPlugin = swc.vite({
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2023',
    keepClassNames: true,
  },
});

export default defineConfig({
  test: {
    projects: workspaceProjects.map(({ root, name }) => ({
      plugins: [swcPlugin],
      resolve: { conditions: ['development'] },
      ssr: { resolve: { conditions: ['development'], externalConditions: ['development'] } },
      test: {
        name,
        root,
        include: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/*.integration-spec.ts'],
        exclude: ['**/node_modules/**', '**/dist/**'],
        testTimeout: 30_000,
        hookTimeout: 60_000,
        passWithNoTests: true,
      },
    })),
  },
});
