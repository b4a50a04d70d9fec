/**
 * The gateway's lingua franca: the OpenAI chat and completions API shapes that clients send
 * and receive, whatever provider serves them. Fields the gateway does not interpret are kept
 * (index signatures) so that nothing a client sends is silently dropped for OpenAI-compatible
 * upstreams.
 */

export type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';

export interface ChatContentPart {
  readonly type: string;
  readonly text?: string;
  readonly image_url?: { readonly url: string; readonly detail?: string };
  readonly [key: string]: unknown;
}

export interface ToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

export interface ChatMessage {
  readonly role: ChatRole;
  readonly content?: string | readonly ChatContentPart[] | null;
  readonly name?: string;
  readonly tool_calls?: readonly ToolCall[];
  readonly tool_call_id?: string;
  readonly [key: string]: unknown;
}

export interface ToolDefinition {
  readonly type: 'function';
  readonly function: { readonly name: string; readonly description?: string; readonly parameters?: unknown };
}

/** Sampling and length parameters common to chat and completions requests. */
export interface TuningParameters {
  model?: string;
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  /** Not an OpenAI parameter; accepted by Kong and mapped for providers that have it. */
  top_k?: number;
  stop?: string | readonly string[];
  presence_penalty?: number;
  frequency_penalty?: number;
  seed?: number;
  n?: number;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  user?: string;
  [key: string]: unknown;
}

export interface ChatCompletionRequest extends TuningParameters {
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  tool_choice?: 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };
}

export interface CompletionRequest extends TuningParameters {
  prompt: string | string[];
}

export type LlmRequest = ChatCompletionRequest | CompletionRequest;

/** Token counts, as OpenAI reports them. */
export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call' | string;

export interface ChatCompletionChoice {
  index: number;
  message: { role: 'assistant'; content: string | null; tool_calls?: ToolCall[]; [key: string]: unknown };
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

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: { role?: 'assistant'; content?: string | null; tool_calls?: unknown[] };
    finish_reason: FinishReason | null;
  }>;
  usage?: TokenUsage | null;
}

export interface CompletionChunk {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: Array<{ index: number; text: string; finish_reason: FinishReason | null }>;
  usage?: TokenUsage | null;
}
