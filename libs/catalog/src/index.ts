import { aiPromptDecoratorPlugin } from '@switchyard/plugin-ai-prompt-decorator';
import { aiPromptGuardPlugin } from '@switchyard/plugin-ai-prompt-guard';
import { aiPromptTemplatePlugin } from '@switchyard/plugin-ai-prompt-template';
import { aiProxyPlugin } from '@switchyard/plugin-ai-proxy';
import { aiRateLimitingAdvancedPlugin } from '@switchyard/plugin-ai-rate-limiting-advanced';
import { aiProxyAdvancedPlugin } from '@switchyard/plugin-ai-proxy-advanced';
import { aiRequestTransformerPlugin } from '@switchyard/plugin-ai-request-transformer';
import { aiResponseTransformerPlugin } from '@switchyard/plugin-ai-response-transformer';
import { keyAuthPlugin } from '@switchyard/plugin-key-auth';
import { LocalCounterStore } from '@switchyard/counters';
import { anthropicProvider } from '@switchyard/provider-anthropic';
import { azureProvider } from '@switchyard/provider-azure';
import { bedrockProvider } from '@switchyard/provider-bedrock';
import { cohereProvider } from '@switchyard/provider-cohere';
import { geminiProvider } from '@switchyard/provider-gemini';
import { huggingfaceProvider } from '@switchyard/provider-huggingface';
import { llama2Provider } from '@switchyard/provider-llama2';
import { mistralProvider } from '@switchyard/provider-mistral';
import { openaiProvider } from '@switchyard/provider-openai';
import {
  bindPlugin,
  type GatewayPlugin,
  type PluginCounters,
  type PluginDefinition,
  type PluginEnvironment,
  type PluginSpec,
  type ProviderRegistry,
} from '@switchyard/plugin-api';

/**
 * What this build of the gateway ships: the provider drivers and the plugins. The one place
 * where plugins meet providers (through the environment every plugin is given), so that apps
 * only pick it up.
 */
export const PROVIDERS: ProviderRegistry = new Map(
  [
    openaiProvider,
    azureProvider,
    cohereProvider,
    anthropicProvider,
    bedrockProvider,
    huggingfaceProvider,
    mistralProvider,
    llama2Provider,
    geminiProvider,
  ].map((driver) => [driver.id, driver]),
);

/** What every plugin is given on the control plane: its only way to the providers. */
const ENVIRONMENT: PluginEnvironment = { providers: PROVIDERS };

// Each spec is checked against its own config type where it is declared; here only their shape matters.
const DECLARED_PLUGINS: readonly PluginSpec<never>[] = [
  aiProxyPlugin,
  aiProxyAdvancedPlugin,
  aiRequestTransformerPlugin,
  aiResponseTransformerPlugin,
  keyAuthPlugin,
  aiPromptDecoratorPlugin,
  aiPromptGuardPlugin,
  aiPromptTemplatePlugin,
  aiRateLimitingAdvancedPlugin,
];

/** The plugins of this build, bound to its environment. */
const PLUGINS: readonly GatewayPlugin[] = DECLARED_PLUGINS.map((plugin) => bindPlugin(plugin, ENVIRONMENT));

/** The plugins' definitions (name, priority, schema): all the control plane needs. */
export const PLUGIN_DEFINITIONS: readonly PluginDefinition[] = PLUGINS;

/**
 * The plugins as the proxy runs them, by name, bound to the process's `counters` (see
 * `openPluginCounters`), which the rate-limiting plugins count in. Default: counters in this
 * process only, for a gateway that is one process.
 */
export function createPluginRuntimes(
  counters: PluginCounters = localCounters(),
): ReadonlyMap<string, GatewayPlugin> {
  const environment: PluginEnvironment = { providers: PROVIDERS, counters };
  return new Map(DECLARED_PLUGINS.map((plugin) => [plugin.name, bindPlugin(plugin, environment)]));
}

/**
 * The plugins' definitions as an Admin API that reads counters sees them: `counters` are the
 * shared ones (`openPluginCounters` on the deployment's Redis), for `GET /plugins/{id}/usage`.
 */
export function createPluginDefinitions(counters: PluginCounters): readonly PluginDefinition[] {
  return [...createPluginRuntimes(counters).values()];
}

function localCounters(): PluginCounters {
  const local = new LocalCounterStore();
  return { local, shared: local };
}
