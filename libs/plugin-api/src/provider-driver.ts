import type { ClientApi } from './client-api.js';
import type { EntityCheck, SchemaField } from './config-schema.js';
import type { ClientFormat, CompletionRouteType, LlmRouteType, ProviderId } from './ids.js';
import type { FinishReason, TokenUsage } from './openai.types.js';
import type { ClientRequest } from './request-context.js';

/**
 * `config.model.options` as stored (Kong's field names), after `$(...)` templates are resolved.
 * Every member is optional; each provider reads the ones that concern it.
 */
export interface ModelOptions {
  readonly max_tokens?: number | null;
  readonly input_cost?: number | null;
  readonly output_cost?: number | null;
  readonly temperature?: number | null;
  readonly top_p?: number | null;
  readonly top_k?: number | null;
  readonly anthropic_version?: string | null;
  readonly azure_instance?: string | null;
  readonly azure_api_version?: string | null;
  readonly azure_deployment_id?: string | null;
  readonly llama2_format?: string | null;
  readonly mistral_format?: string | null;
  readonly upstream_url?: string | null;
  readonly upstream_path?: string | null;
  readonly gemini?: {
    readonly api_endpoint?: string | null;
    readonly project_id?: string | null;
    readonly location_id?: string | null;
  } | null;
  readonly bedrock?: { readonly aws_region?: string | null } | null;
  readonly huggingface?: {
    readonly use_cache?: boolean | null;
    readonly wait_for_model?: boolean | null;
  } | null;
}

/** `config.auth`: how the gateway authenticates to the provider (Kong's fields). */
export interface LlmAuthConfig {
  readonly header_name?: string | null;
  readonly header_value?: string | null;
  readonly param_name?: string | null;
  readonly param_value?: string | null;
  readonly param_location?: 'query' | 'body' | null;
  readonly gcp_use_service_account?: boolean | null;
  readonly gcp_service_account_json?: string | null;
  readonly aws_access_key_id?: string | null;
  readonly aws_secret_access_key?: string | null;
  /** A credential the client sends under the same name is kept instead of the configured one. */
  readonly allow_override?: boolean | null;
}

/** The model a request is served by, once the configured and client values are reconciled. */
export interface ResolvedModel {
  readonly provider: ProviderId;
  /** The model name sent upstream (the configured one, else the client's). */
  readonly name: string;
  readonly options: ModelOptions;
}

/**
 * What a driver is told about the request it translates. Created per attempt and never
 * changed, so that the same client body can be translated again for another attempt.
 */
export interface ProviderRequest {
  readonly routeType: LlmRouteType;
  /** The API shape the client speaks, and expects back. */
  readonly clientFormat: ClientFormat;
  readonly model: ResolvedModel;
  /** The client asked for a stream, or `response_streaming` is `always`. */
  readonly stream: boolean;
  /**
   * The client's query string as the route's plugins forward it (`ctx.upstream.query`: without
   * a key key-auth hides); Azure's `api-version` is taken from it first.
   */
  readonly clientQuery: URLSearchParams;
  /** The gateway records token counts (`log_statistics`): ask the provider for stream usage when it must be asked. */
  readonly wantsUsage: boolean;
  /**
   * The client asked for stream usage itself (OpenAI's `stream_options.include_usage`): only
   * then does its stream carry the usage chunk, whatever the gateway asked the provider for.
   */
  readonly clientWantsUsage: boolean;
  /**
   * `llm/v1/embeddings` only: how the client wants its vectors (OpenAI's `encoding_format`):
   * arrays of floats, or `base64` (the little-endian float32 bytes). A translation that reads
   * floats from its provider encodes them itself (`encodeEmbedding` in the OpenAI base).
   */
  readonly encodingFormat?: EmbeddingEncoding;
}

/** OpenAI's `encoding_format` of embeddings. */
export type EmbeddingEncoding = 'float' | 'base64';

/** A parsed client body, as translations read it: they never change it. */
export type ClientBody = Readonly<Record<string, unknown>>;

/** The provider-shaped request a translation produced. */
export interface TranslatedRequest {
  /** JSON body to send upstream; a new object, never the client's. */
  readonly body: unknown;
  /** Provider headers (e.g. `anthropic-version`); credentials are the authenticator's, not here. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** What the gateway reads of any answer, whatever its format: for analytics, metrics and traces. */
export interface AnswerSummary {
  readonly usage?: Partial<TokenUsage>;
  /** The model the provider says answered. */
  readonly model?: string;
  /** The provider's response id. */
  readonly id?: string;
  readonly finishReasons?: readonly FinishReason[];
}

/** A provider's whole answer, translated for the client. */
export interface TranslatedResponse extends AnswerSummary {
  /**
   * The body the client gets: the very object the translation was given when the answer needs
   * no change (its bytes are then sent as they came, never re-serialised).
   */
  readonly body: unknown;
}

/**
 * One frame of a provider's stream, already cut out of the byte stream: an SSE event (its
 * `event:` name and joined `data:` lines), one NDJSON line or JSON-array element as `data`, or
 * one AWS event-stream message (`event` is its `:event-type` or `:exception-type`).
 */
export interface StreamFrame {
  readonly event?: string;
  readonly data: string;
}

/** An event for the client: a `data:` payload, or a named one (`event: message_start`). */
export type ClientStreamEvent = string | { readonly event: string; readonly data: string };

/** What one upstream frame becomes for the client. */
export interface StreamStep extends Omit<AnswerSummary, 'finishReasons'> {
  /** Events to send the client, in order; OpenAI's terminator is the literal `[DONE]`. */
  readonly events: readonly ClientStreamEvent[];
  /** Generated text carried by this frame (for payload logs and token estimates). */
  readonly text?: string;
  /** The finish reason, when this frame gives one. */
  readonly finishReason?: FinishReason;
  /**
   * The provider reported a failure inside the stream (Anthropic's `error` event, a Bedrock
   * exception): `events` carry the client's error event and the request counts as failed.
   */
  readonly error?: string;
  /** This frame ends the answer as the provider meant it (OpenAI's `[DONE]`, Anthropic's `message_stop`). */
  readonly final?: boolean;
}

/**
 * Translates one response stream, frame by frame. Created per response, so that whatever it
 * must remember between frames (ids, tool-call indexes, counts) lives in its closure and
 * nowhere shared.
 */
export interface StreamTranslator {
  /** The media type of the client's stream (`text/event-stream; charset=utf-8`). */
  readonly contentType: string;
  /**
   * How the upstream frames the stream this translator reads, when the driver speaks several
   * wire formats and an option picks one per request (mistral's `mistral_format`, llama2's
   * `llama2_format`); the driver's `traits.streamFraming` when absent.
   */
  readonly framing?: StreamFraming;
  translate(frame: StreamFrame): StreamStep;
  /**
   * The SSE event that ends this stream on a failure the core finds (a cut, a timeout), for a
   * stream the core writes event by event whose error event depends on what it has sent so far
   * (the Responses API's `sequence_number`); the client API's `streamErrorEvent`, else OpenAI's,
   * when absent. Not read when `relay` is set: a relayed stream ends with `relay.errorFrame`.
   */
  errorEvent?(message: string): ClientStreamEvent;
  /**
   * Set by a pass-through to a client that reads the provider's own framing (Gemini's JSON array,
   * AWS event-stream messages, Cohere's NDJSON): the client gets the upstream's bytes unchanged,
   * `translate` only reads each frame for the gateway (usage, text, finish reason, the end; the
   * steps' events are not sent, and a frame it cannot read is skipped), and the failures the core
   * reports to the client (a stream cut short, an upstream break) are written by `relay.errorFrame`
   * in that framing, in place of any SSE error event (`errorEvent`, `streamErrorEvent`).
   */
  readonly relay?: StreamRelay;
  /**
   * The upstream body ended. Formats without a closing event of their own (Gemini's JSON array)
   * close the client's stream here; others return nothing.
   */
  end?(): StreamStep;
}

/** How a relayed stream (`StreamTranslator.relay`) ends on a failure the core reports. */
export interface StreamRelay {
  /** The bytes that tell the client, in the stream's own framing, that it failed with `message`. */
  errorFrame(message: string): string | Buffer;
}

/** How the provider frames a streamed body; the core cuts frames with the matching parser. */
export type StreamFraming = 'sse' | 'ndjson' | 'json-array' | 'aws-eventstream';

/**
 * One route type served for one client format, for answers that come whole (embeddings): the
 * request and answer translations, pure functions that never change their inputs (so a request
 * can be translated again for another attempt).
 */
export interface BufferedRouteTranslation {
  /** The client's body (configured options merged) to the provider's. Throws `TranslationError`. */
  request(body: ClientBody, request: ProviderRequest): TranslatedRequest;
  /** A provider's successful JSON answer to the client's format. Throws `TranslationError` on a body it cannot read. */
  response(body: unknown, request: ProviderRequest): TranslatedResponse;
}

/** One route type that may stream (chat, completions) served for one client format: the three translations. */
export interface RouteTranslation extends BufferedRouteTranslation {
  /** A new translator for one streamed answer. */
  stream(request: ProviderRequest): StreamTranslator;
}

/**
 * What a driver serves: per route type, per client format, its translations (embeddings never
 * stream, so their entries have no stream translator). A combination that is absent is
 * answered with Kong's "no transformer for <provider>://<route_type>".
 */
export type RouteTable = {
  readonly [R in CompletionRouteType]?: { readonly [F in ClientFormat]?: RouteTranslation };
} & {
  readonly 'llm/v1/embeddings'?: { readonly [F in ClientFormat]?: BufferedRouteTranslation };
};

/** The upstream request after translation: what an authenticator completes or signs. */
export interface OutgoingLlmRequest {
  /** The upstream URL; an authenticator may add query parameters. */
  readonly url: URL;
  readonly method: string;
  /** Lower-case header names; an authenticator adds its own. */
  readonly headers: Record<string, string>;
  /** The body exactly as it will be sent. */
  readonly body: string | Buffer;
  /**
   * The model options this request was resolved with (`$(...)` templates applied): what a
   * signer reads the request's region from (`bedrock.aws_region`).
   */
  readonly options: ModelOptions;
}

/** The client's request, as an authenticator may consult it (Kong's `allow_override`). */
export type ClientCredentials = Pick<ClientRequest, 'headers' | 'query'>;

/**
 * How the gateway proves itself to a provider. Built once per plugin config (from `config.auth`),
 * run after translation and before every send, so that a signature covers the final body and
 * each attempt is signed anew.
 */
export interface Authenticator {
  /**
   * Adds a credential to the provider body before it is serialized (Kong's
   * `param_location = body`). `clientBody` is what the client sent.
   */
  bodyCredential?(body: Record<string, unknown>, clientBody: ClientBody): void;
  /** Completes the final request: a header, a query parameter, a signature, a fresh token. */
  authenticate(request: OutgoingLlmRequest, client: ClientCredentials): void | Promise<void>;
}

/** Facts about a provider's HTTP behaviour that the core acts on. */
export interface ProviderTraits {
  /** How the provider frames a streamed body (a stream translator may name its own: `StreamTranslator.framing`). */
  readonly streamFraming: StreamFraming;
  /** The provider reports token counts in streams by itself (Kong's `streaming_has_token_counts`). */
  readonly streamReportsUsage: boolean;
  /** Kong's `clear_response_headers`: the provider's `Set-Cookie` never reaches the client. */
  readonly dropsSetCookie: boolean;
  /** The `Accept-Encoding` sent for whole answers (streams always ask `identity`); none when absent. */
  readonly acceptEncoding?: string;
}

/**
 * A provider: where a request goes, how it is translated there and back, how it is
 * authenticated, and the provider's own facts. Pure data and functions, no I/O: the LLM core
 * forwards. Everything provider-specific lives here; plugins never switch on a provider id.
 */
export interface ProviderDriver {
  readonly id: ProviderId;
  /** `gen_ai.provider.name` in OpenTelemetry's GenAI conventions (`azure.ai.openai`, `aws.bedrock`). */
  readonly telemetryName: string;
  readonly traits: ProviderTraits;
  readonly routes: RouteTable;
  /** This provider's members of `model.options` (Kong's names and rules), merged into the shared `llm` schema. */
  readonly optionFields?: Readonly<Record<string, SchemaField>>;
  /**
   * Kong's checks of an `llm` record that names this provider (paths relative to the record,
   * such as `model.options.azure_instance`), run after the shared checks, with Kong's messages.
   */
  readonly configChecks?: readonly EntityCheck[];
  /** The upstream URL, used when `model.options.upstream_url` is not set. */
  upstreamUrl(request: ProviderRequest): URL;
  /**
   * What the provider makes of a configured `model.options.upstream_url` (`configured`, parsed
   * from the option, is the driver's to change and return): Kong's huggingface driver appends
   * the chat path to it. Absent: the configured URL is the whole URL, as for every other provider.
   */
  configuredUpstreamUrl?(configured: URL, request: ProviderRequest): URL;
  /**
   * The provider's own authenticator for a config (a signer, a token source), or `undefined`
   * for Kong's header/query/body placement of `config.auth`. Called once per plugin config.
   */
  createAuthenticator?(auth: LlmAuthConfig): Authenticator | undefined;
  /** The provider's members of the `ai.proxy` log's `meta` (Azure's instance, deployment and api version). */
  analyticsMeta?(options: ModelOptions): Readonly<Record<string, unknown>>;
  /**
   * The provider's native API as a client format (`llm_format`): Anthropic's Messages API on the
   * anthropic driver (served by every provider), Gemini's, Bedrock's and Cohere's on theirs.
   */
  readonly clientApi?: ClientApi;
  /**
   * The client format of the provider's own API (`gemini`, `bedrock`, ...; `openai` when absent):
   * its entries (`routes[routeType][nativeFormat]`, else the route type's `openai` entry, whose
   * translations read native answers too) read the answers and streams that `preserve` routes
   * pass through untouched, for usage and analytics.
   */
  readonly nativeFormat?: ClientFormat;
}

/** The provider drivers a gateway has, by id; plugins reach providers only through it. */
export type ProviderRegistry = ReadonlyMap<ProviderId, ProviderDriver>;
