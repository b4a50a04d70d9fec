import type { IncomingHttpHeaders } from 'node:http';
import type { MockReply } from './mock-reply.js';
import type { MockOperation, MockServerId } from './mock-provider.types.js';

/** Which operation a request reached, and the path parameters it carried. */
export interface MockRoute {
  readonly operation: MockOperation;
  /** Azure's `{deployment}` path segment. */
  readonly deployment?: string;
  /**
   * Whether the route streams: as the body's `stream` asks (the default), `never` or `always`
   * (a text-generation server's `/generate` and `/generate_stream`).
   */
  readonly streaming?: 'never' | 'always';
}

/** What the mock needs from a request body to build its reply. */
export interface MockInput {
  /** The model to echo, for providers whose replies name one. */
  readonly model?: string;
  /** Every input text (messages, preamble, prompt): their words are the prompt tokens. */
  readonly inputs: readonly string[];
  /** The request's output token limit, if any. */
  readonly maxTokens?: number;
  readonly stream: boolean;
  /** The parsed request body, for provider-specific fields (`stream_options`, `chat_history`, ...). */
  readonly body: Readonly<Record<string, unknown>>;
}

/** A provider's successful reply: one JSON body, or the frames of a stream, already framed (SSE or NDJSON). */
export type MockResponse =
  | { readonly kind: 'json'; readonly body: unknown }
  | { readonly kind: 'stream'; readonly contentType: string; readonly frames: readonly string[] };

/** A provider's error answer: a status with the provider's own error body. */
export class ProviderErrorReply {
  constructor(
    readonly status: number,
    readonly body: unknown,
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
  /** Checks the credential in the provider's own header; returns the provider's 401 when it is missing or wrong. */
  authorize(headers: IncomingHttpHeaders, apiKey: string): ProviderErrorReply | undefined;
  /** Reads the request body, or returns the provider's 400 when it is not a valid request. */
  readInput(route: MockRoute, body: unknown): MockInput | ProviderErrorReply;
  /** Builds the reply body, or the stream frames, for one request. */
  respond(route: MockRoute, input: MockInput, reply: MockReply): MockResponse;
  /** The provider's error body for a bare status (used when a behaviour sets `status` without `body`). */
  errorBody(status: number): unknown;
  /** The provider's in-stream error event, already framed, for providers that have one (`streamErrorAfter`). */
  streamErrorFrame?(): string;
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
