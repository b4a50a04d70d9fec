import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/**
 * The arrows of docs/architecture.md, as Nx tag constraints.
 * `plugin-api` imports nothing; providers reach only the contract and their shared bases;
 * plugins never see providers (they use the driver registry of the contract); the catalog is the
 * one place that puts plugins and providers together (with the core to check them against each
 * other), and apps compose from it.
 */
const allowed = {
  'type:contract': [],
  'type:core': ['type:contract', 'type:core'],
  'type:feature': ['type:contract', 'type:core'],
  'type:plugin': ['type:contract', 'type:core'],
  // A base for a wire format several providers share (Ollama's) builds on the OpenAI base.
  'type:provider-base': ['type:contract', 'type:provider-base'],
  'type:provider': ['type:contract', 'type:provider-base'],
  'type:testing': ['type:contract', 'type:core', 'type:testing'],
  'type:catalog': ['type:contract', 'type:core', 'type:plugin', 'type:provider'],
  'type:app': ['type:contract', 'type:core', 'type:feature', 'type:catalog'],
  'type:tool': ['type:contract', 'type:core', 'type:feature', 'type:catalog', 'type:testing'],
  'type:e2e': ['type:contract', 'type:core', 'type:feature', 'type:catalog', 'type:testing'],
};

/** Tests may also use the shared test kit (mock providers, harness). */
const constraints = (extra) =>
  Object.entries(allowed).map(([sourceTag, targets]) => ({
    sourceTag,
    onlyDependOnLibsWithTags: [...new Set([...targets, ...extra])],
  }));

const testFiles = [
  '**/*.spec.ts',
  '**/*.spec-helpers.ts',
  '**/*.e2e-spec.ts',
  '**/*.integration-spec.ts',
  '**/test/**/*.ts',
];

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', 'tmp/**', 'data/**', '.nx/**'] },
  ...nx.configs['flat/base'],
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          banTransitiveDependencies: false,
          depConstraints: constraints([]),
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../../*/src/*', '../../../*/src/*', '*/libs/*'],
              message: 'Import another lib through its @switchyard/<lib> alias.',
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: testFiles,
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          banTransitiveDependencies: false,
          depConstraints: constraints(['type:testing']),
        },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  prettier,
];
