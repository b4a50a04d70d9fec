/**
 * The gateway's lingua franca: the OpenAI chat and completions API shapes that clients send
 * and receive, whatever provider serves them. Fields the gateway does not interpret are kept
 * (index signatures on the request types) so that nothing a client sends is silently dropped
 * for OpenAI-compatible upstreams; every field a translation reads is typed.
 */

export type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';

/** A piece of text in a multimodal `content` array. */
export interface TextContentPart {
  readonly type: 'text';
  readonly text: string;
}

/** An image: a `data:<media type>;base64,<bytes>` URL or an `http(s)` URL. */
export interface ImageContentPart {
  readonly type: 'image_url';
  readonly image_url: { readonly url: string; readonly detail?: 'auto' | 'low' | 'high' };
}

/** Base64 audio input. */
export interface AudioContentPart {
  readonly type: 'input_audio';
  readonly input_audio: { readonly data: string; readonly format: 'wav' | 'mp3' };
}

/** A file, inline (`file_data`, a base64 data URL) or uploaded earlier (`file_id`). */
export interface FileContentPart {
  readonly type: 'file';
  readonly file: { readonly file_data?: string; readonly file_id?: string; readonly filename?: string };
}

/** An assistant's refusal, as OpenAI returns it in earlier turns. */
export interface RefusalContentPart {
  readonly type: 'refusal';
  readonly refusal: string;
}

/** One part of a multimodal message `content`. */
export type ChatContentPart =
  TextContentPart | ImageContentPart | AudioContentPart | FileContentPart | RefusalContentPart;

/** A function call the assistant made: its `arguments` are a JSON document as a string. */
export interface ToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

/**
 * A piece of a tool call in a stream: the first delta of a call carries `id`, `type` and the
 * function's `name`; later ones only more `arguments` text, for the call at the same `index`.
 */
export interface ToolCallDelta {
  readonly index: number;
  readonly id?: string;
  readonly type?: 'function';
  readonly function?: { readonly name?: string; readonly arguments?: string };
}

export interface ChatMessage {
  readonly role: ChatRole;
  readonly content?: string | readonly ChatContentPart[] | null;
  readonly name?: string;
  readonly tool_calls?: readonly ToolCall[];
  readonly tool_call_id?: string;
  readonly [key: string]: unknown;
}

/** A JSON Schema object, as tools declare their parameters. */
export type JsonSchema = Readonly<Record<string, unknown>>;

export interface ToolDefinition {
  readonly type: 'function';
  readonly function: {
    readonly name: string;
    readonly description?: string;
    readonly parameters?: JsonSchema;
    readonly strict?: boolean;
  };
}

/** Whether and which tool the model must call. */
export type ToolChoice =
  'none' | 'auto' | 'required' | { readonly type: 'function'; readonly function: { readonly name: string } };

/** Sampling and length parameters common to chat and completions requests. */
export interface TuningParameters {
  readonly model?: string;
  readonly max_tokens?: number;
  readonly max_completion_tokens?: number;
  readonly temperature?: number;
  readonly top_p?: number;
  /** Not an OpenAI parameter; accepted by Kong and mapped for providers that have it. */
  readonly top_k?: number;
  readonly stop?: string | readonly string[];
  readonly presence_penalty?: number;
  readonly frequency_penalty?: number;
  readonly seed?: number;
  readonly n?: number;
  readonly stream?: boolean;
  readonly stream_options?: { readonly include_usage?: boolean };
  readonly user?: string;
  readonly [key: string]: unknown;
}

export interface ChatCompletionRequest extends TuningParameters {
  readonly messages: readonly ChatMessage[];
  readonly tools?: readonly ToolDefinition[];
  readonly tool_choice?: ToolChoice;
  readonly parallel_tool_calls?: boolean;
}

export interface CompletionRequest extends TuningParameters {
  readonly prompt: string | readonly string[];
}

export type LlmRequest = ChatCompletionRequest | CompletionRequest;

/** Token counts, as OpenAI reports them. */
export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** Prompt tokens read from the provider's prompt cache (included in `prompt_tokens`). */
  prompt_tokens_details?: { cached_tokens?: number };
  /** Completion tokens spent on reasoning (included in `completion_tokens`). */
  completion_tokens_details?: { reasoning_tokens?: number };
}

/** Why the model stopped, in OpenAI's words (providers' own reasons are mapped onto these). */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

export interface AssistantMessage {
  role: 'assistant';
  content: string | null;
  tool_calls?: ToolCall[];
  refusal?: string | null;
  [key: string]: unknown;
}

export interface ChatCompletionChoice {
  index: number;
  message: AssistantMessage;
  finish_reason: FinishReason | null;
  logprobs?: unknown;
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: ChatCompletionChoice[];
  usage?: TokenUsage;
  [key: string]: unknown;
}

export interface CompletionChoice {
  index: number;
  text: string;
  finish_reason: FinishReason | null;
  logprobs?: unknown;
}

export interface Completion {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: CompletionChoice[];
  usage?: TokenUsage;
  [key: string]: unknown;
}

export type LlmResponse = ChatCompletion | Completion;

/** What one streamed chat chunk adds to the answer. */
export interface ChatDelta {
  role?: 'assistant';
  content?: string | null;
  tool_calls?: ToolCallDelta[];
  refusal?: string | null;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: ChatDelta;
    logprobs: null;
    finish_reason: FinishReason | null;
  }>;
  usage?: TokenUsage | null;
}

export interface CompletionChunk {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: Array<{ index: number; text: string; logprobs: null; finish_reason: FinishReason | null }>;
  usage?: TokenUsage | null;
}
