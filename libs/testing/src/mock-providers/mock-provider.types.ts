import type { IncomingHttpHeaders } from 'node:http';
import type { ProviderId } from '@switchyard/plugin-api';

/** The providers that have a mock server speaking their real wire format. */
export type MockProviderId = Extract<
  ProviderId,
  'openai' | 'azure' | 'cohere' | 'anthropic' | 'bedrock' | 'huggingface' | 'mistral' | 'llama2' | 'gemini'
>;

/**
 * A wire format several providers speak, mocked once: an Ollama server (`/api/chat`,
 * `/api/generate`) answers mistral's and llama2's `ollama` format.
 */
export type MockWireFormatId = 'ollama';

/** Every mock server: a provider's own, or a shared wire format's. */
export type MockServerId = MockProviderId | MockWireFormatId;

/** The operations a mocked provider serves (Kong's `llm/v1/chat`, `llm/v1/completions` and, where the provider has an embeddings API, `llm/v1/embeddings`). */
export type MockOperation = 'chat' | 'completions' | 'embeddings';

/** One request as the mock received it, before any reply logic ran. */
export interface RecordedRequest {
  readonly method: string;
  /** The request target as sent: path plus query string, e.g. `/openai/deployments/d/chat/completions?api-version=2024-10-21`. */
  readonly path: string;
  /** Lower-cased header names, as Node parses them. */
  readonly headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or the raw text when it is not JSON (an empty string when there was none). */
  readonly body: unknown;
}

/**
 * Switches that change how the mock answers. Read once when a request arrives, so a change
 * affects the next request, never one in flight. Unset fields keep the provider's normal behaviour.
 */
export interface MockProviderBehaviour {
  /** The reply text; streams send it word by word. Default "The answer to 1 + 1 is 2.". */
  readonly replyText?: string;
  /**
   * Number of text pieces in every reply (stream content events, and words of a non-stream reply).
   * The words of `replyText` are repeated until there are this many. The envelope events (OpenAI's role,
   * finish, usage chunks and `[DONE]`; Cohere's stream-start and stream-end) come in addition.
   */
  readonly eventCount?: number;
  /** Answer with this status instead of the normal reply, after routing and before auth. */
  readonly status?: number;
  /**
   * The body sent with `status`: an object is sent as JSON, a string as is. Default: the provider's
   * own error JSON for that status.
   */
  readonly body?: unknown;
  /** Headers sent with `status` besides the provider's own (`retry-after`, say). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The content type of `body`. Default: JSON for an object, HTML for a string starting with `<`, plain text otherwise. */
  readonly contentType?: string;
  /** Milliseconds to wait before sending the response headers. */
  readonly delayMs?: number;
  /** Milliseconds to wait between two stream events (none before the first). */
  readonly eventIntervalMs?: number;
  /**
   * Destroy the connection after this many stream events (every SSE `data:` frame or NDJSON line
   * counts), so the stream never ends properly. Non-stream replies ignore it.
   */
  readonly failMidStreamAfter?: number;
  /**
   * End a stream with the provider's own in-stream error event after this many stream events
   * (Anthropic's `event: error` with an `overloaded_error`, Bedrock's `throttlingException`
   * message), as a provider does when it fails
   * after answering 200. Providers without such an event ignore it.
   */
  readonly streamErrorAfter?: number;
  /** Answer 200 with a JSON body that lacks every field the provider's clients read (also for stream requests). */
  readonly badBody?: boolean;
  /** Read the request and never answer; the connection stays open until the client gives up or the server closes. */
  readonly hang?: boolean;
  /** Gzip non-stream bodies when the request's `Accept-Encoding` allows it, as the providers' CDNs do. */
  readonly gzip?: boolean;
  /**
   * End the stream properly (no reset) after this many events, leaving out the rest, the
   * terminator included: a provider that stops early without saying so. Non-stream replies ignore it.
   */
  readonly endStreamAfter?: number;
  /**
   * Send the body one byte at a time, this many milliseconds apart (streams and whole answers):
   * a provider that drips bytes without ever completing much.
   */
  readonly dripIntervalMs?: number;
  /**
   * Whole answers: send the head (with the full `content-length`) and this many bytes of the
   * body, then reset the connection. Stream replies ignore it (see `failMidStreamAfter`).
   */
  readonly cutBodyAfterBytes?: number;
  /**
   * Answer every request, whatever it asks, with a gzip body (`content-encoding: gzip`, JSON content
   * type) that inflates to this many bytes of zeros, with `status` (default 200): a gzip bomb.
   * The body is about 1/1000 of that size.
   */
  readonly gzipBombBytes?: number;
  /**
   * Answer by calling these tools (finish reason "tool calls" in the provider's words) after the
   * reply text, if any: whole answers carry every call, streams send each call's arguments in
   * {@link MOCK_TOOL_ARGUMENT_PIECE_CHARS}-character pieces, as providers stream them.
   */
  readonly toolCalls?: readonly MockToolCallSpec[];
  /**
   * Block for safety, as Gemini does: `prompt` answers with no candidate and a
   * `promptFeedback.blockReason`, `answer` with a candidate stopped by `SAFETY` and no content.
   * Providers without such blocks ignore it.
   */
  readonly safetyBlock?: 'prompt' | 'answer';
  /**
   * The requested model is still loading, for this many more seconds (Hugging Face): the provider's
   * own 503 (`{"error":"Model <model> is currently loading","estimated_time":<seconds>}`), unless
   * the request asks to wait for the model. Providers that load no models on demand ignore it.
   */
  readonly modelLoadingSeconds?: number;
}

/** A tool call the mock makes: the function's name and its arguments as a JSON document. */
export interface MockToolCallSpec {
  readonly name: string;
  readonly arguments: Readonly<Record<string, unknown>>;
}

/** How many characters of a call's JSON arguments each streamed piece carries. */
export const MOCK_TOOL_ARGUMENT_PIECE_CHARS = 8;

/** OAuth access tokens a mock accepts (as `Authorization: Bearer`), issued by a mock token endpoint. */
export interface MockAccessTokens {
  /** Whether `token` was issued and has not expired. */
  accepts(token: string): boolean;
}

/** An IAM user's (or a role session's) credentials, as AWS knows them. */
export interface MockAwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** A role session's token: then every request must carry it (`x-amz-security-token`). */
  readonly sessionToken?: string;
}

/** Options fixed for the lifetime of one mock server. */
export interface MockProviderOptions {
  /** The credential the mock expects (in the provider's own header). Default {@link MOCK_PROVIDER_API_KEY}. */
  readonly apiKey?: string;
  /** The credentials whose SigV4 signatures an AWS mock (Bedrock) accepts. Default {@link MOCK_AWS_CREDENTIALS}. */
  readonly awsCredentials?: MockAwsCredentials;
  /** OAuth access tokens the mock accepts, for providers that take them (Vertex AI). None by default. */
  readonly accessTokens?: MockAccessTokens;
  /** The behaviour the server starts with and returns to on `reset()`. */
  readonly behaviour?: MockProviderBehaviour;
  /** Record every request in `requests` (default true). Turn off for long benchmarks to keep memory flat. */
  readonly record?: boolean;
}

/** The credential every mock expects unless `apiKey` is given. */
export const MOCK_PROVIDER_API_KEY = 'sk-mock-provider-key';

/** The AWS credentials an AWS mock accepts unless `awsCredentials` is given (AWS's documented example key). */
export const MOCK_AWS_CREDENTIALS: MockAwsCredentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

/** The reply text used when the behaviour does not set one. */
export const DEFAULT_REPLY_TEXT = 'The answer to 1 + 1 is 2.';
