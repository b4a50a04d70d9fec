import { GatewayError, TranslationError } from '@switchyard/plugin-api';
import type {
  ClientApi,
  ClientBody,
  ClientPivot,
  ClientFormat,
  CompletionRouteType,
  LlmRouteType,
  ProviderDriver,
  ProviderRegistry,
  BufferedRouteTranslation,
  RouteTranslation,
  RouteType,
} from '@switchyard/plugin-api';

/** How one request of a client format is served by a driver. */
export interface ClientRoute {
  /** Embeddings' entries have no stream translator (they are never streamed). */
  readonly translation: RouteTranslation | BufferedRouteTranslation;
  /**
   * Set for the pivot: the client's body goes through this API's `toOpenAi` first, the driver
   * translates an OpenAI request, and `translation` turns its answers back into the client's.
   */
  readonly pivot?: ClientPivot;
}

/**
 * How a native client gets errors: in its API's shape (the gateway's own errors always; the
 * upstream's error answers too when another provider answered, through the pivot).
 */
export interface ClientErrorShape {
  readonly api: ClientApi;
  /** The provider speaks another format than the client's: its error answers are reshaped. */
  readonly reshapesUpstreamErrors: boolean;
}

/**
 * The client API of a route's format and route type, from the driver that owns it: a native
 * format's (whatever the route type), or for `openai` the API of a route type other than chat
 * and completions (the Responses API on `llm/v1/responses`); none for OpenAI chat and completions.
 */
export function clientApiFor(
  providers: ProviderRegistry,
  format: ClientFormat,
  routeType: RouteType,
): ClientApi | undefined {
  for (const driver of providers.values()) {
    const api = driver.clientApi;
    if (api?.format !== format) continue;
    if (format !== 'openai' || api.routeTypes.includes(routeType as LlmRouteType)) return api;
  }
  return undefined;
}

/** The OpenAI route type a client API's requests become on the pivot. */
export function pivotRouteTypeOf<R extends LlmRouteType>(
  pivot: ClientPivot,
  routeType: R,
): R | CompletionRouteType {
  return pivot.routeType ?? routeType;
}

/**
 * The driver's own answers to a native client, made from its OpenAI entry's: whole answers and
 * streams go back through the client API. The request side is the OpenAI entry's own (the core
 * hands it the body `toOpenAi` made). Pure, as every translation.
 */
function pivotTranslation(api: ClientPivot, openAi: RouteTranslation): RouteTranslation {
  return {
    request: (body, request) => openAi.request(body, request),
    response: (body, request) => api.fromOpenAiResponse(openAi.response(body, request), request),
    stream: (request) => api.createStreamAdapter(openAi.stream(request), request),
  };
}

/**
 * How `driver` serves `format` on `routeType`: its own table entry for the format when it has one
 * (same provider: a pass-through), else the pivot through its `openai` entry (of the pivot's
 * `routeType`, else `routeType`) when the format's client API has a pivot and serves the route
 * type; `undefined` when neither (Kong's "no transformer").
 */
export function clientRouteFor(
  driver: ProviderDriver,
  routeType: LlmRouteType,
  format: ClientFormat,
  api: ClientApi | undefined,
): ClientRoute | undefined {
  const direct = driver.routes[routeType]?.[format];
  if (direct) return { translation: direct };
  // Client APIs (native formats, the Responses API) are text APIs: there is no embeddings request to pivot.
  if (routeType === 'llm/v1/embeddings') return undefined;
  const pivot = api?.routeTypes.includes(routeType) ? api.pivot : undefined;
  const openAi = pivot && driver.routes[pivotRouteTypeOf(pivot, routeType)]?.openai;
  return pivot && openAi ? { translation: pivotTranslation(pivot, openAi), pivot } : undefined;
}

/** Whether a config with this provider, route type and client format can be served (the Admin API's check). */
export function servesClientFormat(
  providers: ProviderRegistry,
  provider: ProviderDriver['id'],
  routeType: LlmRouteType,
  format: ClientFormat,
): boolean {
  const driver = providers.get(provider);
  return (
    driver !== undefined &&
    clientRouteFor(driver, routeType, format, clientApiFor(providers, format, routeType)) !== undefined
  );
}

/** The client's native body as OpenAI's; what no provider can take is a 400 naming the format. */
export function pivotBody(
  api: ClientApi,
  pivot: ClientPivot,
  body: ClientBody,
  routeType: LlmRouteType,
): ClientBody {
  try {
    return pivot.toOpenAi(body, routeType);
  } catch (error) {
    if (!(error instanceof TranslationError)) throw error;
    throw new GatewayError(400, `error transforming from ${api.format}://${routeType}: ${error.message}`);
  }
}
