import { createAiProxyPlugin, aiProxyPlugin } from '@switchyard/plugin-ai-proxy';
import { azureProvider } from '@switchyard/provider-azure';
import { cohereProvider } from '@switchyard/provider-cohere';
import { openaiProvider } from '@switchyard/provider-openai';
import type { GatewayPlugin, PluginDefinition, PluginName, ProviderRegistry } from '@switchyard/plugin-api';

/**
 * What this build of the gateway ships: the provider drivers and the plugins. The one place
 * where plugins meet providers (through the registry), so that apps only pick it up.
 */
export const PROVIDERS: ProviderRegistry = new Map(
  [openaiProvider, azureProvider, cohereProvider].map((driver) => [driver.id, driver]),
);

/** The plugins' definitions (name, priority, schema): all the control plane needs. */
export const PLUGIN_DEFINITIONS: readonly PluginDefinition[] = [aiProxyPlugin];

/** The plugins as the proxy runs them, by name. */
export function createPluginRuntimes(): ReadonlyMap<PluginName, GatewayPlugin> {
  const plugins: GatewayPlugin[] = [createAiProxyPlugin(PROVIDERS) as unknown as GatewayPlugin];
  return new Map(plugins.map((plugin) => [plugin.name, plugin]));
}
