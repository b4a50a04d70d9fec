import type {
  ChatCompletionChunk,
  ChatDelta,
  CompletionChunk,
  FinishReason,
  ProviderRequest,
  TokenUsage,
  ToolCallDelta,
} from '@switchyard/plugin-api';

/** The `data:` payload that ends an OpenAI-style stream. */
export const STREAM_TERMINATOR = '[DONE]';

/** The media type of every OpenAI-style stream the gateway sends. */
export const EVENT_STREAM_TYPE = 'text/event-stream; charset=utf-8';

/** The current time in Unix seconds, as OpenAI's `created`. */
export function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** An OpenAI-style error event's `data` (`{"error":{"message","type"}}`), as a stream ends on a failure. */
export function streamErrorEvent(message: string, type = 'upstream_error'): string {
  return JSON.stringify({ error: { message, type } });
}

/**
 * Writes the OpenAI chunks of one streamed answer, so that a provider's stream translator says
 * what happened (started, text, a tool call, finished) and not how each route type spells it.
 * Created per response: it stamps every chunk with the same id, `created` and model.
 */
export interface OpenAiChunkWriter {
  /** The answer's id, once the provider names it (chunks written before carry `''`). */
  id: string;
  /** The chunks that open an answer: chat announces `role: assistant`; completions send none. */
  opening(): string[];
  /** A chunk carrying generated text. */
  text(text: string): string;
  /** A chunk carrying one piece of a tool call (chat only). */
  toolCall(delta: ToolCallDelta): string;
  /**
   * The chunks that close an answer, before the terminator: empty content with the finish
   * reason, then OpenAI's usage chunk (empty `choices`) when the client asked for usage and it
   * is known.
   */
  finish(reason: FinishReason, usage?: TokenUsage): string[];
}

type ChunkHeader = { id: string; created: number; model: string };

function chatChunk(header: ChunkHeader, delta: ChatDelta, finishReason: FinishReason | null = null): string {
  const chunk: ChatCompletionChunk = {
    id: header.id,
    object: 'chat.completion.chunk',
    created: header.created,
    model: header.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
  return JSON.stringify(chunk);
}

function completionChunk(
  header: ChunkHeader,
  text: string,
  finishReason: FinishReason | null = null,
): string {
  const chunk: CompletionChunk = {
    id: header.id,
    object: 'text_completion',
    created: header.created,
    model: header.model,
    choices: [{ index: 0, text, logprobs: null, finish_reason: finishReason }],
  };
  return JSON.stringify(chunk);
}

/** OpenAI's last chunk when `stream_options.include_usage` is on: no choices, the whole usage. */
function usageChunk(
  header: ChunkHeader,
  object: 'chat.completion.chunk' | 'text_completion',
  usage: TokenUsage,
): string {
  return JSON.stringify({
    id: header.id,
    object,
    created: header.created,
    model: header.model,
    choices: [],
    usage,
  });
}

/** A chunk writer for one streamed answer to `request`, in its route type's chunk shape. */
export function createOpenAiChunkWriter(request: ProviderRequest): OpenAiChunkWriter {
  const header: ChunkHeader = { id: '', created: nowInSeconds(), model: request.model.name };
  const chat = request.routeType === 'llm/v1/chat';
  const object = chat ? 'chat.completion.chunk' : 'text_completion';
  return {
    get id() {
      return header.id;
    },
    set id(value: string) {
      header.id = value;
    },
    opening: () => (chat ? [chatChunk(header, { role: 'assistant', content: '' })] : []),
    text: (text) => (chat ? chatChunk(header, { content: text }) : completionChunk(header, text)),
    toolCall: (delta) => chatChunk(header, { tool_calls: [delta] }),
    finish(reason, usage) {
      const chunks = [chat ? chatChunk(header, {}, reason) : completionChunk(header, '', reason)];
      if (usage && request.clientWantsUsage) chunks.push(usageChunk(header, object, usage));
      return chunks;
    },
  };
}
