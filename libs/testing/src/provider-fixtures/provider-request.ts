import type {
  BufferedRouteTranslation,
  ClientFormat,
  CompletionRouteType,
  ProviderDriver,
  ProviderRequest,
  ResolvedModel,
  RouteTranslation,
} from '@switchyard/plugin-api';

/**
 * The clock golden cases are written against: while a case runs, `Date` is frozen at this
 * instant, so a `created` a driver stamps is `1700000000` in `response.json` and
 * `stream.expected.txt`.
 */
export const FIXTURE_NOW_MS = 1_700_000_000_000;

/**
 * A `ProviderRequest` for driver tests: a non-streamed OpenAI-format chat request with no query
 * string and no usage wanted, unless `overrides` says otherwise.
 */
export function makeProviderRequest(
  model: ResolvedModel,
  overrides: Partial<ProviderRequest> = {},
): ProviderRequest {
  return {
    routeType: 'llm/v1/chat',
    clientFormat: 'openai',
    model,
    stream: false,
    clientQuery: new URLSearchParams(),
    wantsUsage: false,
    clientWantsUsage: false,
    ...overrides,
  };
}

/** A driver's translations for a route type and client format; throws when it serves none. */
export function routeTranslation(
  driver: ProviderDriver,
  routeType: CompletionRouteType = 'llm/v1/chat',
  format: ClientFormat = 'openai',
): RouteTranslation {
  const translation = driver.routes[routeType]?.[format];
  if (!translation) throw new Error(`${driver.id} serves no ${format} client on ${routeType}`);
  return translation;
}

/** A driver's `llm/v1/embeddings` translations for OpenAI-format clients; throws when it serves none. */
export function embeddingsTranslation(driver: ProviderDriver): BufferedRouteTranslation {
  const translation = driver.routes['llm/v1/embeddings']?.openai;
  if (!translation) throw new Error(`${driver.id} serves no openai client on llm/v1/embeddings`);
  return translation;
}
