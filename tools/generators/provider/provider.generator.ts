// One module on purpose: Nx loads a local generator with Node's own TypeScript stripping, which
// cannot follow this repo's `./x.js` specifiers to sibling `.ts` files (type-only imports are fine).
import { fileURLToPath } from 'node:url';
import {
  applyChangesToString,
  ChangeType,
  formatFiles,
  generateFiles,
  installPackagesTask,
  logger,
  names,
  updateJson,
  type GeneratorCallback,
  type StringChange,
  type Tree,
} from '@nx/devkit';
import ts from 'typescript';
import type { LlmRouteType, ProviderId, StreamFraming } from '@switchyard/plugin-api';

/** The route types a provider lib translates itself (the Responses API reaches it through chat). */
type ProviderRouteType = Exclude<LlmRouteType, 'llm/v1/responses'>;

/** `npx nx g @switchyard/tools:provider <name>` (see schema.json). */
export interface ProviderGeneratorOptions {
  /** The provider id: one of Kong's `model.provider` values. */
  readonly name: string;
  /** Leave `npm install` (which links the new workspace package) to the caller. */
  readonly skipInstall?: boolean;
}

/** What Kong says about a provider: what a new driver lib starts from. */
export interface KongProviderFacts {
  /** The provider's name in prose. */
  readonly title: string;
  /** `gen_ai.provider.name` in OpenTelemetry's GenAI conventions (the provider id when it has none). */
  readonly telemetryName: string;
  /** Kong's `upstream_url_format`: scheme, host and port. */
  readonly origin: string;
  /** Kong's `operation_map`: the path of each route type Kong serves. */
  readonly paths: { readonly 'llm/v1/chat': string } & Readonly<Partial<Record<ProviderRouteType, string>>>;
  readonly streamFraming: StreamFraming;
  /** What the skeleton's URL cannot say (a host or path built from the options, a signature). */
  readonly note?: string;
}

/**
 * Kong's providers, from `kong/llm/drivers/shared.lua`. Keyed by `ProviderId`, so that the
 * compiler keeps this list and `PROVIDER_IDS` (libs/plugin-api/src/ids.ts) the same.
 */
export const KONG_PROVIDERS: Readonly<Record<ProviderId, KongProviderFacts>> = {
  openai: {
    title: 'OpenAI',
    telemetryName: 'openai',
    origin: 'https://api.openai.com:443',
    paths: { 'llm/v1/chat': '/v1/chat/completions', 'llm/v1/completions': '/v1/completions' },
    streamFraming: 'sse',
  },
  azure: {
    title: 'Azure OpenAI',
    telemetryName: 'azure.ai.openai',
    origin: 'https://azure-instance.openai.azure.com:443',
    paths: { 'llm/v1/chat': '/chat/completions', 'llm/v1/completions': '/completions' },
    streamFraming: 'sse',
    note: 'Build the URL from the request: `https://{azure_instance}.openai.azure.com/openai/deployments/{azure_deployment_id}` and `api-version`.',
  },
  anthropic: {
    title: 'Anthropic',
    telemetryName: 'anthropic',
    origin: 'https://api.anthropic.com:443',
    paths: { 'llm/v1/chat': '/v1/messages', 'llm/v1/completions': '/v1/complete' },
    streamFraming: 'sse',
  },
  cohere: {
    title: 'Cohere',
    telemetryName: 'cohere',
    origin: 'https://api.cohere.com:443',
    paths: { 'llm/v1/chat': '/v1/chat', 'llm/v1/completions': '/v1/generate' },
    streamFraming: 'ndjson',
  },
  mistral: {
    title: 'Mistral',
    telemetryName: 'mistral_ai',
    origin: 'https://api.mistral.ai:443',
    paths: { 'llm/v1/chat': '/v1/chat/completions' },
    streamFraming: 'sse',
  },
  llama2: {
    title: 'Llama 2',
    telemetryName: 'llama2',
    origin: 'http://localhost:11434',
    paths: { 'llm/v1/chat': '/api/chat', 'llm/v1/completions': '/api/generate' },
    streamFraming: 'ndjson',
    note: "Self-hosted: Kong has no URL of its own for llama2 and requires `model.options.upstream_url` (and `llama2_format`); the origin and paths here are Ollama's defaults, only a fallback.",
  },
  gemini: {
    title: 'Gemini',
    telemetryName: 'gcp.gemini',
    origin: 'https://generativelanguage.googleapis.com:443',
    paths: { 'llm/v1/chat': '/v1beta/models' },
    streamFraming: 'json-array',
    note: 'Build the path from the request: `/v1beta/models/{model}:generateContent` (`:streamGenerateContent`), or Vertex AI when `model.options.gemini` is set.',
  },
  bedrock: {
    title: 'Amazon Bedrock',
    telemetryName: 'aws.bedrock',
    origin: 'https://bedrock-runtime.us-east-1.amazonaws.com:443',
    paths: { 'llm/v1/chat': '/model' },
    streamFraming: 'aws-eventstream',
    note: 'Build the URL from the request: the region (`model.options.bedrock.aws_region`) in the host, `/model/{model}/converse` (`/converse-stream`); sign with SigV4 in `createAuthenticator`.',
  },
  huggingface: {
    title: 'Hugging Face',
    telemetryName: 'huggingface',
    origin: 'https://api-inference.huggingface.co:443',
    paths: { 'llm/v1/chat': '/models', 'llm/v1/completions': '/models' },
    streamFraming: 'sse',
    note: 'Build the path from the request: `/models/{model}`.',
  },
};

const TEMPLATES = fileURLToPath(new URL('./files/', import.meta.url));
const CATALOG = 'libs/catalog/src/index.ts';
const MOCKS = 'libs/testing/src/mock-providers';
const MOCK_SERVER = `${MOCKS}/mock-provider-server.ts`;
const MOCK_TYPES = `${MOCKS}/mock-provider.types.ts`;
const TSCONFIG = 'tsconfig.base.json';

/** The mock operation of each route type (`MockOperation`). */
const MOCK_OPERATIONS: Readonly<Record<ProviderRouteType, string>> = {
  'llm/v1/chat': 'chat',
  'llm/v1/completions': 'completions',
  'llm/v1/embeddings': 'embeddings',
};

function isKongProvider(name: string): name is ProviderId {
  return Object.hasOwn(KONG_PROVIDERS, name);
}

function packageName(id: ProviderId): string {
  return `@switchyard/provider-${id}`;
}

/** What would be overwritten: the generator refuses to touch a provider that has any of it. */
function existingParts(tree: Tree, id: ProviderId): string[] {
  const parts: string[] = [];
  if (tree.exists(`libs/providers/${id}`)) parts.push(`libs/providers/${id}`);
  if (tree.exists(`${MOCKS}/${id}.mock-provider.ts`)) parts.push(`${MOCKS}/${id}.mock-provider.ts`);
  const paths = (JSON.parse(tree.read(TSCONFIG, 'utf-8') ?? '{}') as TsConfig).compilerOptions?.paths;
  if (paths?.[packageName(id)]) parts.push(`the ${packageName(id)} alias in ${TSCONFIG}`);
  if (tree.exists(CATALOG) && importedModules(parse(tree, CATALOG)).includes(packageName(id)))
    parts.push(`its import in ${CATALOG}`);
  return parts;
}

interface TsConfig {
  compilerOptions?: { paths?: Record<string, string[]> };
}

function parse(tree: Tree, path: string): ts.SourceFile {
  const text = tree.read(path, 'utf-8');
  if (text === null) throw new Error(`${path} is missing: is this the Switchyard workspace root?`);
  return ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
}

function moduleOf(declaration: ts.ImportDeclaration): string {
  return (declaration.moduleSpecifier as ts.StringLiteral).text;
}

function importedModules(source: ts.SourceFile): string[] {
  return source.statements.filter(ts.isImportDeclaration).map(moduleOf);
}

/** The first node under `root` (itself included) that `test` accepts. */
function find<T extends ts.Node>(root: ts.Node, test: (node: ts.Node) => node is T): T | undefined {
  if (test(root)) return root;
  return ts.forEachChild(root, (child) => find(child, test));
}

/** The top-level `const <name>` or `type <name>` declaration of a file. */
function declaration(source: ts.SourceFile, name: string): ts.Node | undefined {
  for (const statement of source.statements) {
    if (ts.isTypeAliasDeclaration(statement) && statement.name.text === name) return statement.type;
    if (!ts.isVariableStatement(statement)) continue;
    for (const variable of statement.declarationList.declarations)
      if (ts.isIdentifier(variable.name) && variable.name.text === name) return variable.initializer;
  }
  return undefined;
}

/** The first node of kind `test` in `source`'s declaration of `name`; throws naming what to register by hand. */
function anchor<T extends ts.Node>(
  source: ts.SourceFile,
  name: string,
  test: (node: ts.Node) => node is T,
  what: string,
): T {
  const declared = declaration(source, name);
  const node = declared && find(declared, test);
  if (!node)
    throw new Error(`${source.fileName}: no ${what} in ${name}; register the provider there by hand`);
  return node;
}

/** Inserts `item` after the last element of a list (its trailing comma, if any, stays after it). */
function appendTo(
  list: ts.NodeArray<ts.Node>,
  opening: ts.Node,
  item: string,
  separator: string,
): StringChange {
  const last = list.at(-1);
  return last
    ? { type: ChangeType.Insert, index: last.getEnd(), text: `${separator}${item}` }
    : { type: ChangeType.Insert, index: opening.getStart() + 1, text: item };
}

/**
 * An import placed among the imports whose module `belongs` says are of its kind, in module
 * order; after the last import when there are none.
 */
function addImport(
  source: ts.SourceFile,
  statement: string,
  module: string,
  belongs: (module: string) => boolean,
): StringChange {
  const imports = source.statements.filter(ts.isImportDeclaration);
  const moduleOf = (declaration: ts.ImportDeclaration) =>
    (declaration.moduleSpecifier as ts.StringLiteral).text;
  const kin = imports.filter((declaration) => belongs(moduleOf(declaration)));
  const next = kin.find((declaration) => moduleOf(declaration) > module);
  if (next) return { type: ChangeType.Insert, index: next.getStart(), text: `${statement}\n` };
  const previous = kin.at(-1) ?? imports.at(-1);
  return { type: ChangeType.Insert, index: previous?.getEnd() ?? 0, text: `\n${statement}` };
}

function edit(tree: Tree, source: ts.SourceFile, changes: StringChange[]): void {
  tree.write(source.fileName, applyChangesToString(source.text, changes));
}

/** The `@switchyard/provider-<id>` path alias (sorted by `formatFiles`). */
function addPathAlias(tree: Tree, id: ProviderId): void {
  updateJson<TsConfig>(tree, TSCONFIG, (config) => {
    const paths = (config.compilerOptions ??= {}).paths ?? {};
    config.compilerOptions.paths = { ...paths, [packageName(id)]: [`./libs/providers/${id}/src/index.ts`] };
    return config;
  });
}

/** One import and one element of the catalog's `PROVIDERS` array. */
function registerDriver(tree: Tree, id: ProviderId): void {
  const source = parse(tree, CATALOG);
  const drivers = anchor(source, 'PROVIDERS', ts.isArrayLiteralExpression, 'array of drivers');
  edit(tree, source, [
    addImport(source, `import { ${id}Provider } from '${packageName(id)}';`, packageName(id), (module) =>
      module.startsWith('@switchyard/provider-'),
    ),
    appendTo(drivers.elements, drivers, `${id}Provider`, ', '),
  ]);
}

/** The mock definition in the mock server's `DEFINITIONS`, and its id in `MockProviderId`. */
function registerMock(tree: Tree, id: ProviderId): void {
  const server = parse(tree, MOCK_SERVER);
  const definitions = anchor(server, 'DEFINITIONS', ts.isObjectLiteralExpression, 'object literal');
  const module = `./${id}.mock-provider.js`;
  edit(tree, server, [
    addImport(server, `import { ${id}MockProvider } from '${module}';`, module, (name) =>
      name.endsWith('.mock-provider.js'),
    ),
    appendTo(definitions.properties, definitions, `${id}: ${id}MockProvider`, ',\n  '),
  ]);
  const types = parse(tree, MOCK_TYPES);
  const ids = anchor(types, 'MockProviderId', ts.isUnionTypeNode, 'union of provider ids');
  edit(tree, types, [appendTo(ids.types, ids, `'${id}'`, ' | ')]);
}

/** What the developer writes next, printed once the files are in place. */
export function nextSteps(id: ProviderId, facts: KongProviderFacts): string {
  const lib = `libs/providers/${id}/src`;
  const steps = [
    `Created ${packageName(id)} in libs/providers/${id}, registered in ${CATALOG}, ${TSCONFIG} and the mock server.`,
    'What remains, by hand:',
    `  1. Write the translations in ${lib}/${id}.request-map.ts, ${id}.response.ts and ${id}.stream.ts (they throw "not written yet"), with their specs.`,
    `  2. Give the driver its slice of the options schema (optionFields, configChecks), with Kong's fields and messages.`,
    `  3. Write golden cases in ${lib}/__fixtures__/<route-type>/<case>/ (start from llm-v1-chat/plain-chat): the shared spec (libs/catalog) fails until every route type the driver serves has a complete case.`,
    `  4. Make ${MOCKS}/${id}.mock-provider.ts speak ${facts.title}'s wire format, with a spec driving it with ${facts.title}'s own SDK.`,
    `  5. README: ${facts.title} in the providers line, its Admin API example and its "Fields dropped" row.`,
  ];
  if (facts.note) steps.push(`Note: ${facts.note}`);
  return steps.join('\n');
}

/**
 * Creates `libs/providers/<name>` (package, driver skeleton whose translations throw "not
 * written yet", spec, first golden case folder), its mock provider, the path alias, and the
 * catalog and mock-server registrations. Refuses an id that is not Kong's, or a provider that
 * has any of these already.
 */
export async function providerGenerator(
  tree: Tree,
  options: ProviderGeneratorOptions,
): Promise<GeneratorCallback> {
  const id = options.name;
  if (!isKongProvider(id)) {
    throw new Error(
      `'${id}' is not one of Kong's providers (${Object.keys(KONG_PROVIDERS).join(', ')}): ` +
        'model.provider accepts only those.',
    );
  }
  const existing = existingParts(tree, id);
  if (existing.length > 0)
    throw new Error(`the ${id} provider exists already (${existing.join('; ')}): nothing was generated.`);

  const facts = KONG_PROVIDERS[id];
  const paths = Object.entries(facts.paths) as [ProviderRouteType, string][];
  const substitutions = {
    id,
    className: names(id).className,
    constantName: names(id).constantName,
    ...facts,
    note: facts.note ?? '',
    paths,
    // One mock route per path: where chat and completions share one, the body tells them apart.
    mockPaths: [...new Map(paths.map(([routeType, path]) => [path, MOCK_OPERATIONS[routeType]]))].map(
      ([path, operation]) => [operation, path],
    ),
    chatUrl: new URL(facts.paths['llm/v1/chat'], facts.origin).href,
  };
  generateFiles(tree, `${TEMPLATES}lib`, `libs/providers/${id}`, substitutions);
  generateFiles(tree, `${TEMPLATES}mock`, MOCKS, substitutions);
  addPathAlias(tree, id);
  registerDriver(tree, id);
  registerMock(tree, id);
  await formatFiles(tree, { sortRootTsconfigPaths: true });

  return () => {
    if (options.skipInstall) logger.info(`Run npm install to link ${packageName(id)}.`);
    else installPackagesTask(tree, true);
    logger.info(nextSteps(id, facts));
  };
}

export default providerGenerator;
