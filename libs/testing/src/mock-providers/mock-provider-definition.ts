import type { IncomingHttpHeaders } from 'node:http';
import type { MockEmbeddingsApi } from './mock-embeddings.js';
import type { MockReply } from './mock-reply.js';
import type {
  MockAccessTokens,
  MockAwsCredentials,
  MockOperation,
  MockProviderBehaviour,
  MockServerId,
} from './mock-provider.types.js';

/** Which operation a request reached, and the path parameters it carried. */
export interface MockRoute {
  readonly operation: MockOperation;
  /**
   * The route speaks OpenAI's Responses API (`POST /v1/responses`, Azure's `/openai/responses`):
   * a chat operation whose request and answer are the Responses API's.
   */
  readonly responsesApi?: boolean;
  /** Azure's `{deployment}` path segment. */
  readonly deployment?: string;
  /** Bedrock's `{modelId}` path segment, decoded. */
  readonly modelId?: string;
  /** The model a path names (Hugging Face's `/models/{model}`, Gemini's `models/{model}:generateContent`). */
  readonly model?: string;
  /**
   * Whether the route streams: as the body's `stream` asks (the default), `never` or `always`
   * (a text-generation server's `/generate` and `/generate_stream`, Bedrock's `converse` and
   * `converse-stream`, Gemini's `:generateContent` and `:streamGenerateContent`), whatever the
   * body says.
   */
  readonly streaming?: 'never' | 'always';
  /** The stream comes as SSE, as the query asked (Gemini's `alt=sse`), rather than in the provider's usual framing. */
  readonly sse?: boolean;
  /** The path takes OAuth access tokens only (Vertex AI's), no API key. */
  readonly oauthOnly?: boolean;
}

/**
 * What an `authorize` may check besides the headers: the request as it arrived (its exact bytes
 * for AWS's SigV4 signature, its query for Gemini's `key`), the route it reached, and the
 * credentials the server accepts besides its API key.
 */
export interface MockAuthContext {
  readonly method: string;
  /** The request target as sent (path still percent-encoded, query included) on the mock's origin. */
  readonly url: URL;
  readonly rawBody: Buffer;
  /** The route the request reached (Vertex AI's paths take no API key). */
  readonly route: MockRoute;
  /** The AWS credentials the mock accepts signatures of (see `MockProviderOptions.awsCredentials`). */
  readonly awsCredentials: MockAwsCredentials;
  /** The OAuth access tokens the mock accepts (see `MockProviderOptions.accessTokens`), if any. */
  readonly accessTokens?: MockAccessTokens;
}

/** What the mock needs from a request body to build its reply. */
export interface MockInput {
  /** The model to echo, for providers whose replies name one. */
  readonly model?: string;
  /** Every input text (messages, preamble, prompt): their words are the prompt tokens. */
  readonly inputs: readonly string[];
  /** The request's output token limit, if any. */
  readonly maxTokens?: number;
  /** Whether to answer with a stream: as the route's `streaming` says, else as the body asks. */
  readonly stream: boolean;
  /** The parsed request body, for provider-specific fields (`stream_options`, `chat_history`, ...). */
  readonly body: Readonly<Record<string, unknown>>;
}

/** One stream frame, already framed: SSE, NDJSON or JSON-array text, or an AWS event-stream message's bytes. */
export type MockStreamFrame = string | Uint8Array;

/** A provider's successful reply: one JSON body, or the frames of a stream, already framed. */
export type MockResponse =
  | { readonly kind: 'json'; readonly body: unknown }
  | { readonly kind: 'stream'; readonly contentType: string; readonly frames: readonly MockStreamFrame[] };

/** A provider's error answer: a status with the provider's own error body (and headers, where it sends some). */
export class ProviderErrorReply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    /** Headers the provider's errors carry (Bedrock's `x-amzn-errortype`). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

/**
 * What a provider adds to the shared mock server: data plus a few functions. The server does the
 * HTTP, recording, fault switches and stream writing; a definition only maps a request to its
 * route, checks its credential, reads its body and builds its reply bodies.
 */
export interface MockProviderDefinition {
  readonly id: MockServerId;
  /** Maps a request to an operation on the provider's real paths, or to the provider's own 404. */
  route(method: string, url: URL): MockRoute | ProviderErrorReply;
  /**
   * Checks the credential in the provider's own header or query parameter, an OAuth access token,
   * or the request's signature; returns the provider's 401 or 403 when it is missing or wrong.
   */
  authorize(
    headers: IncomingHttpHeaders,
    apiKey: string,
    context: MockAuthContext,
  ): ProviderErrorReply | undefined | Promise<ProviderErrorReply | undefined>;
  /**
   * The provider's embeddings API, for providers that have one: `route` answers its paths with
   * `operation: 'embeddings'`, and the server hands those requests to it.
   */
  readonly embeddings?: MockEmbeddingsApi;
  /** Reads a chat or completions body, or returns the provider's 400 when it is not a valid request. */
  readInput(route: MockRoute, body: unknown): MockInput | ProviderErrorReply;
  /**
   * Builds the reply body, or the stream frames, for one request (`behaviour` for the switches
   * only some providers have, such as Gemini's `safetyBlock`).
   */
  respond(
    route: MockRoute,
    input: MockInput,
    reply: MockReply,
    behaviour: MockProviderBehaviour,
  ): MockResponse;
  /**
   * The provider's error body for a bare status (used when a behaviour sets `status` without
   * `body`), or a whole `ProviderErrorReply` when the provider's errors carry headers too.
   */
  errorBody(status: number): unknown;
  /**
   * The provider's in-stream error event, already framed in the route's stream framing, for
   * providers that have one (`streamErrorAfter`).
   */
  streamErrorFrame?(route: MockRoute): MockStreamFrame;
  /**
   * Providers that load models on demand (Hugging Face), while the behaviour says the model is
   * loading (`modelLoadingSeconds`): the provider's answer to a request for it, or `undefined`
   * when the request asks to wait for the model (it is then answered as usual).
   */
  modelLoading?(
    input: MockInput,
    headers: IncomingHttpHeaders,
    estimatedSeconds: number,
  ): ProviderErrorReply | undefined;
}

/** The token of an `Authorization: Bearer <token>` header, if the header has that form. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  return authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : undefined;
}

/** The body as a JSON object, or undefined when it is anything else. */
export function asJsonObject(body: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}

/** A finite number, or undefined. */
export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
