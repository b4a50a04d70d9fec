import type { LlmRouteType, ProviderId } from './ids.js';
import type { LlmRequest, LlmResponse, TokenUsage } from './openai.types.js';

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

/** The model a request is served by, once the configured and client values are reconciled. */
export interface ResolvedModel {
  readonly provider: ProviderId;
  /** The model name sent upstream (the configured one, else the client's). */
  readonly name: string;
  readonly options: ModelOptions;
}

/** What a driver is told about the request it translates. Created per request. */
export interface ProviderRequest {
  readonly routeType: LlmRouteType;
  readonly model: ResolvedModel;
  /** The client asked for a stream, or `response_streaming` is `always`. */
  readonly stream: boolean;
  /** The client's query string (Azure's `api-version` is taken from it first). */
  readonly clientQuery: URLSearchParams;
  /** `config.logging.log_statistics`: ask the provider for stream usage when it can give it. */
  readonly wantsUsage: boolean;
}

/** The provider-shaped request a driver produced. */
export interface TranslatedRequest {
  /** JSON body to send upstream. */
  readonly body: unknown;
  /** Provider headers (e.g. `anthropic-version`); credentials are placed by the plugin, not here. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * One frame of a provider's stream, already cut out of the byte stream: an SSE event (its
 * `event:` name and joined `data:` lines), or one NDJSON line / JSON-array element as `data`.
 */
export interface StreamFrame {
  readonly event?: string;
  readonly data: string;
}

/** What one upstream frame becomes for the client. */
export interface StreamStep {
  /** `data:` payloads to send the client, in order; the terminator is the literal `[DONE]`. */
  readonly events: readonly string[];
  /** Generated text carried by this frame (for payload logs and token estimates). */
  readonly text?: string;
  /** Token counts, when this frame reports them. */
  readonly usage?: Partial<TokenUsage>;
  /** The model the provider says answered, when this frame names it. */
  readonly model?: string;
  /** The provider's response id, when this frame names it. */
  readonly id?: string;
  /** Finish reason, when this frame gives one. */
  readonly finishReason?: string;
}

/**
 * Translates one response stream, frame by frame. Created per request, so that whatever it
 * must remember between frames (ids, counts) lives in its closure and nowhere shared.
 */
export interface StreamTranslator {
  translate(frame: StreamFrame): StreamStep;
}

/**
 * How the provider frames a streamed body. The plugin cuts frames with the matching parser
 * (Kong picks by content type; the driver knows its provider's format for sure).
 */
export type StreamFraming = 'sse' | 'ndjson' | 'json-array' | 'aws-eventstream';

/**
 * A provider: where to send a request, and how to translate it there and back. Pure data and
 * functions; no I/O (the plugin forwards). A route type the driver does not list fails with
 * "no transformer for <provider>://<route_type>".
 */
export interface ProviderDriver {
  readonly id: ProviderId;
  readonly routeTypes: readonly LlmRouteType[];
  /** How this provider frames its stream. */
  readonly streamFraming: StreamFraming;
  /** Whether the provider reports token counts in streams by itself (Kong's `streaming_has_token_counts`). */
  readonly streamReportsUsage: boolean;
  /** The upstream URL, used when `model.options.upstream_url` is not set. */
  upstreamUrl(request: ProviderRequest): URL;
  /** OpenAI-shaped client body (configured options already merged) to the provider's body. Throws `TranslationError`. */
  translateRequest(body: LlmRequest, request: ProviderRequest): TranslatedRequest;
  /** A provider's successful JSON body to the OpenAI shape. Throws `TranslationError` on a body it cannot read. */
  translateResponse(body: unknown, request: ProviderRequest): LlmResponse;
  /** A new translator for one streamed response. */
  createStreamTranslator(request: ProviderRequest): StreamTranslator;
}

/** The provider drivers a gateway has, by id; plugins reach providers only through it. */
export type ProviderRegistry = ReadonlyMap<ProviderId, ProviderDriver>;
