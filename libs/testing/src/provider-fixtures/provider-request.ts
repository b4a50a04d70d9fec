import type {
  ClientFormat,
  LlmRouteType,
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
  routeType: LlmRouteType = 'llm/v1/chat',
  format: ClientFormat = 'openai',
): RouteTranslation {
  const translation = driver.routes[routeType]?.[format];
  if (!translation) throw new Error(`${driver.id} serves no ${format} client on ${routeType}`);
  return translation;
}
