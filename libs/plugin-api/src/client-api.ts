import type { ClientFormat, CompletionRouteType, LlmRouteType } from './ids.js';
import type {
  ClientBody,
  ClientStreamEvent,
  ProviderRequest,
  StreamTranslator,
  TranslatedResponse,
} from './provider-driver.js';

/**
 * What the core reads of a native request before it translates it, under OpenAI's names (so the
 * core's model and streaming rules read it as they read an OpenAI body).
 */
export type ClientApiRequest = {
  /** The model the client names (`undefined` when it names none); the configured one wins. */
  readonly model: unknown;
  /** `true` when the client asked for a streamed answer. */
  readonly stream: boolean;
};

/**
 * A provider's native API as clients speak it to a route whose `llm_format` names it (Anthropic's
 * Messages API for `anthropic`, Gemini's `generateContent`, Bedrock's Converse, Cohere's chat,
 * OpenAI's Responses API on `llm/v1/responses`): its paths, where its model and `stream` flag are, its error shape, and, when other providers
 * can serve it, its pivot through OpenAI's shape. Implemented by the provider lib that owns the
 * format and exposed on its driver (`ProviderDriver.clientApi`); the LLM core reaches it through
 * the registry.
 *
 * The core serves a native client one of two ways: the target driver's own route-table entry for
 * the format (same provider: a pass-through), or, when the API has a `pivot`, through OpenAI's
 * shape. Every function is pure and never changes its input, so that a request can be translated
 * again.
 */
export interface ClientApi {
  /**
   * The `llm_format` clients of this API speak: a native format (`anthropic`), or `openai` for an
   * OpenAI API other than chat and completions (the Responses API, on its own route type).
   */
  readonly format: ClientFormat;
  /** The route types its requests can be served on (`llm/v1/chat` for the Messages API). */
  readonly routeTypes: readonly LlmRouteType[];
  /** Its native paths under the route (`/v1/messages`), as messages and documentation name them. */
  readonly paths: readonly string[];
  /** Whether the request path (the route's prefix included) is one of its native paths. */
  matches(path: string): boolean;
  /**
   * Checks the client's request as the API's own server would before anything is sent, and reads
   * its model and `stream` flag, from the body or from the path (the route's prefix included,
   * one `matches` accepted: Gemini and Bedrock name the model and the operation there). Throws
   * `GatewayError` (400) for a request that is no request of this API.
   */
  read(body: ClientBody, path: string): ClientApiRequest;
  /** How other providers serve this API, through OpenAI's shape; absent: its own provider only. */
  readonly pivot?: ClientPivot;
  /** The body of an error answer with `status`, in the API's error shape. */
  errorBody(status: number, message: string): Readonly<Record<string, unknown>>;
  /**
   * The event that ends a stream on a failure, in the API's error shape, for streams the core
   * writes as SSE when the event does not depend on what was sent before (else the stream's own
   * `StreamTranslator.errorEvent`); a pass-through that relays the provider's own framing writes
   * its own (`StreamTranslator.relay`).
   */
  streamErrorEvent(message: string): ClientStreamEvent;
}

/**
 * A client API served by any provider: `toOpenAi`, the target's `openai` entry for `routeType`
 * (else the route's own type), then `fromOpenAiResponse` / `createStreamAdapter` back.
 */
export interface ClientPivot {
  /**
   * The OpenAI route type `toOpenAi` makes its requests into, when it is not the route's own
   * (`llm/v1/chat` for the Responses API): the pivot calls the target's entry for it.
   */
  readonly routeType?: CompletionRouteType;
  /**
   * The client's body as an OpenAI request of the pivot's `routeType` (else the route's
   * `routeType`): a new object. Throws `TranslationError` for what no other provider can take.
   */
  toOpenAi(body: ClientBody, routeType: LlmRouteType): ClientBody;
  /**
   * A whole OpenAI answer (the target's `openai` entry's translation, summary included) in the
   * API's shape; the summary (usage, model, id, finish reasons) is kept as the OpenAI side read it.
   */
  fromOpenAiResponse(answer: TranslatedResponse, request: ProviderRequest): TranslatedResponse;
  /**
   * Wraps the target's OpenAI stream translator (created for one response) so that its steps
   * carry this API's events instead of OpenAI chunks, incrementally; the steps' usage, text,
   * finish reason, error and `final` are kept. Created per response: its state lives in its closure.
   */
  createStreamAdapter(openAi: StreamTranslator, request: ProviderRequest): StreamTranslator;
}
