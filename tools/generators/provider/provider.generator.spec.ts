import type { Tree } from '@nx/devkit';
import { createTree } from '@nx/devkit/testing';
import { PROVIDER_IDS } from '@switchyard/plugin-api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KONG_PROVIDERS, providerGenerator } from './provider.generator.js';

/**
 * The files the generator edits, as they were with OpenAI and Azure alone: each test can
 * then generate any provider, whichever this workspace has already.
 */
const OPENAI_AND_AZURE: Readonly<Record<string, string>> = {
  'tsconfig.base.json': JSON.stringify({
    compilerOptions: {
      paths: {
        '@switchyard/plugin-api': ['./libs/plugin-api/src/index.ts'],
        '@switchyard/provider-azure': ['./libs/providers/azure/src/index.ts'],
        '@switchyard/provider-openai': ['./libs/providers/openai/src/index.ts'],
        '@switchyard/testing': ['./libs/testing/src/index.ts'],
      },
    },
  }),
  'libs/catalog/src/index.ts': [
    "import { aiProxyPlugin } from '@switchyard/plugin-ai-proxy';",
    "import { azureProvider } from '@switchyard/provider-azure';",
    "import { openaiProvider } from '@switchyard/provider-openai';",
    "import { bindPlugin, type ProviderRegistry } from '@switchyard/plugin-api';",
    '',
    'export const PROVIDERS: ProviderRegistry = new Map(',
    '  [openaiProvider, azureProvider].map((driver) => [driver.id, driver]),',
    ');',
    '',
  ].join('\n'),
  'libs/testing/src/mock-providers/mock-provider-server.ts': [
    "import type { MockProviderDefinition } from './mock-provider-definition.js';",
    "import { azureMockProvider } from './azure.mock-provider.js';",
    "import type { MockProviderId } from './mock-provider.types.js';",
    "import { openAiMockProvider } from './openai.mock-provider.js';",
    '',
    'const DEFINITIONS: Readonly<Record<MockProviderId, MockProviderDefinition>> = {',
    '  openai: openAiMockProvider,',
    '  azure: azureMockProvider,',
    '};',
    '',
  ].join('\n'),
  'libs/testing/src/mock-providers/mock-provider.types.ts': [
    "import type { ProviderId } from '@switchyard/plugin-api';",
    '',
    "export type MockProviderId = Extract<ProviderId, 'openai' | 'azure'>;",
    '',
  ].join('\n'),
};

/** A virtual tree holding the files the generator edits, with OpenAI and Azure registered. */
function workspaceTree(): Tree {
  const tree = createTree();
  for (const [path, text] of Object.entries(OPENAI_AND_AZURE)) tree.write(path, text);
  return tree;
}

const read = (tree: Tree, path: string) => tree.read(path, 'utf-8') ?? '';

describe('the provider generator', () => {
  let tree: Tree;
  beforeEach(() => {
    // Prettier would format with its defaults here, away from the repo's config.
    vi.stubEnv('NX_SKIP_FORMAT', 'true');
    tree = workspaceTree();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("knows exactly Kong's providers", () => {
    expect(Object.keys(KONG_PROVIDERS).sort()).toEqual([...PROVIDER_IDS].sort());
  });

  it('creates the lib in the layout of a provider lib, with a first golden case folder', async () => {
    await providerGenerator(tree, { name: 'gemini', skipInstall: true });

    const lib = 'libs/providers/gemini';
    expect(
      tree
        .listChanges()
        .map((change) => change.path)
        .filter((path) => path.startsWith(lib))
        .sort(),
    ).toEqual(
      [
        'package.json',
        'src/index.ts',
        'src/gemini.provider.ts',
        'src/gemini.provider.spec.ts',
        'src/gemini.request-map.ts',
        'src/gemini.response.ts',
        'src/gemini.stream.ts',
        'src/__fixtures__/llm-v1-chat/plain-chat/case.json',
        'src/__fixtures__/llm-v1-chat/plain-chat/request.json',
      ]
        .map((path) => `${lib}/${path}`)
        .sort(),
    );
    const manifest = JSON.parse(read(tree, `${lib}/package.json`));
    expect(manifest).toMatchObject({
      name: '@switchyard/provider-gemini',
      type: 'module',
      exports: { '.': { development: './src/index.ts', default: './dist/index.js' } },
      nx: { tags: ['type:provider', 'scope:gemini'] },
    });
    expect(read(tree, `${lib}/src/index.ts`).trim()).toBe(
      "export { geminiProvider } from './gemini.provider.js';",
    );
    const driver = read(tree, `${lib}/src/gemini.provider.ts`);
    expect(driver).toContain("telemetryName: 'gcp.gemini'");
    expect(driver).toContain("streamFraming: 'json-array'");
    expect(driver).toContain("'https://generativelanguage.googleapis.com:443'");
    const caseConfig = JSON.parse(read(tree, `${lib}/src/__fixtures__/llm-v1-chat/plain-chat/case.json`));
    expect(caseConfig.config.model.provider).toBe('gemini');
  });

  it("writes Kong's note on the provider into the driver's doc comment as it reads, not HTML-escaped", async () => {
    await providerGenerator(tree, { name: 'llama2', skipInstall: true });
    const driver = read(tree, 'libs/providers/llama2/src/llama2.provider.ts');
    expect(driver).toContain("the origin and paths here are Ollama's defaults");
    expect(driver).not.toContain('&#39;');
  });

  it('registers the driver, its path alias (sorted) and its mock provider', async () => {
    await providerGenerator(tree, { name: 'gemini', skipInstall: true });

    const paths = JSON.parse(read(tree, 'tsconfig.base.json')).compilerOptions.paths;
    expect(paths['@switchyard/provider-gemini']).toEqual(['./libs/providers/gemini/src/index.ts']);
    expect(Object.keys(paths)).toEqual(Object.keys(paths).sort());

    const catalog = read(tree, 'libs/catalog/src/index.ts');
    expect(catalog).toMatch(/import \{ geminiProvider \} from '@switchyard\/provider-gemini';/);
    expect(catalog).toMatch(/\[openaiProvider, [^\]]*geminiProvider\]\.map/);

    expect(read(tree, 'libs/testing/src/mock-providers/gemini.mock-provider.ts')).toContain(
      "'/v1beta/models': { operation: 'chat' }",
    );
    const server = read(tree, 'libs/testing/src/mock-providers/mock-provider-server.ts');
    expect(server).toContain("import { geminiMockProvider } from './gemini.mock-provider.js';");
    expect(server).toMatch(/const DEFINITIONS[^}]*\n {2}gemini: geminiMockProvider,\n\};/);
    expect(read(tree, 'libs/testing/src/mock-providers/mock-provider.types.ts')).toMatch(
      // However Prettier wrapped the union before (it does once it outgrows a line).
      /MockProviderId = Extract<\s*ProviderId,\s*[^>]*\| 'gemini'\s*>;/,
    );
  });

  it("refuses a name that is not one of Kong's providers, and writes nothing", async () => {
    const before = tree.listChanges().length;
    await expect(providerGenerator(tree, { name: 'ollama', skipInstall: true })).rejects.toThrow(
      "'ollama' is not one of Kong's providers (openai, azure, anthropic, cohere, mistral, llama2, gemini, bedrock, huggingface): model.provider accepts only those.",
    );
    expect(tree.listChanges()).toHaveLength(before);
  });

  it('refuses a provider that has its lib, or any part of one, and writes nothing', async () => {
    tree.write('libs/providers/bedrock/package.json', '{}');
    tree.write('libs/testing/src/mock-providers/bedrock.mock-provider.ts', '');
    const tsconfig = JSON.parse(read(tree, 'tsconfig.base.json'));
    tsconfig.compilerOptions.paths['@switchyard/provider-bedrock'] = [
      './libs/providers/bedrock/src/index.ts',
    ];
    tree.write('tsconfig.base.json', JSON.stringify(tsconfig));
    const catalog = 'libs/catalog/src/index.ts';
    tree.write(
      catalog,
      `import { bedrockProvider } from '@switchyard/provider-bedrock';\n${read(tree, catalog)}`,
    );
    const before = tree.listChanges().length;
    await expect(providerGenerator(tree, { name: 'bedrock', skipInstall: true })).rejects.toThrow(
      'the bedrock provider exists already (libs/providers/bedrock; libs/testing/src/mock-providers/bedrock.mock-provider.ts; ' +
        'the @switchyard/provider-bedrock alias in tsconfig.base.json; its import in libs/catalog/src/index.ts): nothing was generated.',
    );
    expect(tree.listChanges()).toHaveLength(before);
  });

  it('refuses to run twice for the same provider', async () => {
    await providerGenerator(tree, { name: 'huggingface', skipInstall: true });
    await expect(providerGenerator(tree, { name: 'huggingface', skipInstall: true })).rejects.toThrow(
      /^the huggingface provider exists already \(libs\/providers\/huggingface; .*the @switchyard\/provider-huggingface alias in tsconfig\.base\.json; its import in libs\/catalog\/src\/index\.ts\)/,
    );
  });

  it('gives a mock one route per path when chat and completions share it', async () => {
    await providerGenerator(tree, { name: 'huggingface', skipInstall: true });
    const mock = read(tree, 'libs/testing/src/mock-providers/huggingface.mock-provider.ts');
    expect(mock.match(/'\/models':/g)).toHaveLength(1);
  });
});
