import type {
  ModelOptions,
  ProviderRequest,
  RouteTranslation,
  StreamRelay,
  StreamTranslator,
  TranslatedResponse,
} from '@switchyard/plugin-api';

/** The tuning options the gateway merges into every request (Kong's `model.options`), by OpenAI's name. */
export type TuningOption = 'max_tokens' | 'temperature' | 'top_p' | 'top_k';

/**
 * The configured tuning options under a native API's names (`{max_tokens: 'maxOutputTokens'}`):
 * a new record with the options that are set and that the API takes (an option without a name in
 * `names` is not sent). The configured value wins over the client's, as for OpenAI clients.
 */
export function nativeTuning(
  options: ModelOptions,
  names: Partial<Record<TuningOption, string>>,
): Record<string, number> {
  const tuned: Record<string, number> = {};
  for (const [option, name] of Object.entries(names) as [TuningOption, string][]) {
    const value = options[option];
    if (typeof value === 'number') tuned[name] = value;
  }
  return tuned;
}

/** How a provider's own API passes through to it: what changes in the request, and how its answers are read. */
export interface NativePassThrough {
  /** The client's body for the provider: a new object, with the configured model and options applied. */
  readonly request: RouteTranslation['request'];
  /**
   * Reads a whole native answer for the gateway (usage, model, id, finish reasons): the provider's
   * own OpenAI translation, whose summary is read from the native answer.
   */
  readonly read: (body: unknown, request: ProviderRequest) => TranslatedResponse;
  /** A reader of the native stream (the provider's OpenAI stream translator), created per response. */
  readonly reader: (request: ProviderRequest) => StreamTranslator;
  /** How the relayed stream fails in its own framing, and which framing it comes in, per request. */
  readonly relay: (
    request: ProviderRequest,
  ) => StreamRelay & Pick<StreamTranslator, 'framing' | 'contentType'>;
}

/**
 * A route-table entry that passes a provider's own API through to it (`routes[routeType][native]`):
 * the request as `request` makes it, the whole answer sent on as it came (the same object, so its
 * bytes reach the client unchanged) with the summary `read` takes from it, and the stream relayed
 * byte for byte while `reader` reads each frame for usage, analytics and traces.
 */
export function nativePassThrough(entry: NativePassThrough): RouteTranslation {
  return {
    request: entry.request,
    response: (body, request) => ({ ...entry.read(body, request), body }),
    stream(request) {
      const reader = entry.reader(request);
      const { framing, contentType, errorFrame } = entry.relay(request);
      return {
        contentType,
        ...(framing && { framing }),
        relay: { errorFrame },
        translate: (frame) => reader.translate(frame),
        ...(reader.end && { end: () => reader.end!() }),
      };
    },
  };
}
