import type {
  CompletionRouteType,
  LlmRouteType,
  ProviderDriver,
  ProviderId,
  ProviderRequest,
  RouteTable,
  RouteTranslation,
  ProviderTraits,
} from '@switchyard/plugin-api';
import { OPENAI_EMBEDDINGS_TRANSLATION } from './embeddings.js';
import { translateOpenAiRequest } from './openai.request-map.js';
import { translateOpenAiResponse } from './openai.response.js';
import { createOpenAiStreamTranslator } from './openai.stream.js';
import { RESPONSES_PASS_THROUGH } from './responses.passthrough.js';

/** What sets one OpenAI-format provider apart from another. */
export interface OpenAiCompatibleDriverSpec {
  readonly id: ProviderId;
  /** `gen_ai.provider.name` (OpenTelemetry's GenAI conventions). */
  readonly telemetryName: string;
  /** The upstream URL of a request (the core uses `model.options.upstream_url` instead when set). */
  readonly upstreamUrl: (request: ProviderRequest) => URL;
  /** The route types served; chat, completions, embeddings and responses unless given. */
  readonly routeTypes?: readonly LlmRouteType[];
  /** The provider's members of `model.options`. */
  readonly optionFields?: ProviderDriver['optionFields'];
  readonly configChecks?: ProviderDriver['configChecks'];
  readonly analyticsMeta?: ProviderDriver['analyticsMeta'];
  /** Where the provider differs from OpenAI's HTTP behaviour (see `OPENAI_TRAITS`). */
  readonly traits?: Partial<ProviderTraits>;
  readonly clientApi?: ProviderDriver['clientApi'];
}

/**
 * OpenAI's HTTP behaviour: SSE streams that carry usage only when asked for, gzip welcome for
 * whole answers (Kong's openai and azure drivers), `Set-Cookie` dropped.
 */
export const OPENAI_TRAITS: ProviderTraits = {
  streamFraming: 'sse',
  streamReportsUsage: false,
  dropsSetCookie: true,
  acceptEncoding: 'gzip, identity',
};

/** The OpenAI translations: the body with the resolved model, answers and events as they come. */
export const OPENAI_TRANSLATION: RouteTranslation = {
  request: translateOpenAiRequest,
  response: translateOpenAiResponse,
  stream: createOpenAiStreamTranslator,
};

const ALL_LLM_ROUTE_TYPES: readonly LlmRouteType[] = [
  'llm/v1/chat',
  'llm/v1/completions',
  'llm/v1/embeddings',
  'llm/v1/responses',
];

/** The translation of each route type that generates text: chat and completions pass through, as does the Responses API. */
const TEXT_TRANSLATIONS: Readonly<Record<CompletionRouteType, RouteTranslation>> = {
  'llm/v1/chat': OPENAI_TRANSLATION,
  'llm/v1/completions': OPENAI_TRANSLATION,
  'llm/v1/responses': RESPONSES_PASS_THROUGH,
};

/**
 * A driver for an upstream that speaks the OpenAI format to OpenAI-format clients: the request
 * gets the resolved model (chat and completions: an explicit `stream` and no `top_k`); answers
 * and SSE events pass through unchanged, on every route type unless `routeTypes` says less.
 */
export function createOpenAiCompatibleDriver(spec: OpenAiCompatibleDriverSpec): ProviderDriver {
  const routes: { -readonly [R in LlmRouteType]?: RouteTable[R] } = {};
  for (const routeType of spec.routeTypes ?? ALL_LLM_ROUTE_TYPES) {
    if (routeType === 'llm/v1/embeddings') routes[routeType] = { openai: OPENAI_EMBEDDINGS_TRANSLATION };
    else routes[routeType] = { openai: TEXT_TRANSLATIONS[routeType] };
  }
  return {
    id: spec.id,
    telemetryName: spec.telemetryName,
    traits: { ...OPENAI_TRAITS, ...spec.traits },
    routes,
    ...(spec.optionFields && { optionFields: spec.optionFields }),
    ...(spec.configChecks && { configChecks: spec.configChecks }),
    ...(spec.analyticsMeta && { analyticsMeta: spec.analyticsMeta }),
    ...(spec.clientApi && { clientApi: spec.clientApi }),
    upstreamUrl: spec.upstreamUrl,
  };
}
