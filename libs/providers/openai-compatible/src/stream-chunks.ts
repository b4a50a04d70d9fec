import type {
  ChatCompletionChunk,
  CompletionChunk,
  FinishReason,
  LlmRouteType,
  TokenUsage,
} from '@switchyard/plugin-api';

/** The `data:` payload that ends an OpenAI-style stream. */
export const STREAM_TERMINATOR = '[DONE]';

/** The current time in Unix seconds, as OpenAI's `created`. */
export function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The members every chunk of one streamed answer shares. */
export interface ChunkHeader {
  readonly id: string;
  /** Unix seconds; stamp it once per stream so that all chunks agree. */
  readonly created: number;
  readonly model: string;
}

type ChatDelta = ChatCompletionChunk['choices'][number]['delta'];

/** One `chat.completion.chunk` as the JSON string a client receives in `data:`. */
export function chatCompletionChunk(
  header: ChunkHeader,
  delta: ChatDelta,
  finishReason: FinishReason | null = null,
  usage?: TokenUsage,
): string {
  const chunk: ChatCompletionChunk = {
    id: header.id,
    object: 'chat.completion.chunk',
    created: header.created,
    model: header.model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
  if (usage) chunk.usage = usage;
  return JSON.stringify(chunk);
}

/** One streamed `text_completion` chunk as the JSON string a client receives in `data:`. */
export function textCompletionChunk(
  header: ChunkHeader,
  text: string,
  finishReason: FinishReason | null = null,
  usage?: TokenUsage,
): string {
  const chunk: CompletionChunk = {
    id: header.id,
    object: 'text_completion',
    created: header.created,
    model: header.model,
    choices: [{ index: 0, text, finish_reason: finishReason }],
  };
  if (usage) chunk.usage = usage;
  return JSON.stringify(chunk);
}

/**
 * Builds the OpenAI chunks of one route type, so that a provider's stream translator says what
 * happened (started, text, finished) and not how each route type spells it.
 */
export interface StreamChunkBuilder {
  /** The chunks that open an answer: chat announces `role: assistant`; completions send none. */
  opening(header: ChunkHeader): readonly string[];
  /** A chunk carrying generated text. */
  text(header: ChunkHeader, text: string): string;
  /** The last chunk before the terminator: empty content, the finish reason, usage when known. */
  finish(header: ChunkHeader, finishReason: FinishReason, usage?: TokenUsage): string;
}

const chatChunks: StreamChunkBuilder = {
  opening: (header) => [chatCompletionChunk(header, { role: 'assistant', content: '' })],
  text: (header, text) => chatCompletionChunk(header, { content: text }),
  finish: (header, finishReason, usage) => chatCompletionChunk(header, {}, finishReason, usage),
};

const completionChunks: StreamChunkBuilder = {
  opening: () => [],
  text: (header, text) => textCompletionChunk(header, text),
  finish: (header, finishReason, usage) => textCompletionChunk(header, '', finishReason, usage),
};

/** The chunk builder for a route type. */
export function streamChunkBuilder(routeType: LlmRouteType): StreamChunkBuilder {
  return routeType === 'llm/v1/chat' ? chatChunks : completionChunks;
}
