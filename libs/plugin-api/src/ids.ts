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

/**
 * Kong's `config.route_type`: which OpenAI-style API a route speaks (chat, completions,
 * embeddings, the Responses API), or `preserve` for pass-through.
 */
export const ROUTE_TYPES = [
  'llm/v1/chat',
  'llm/v1/completions',
  'llm/v1/embeddings',
  'llm/v1/responses',
  'preserve',
] as const;
export type RouteType = (typeof ROUTE_TYPES)[number];

/** The route types whose bodies the gateway translates. */
export type LlmRouteType = Exclude<RouteType, 'preserve'>;

/** The route types that generate text: their answers may be streamed. */
export type CompletionRouteType = Exclude<LlmRouteType, 'llm/v1/embeddings'>;

/**
 * The route types whose bodies are OpenAI chat or completions requests, which every provider's
 * own translations speak (the Responses API reaches other providers through chat).
 */
export type ChatCompletionRouteType = Exclude<CompletionRouteType, 'llm/v1/responses'>;

/**
 * The API shapes a client may speak to an AI route (Kong's `llm_format`, plus native formats of
 * this gateway's own): OpenAI's, or a provider's native API.
 */
export const CLIENT_FORMATS = ['openai', 'anthropic', 'gemini', 'bedrock', 'cohere'] as const;
export type ClientFormat = (typeof CLIENT_FORMATS)[number];

export function isProviderId(value: unknown): value is ProviderId {
  return typeof value === 'string' && (PROVIDER_IDS as readonly string[]).includes(value);
}
