/** The LLM providers the gateway can translate to (Kong's `model.provider` enum). */
export const PROVIDER_IDS = [
  'openai',
  'azure',
  'anthropic',
  'cohere',
  'mistral',
  'llama2',
  'gemini',
  'bedrock',
  'huggingface',
] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

/** Kong's `config.route_type`: which OpenAI-style API a route speaks, or `preserve` for pass-through. */
export const ROUTE_TYPES = ['llm/v1/chat', 'llm/v1/completions', 'preserve'] as const;
export type RouteType = (typeof ROUTE_TYPES)[number];

/** The route types whose bodies the gateway translates. */
export type LlmRouteType = Exclude<RouteType, 'preserve'>;

/** The plugins this gateway ships. */
export const PLUGIN_NAMES = ['ai-proxy'] as const;
export type PluginName = (typeof PLUGIN_NAMES)[number];

export function isProviderId(value: unknown): value is ProviderId {
  return typeof value === 'string' && (PROVIDER_IDS as readonly string[]).includes(value);
}

export function isPluginName(value: unknown): value is PluginName {
  return typeof value === 'string' && (PLUGIN_NAMES as readonly string[]).includes(value);
}
