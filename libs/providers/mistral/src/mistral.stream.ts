import { TranslationError } from '@switchyard/plugin-api';
import type { ProviderRequest, StreamStep, StreamTranslator, TokenUsage } from '@switchyard/plugin-api';
import {
  EVENT_STREAM_TYPE,
  STREAM_TERMINATOR,
  createOpenAiChunkWriter,
  isRecord,
  streamErrorEvent,
} from '@switchyard/provider-openai-compatible';
import type { JsonRecord, OpenAiChunkWriter } from '@switchyard/provider-openai-compatible';
import { argumentsText, mistralFinish, mistralText, mistralUsage } from './mistral.fields.js';

type MutableStep = { -readonly [K in keyof StreamStep]: StreamStep[K] };

const NOTHING: StreamStep = { events: [] };
const TERMINATOR_STEP: StreamStep = { events: [STREAM_TERMINATOR], final: true };

function parseChunk(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch (error) {
    throw new TranslationError(`failed to decode event frame from mistral: ${(error as Error).message}`);
  }
}

/**
 * The tool calls of one streamed answer as OpenAI deltas. Mistral streams each call whole (id,
 * name and arguments in one delta, often without `type`, which OpenAI's clients require); a later
 * delta for a call already announced carries more of its arguments.
 */
class ToolCallStream {
  readonly #announced = new Set<number>();

  constructor(private readonly chunks: OpenAiChunkWriter) {}

  deltas(value: unknown): string[] {
    if (!Array.isArray(value)) return [];
    return value.flatMap((call: unknown, position): string[] => {
      if (!isRecord(call)) return [];
      const index = typeof call.index === 'number' ? call.index : position;
      const fn: JsonRecord = isRecord(call.function) ? call.function : {};
      const args = argumentsText(fn.arguments);
      if (!this.#announced.has(index) && typeof fn.name === 'string') {
        this.#announced.add(index);
        const id = typeof call.id === 'string' ? call.id : '';
        return [
          this.chunks.toolCall({ index, id, type: 'function', function: { name: fn.name, arguments: args } }),
        ];
      }
      return args === '' ? [] : [this.chunks.toolCall({ index, function: { arguments: args } })];
    });
  }
}

/**
 * Translates one Mistral SSE stream (`chat.completion.chunk`s, then `[DONE]`) to OpenAI's: the
 * first chunk opens the answer with the assistant role and names its id, text and tool calls
 * follow, the finish chunk gives OpenAI's finish reason and carries the usage Mistral always
 * reports (as OpenAI's separate usage chunk, only for a client that asked), and `[DONE]` ends
 * it. `finish_reason: error`, or an error object in the stream, ends it with an OpenAI-style
 * error event. Created per response.
 */
export function createMistralStreamTranslator(request: ProviderRequest): StreamTranslator {
  const chunks = createOpenAiChunkWriter(request);
  const tools = new ToolCallStream(chunks);
  let opened = false;

  return {
    contentType: EVENT_STREAM_TYPE,
    framing: 'sse',
    translate(frame) {
      if (frame.data === '') return NOTHING;
      if (frame.data === STREAM_TERMINATOR) return TERMINATOR_STEP;
      const chunk = parseChunk(frame.data);
      if (!isRecord(chunk)) return NOTHING;
      if (chunk.object === 'error') {
        const error = `mistral reported an error: ${typeof chunk.message === 'string' ? chunk.message : JSON.stringify(chunk.message)}`;
        return { events: [streamErrorEvent(error)], error };
      }
      const step: MutableStep = { events: [] };
      const events: string[] = [];
      if (!opened) {
        opened = true;
        if (typeof chunk.id === 'string') chunks.id = chunk.id;
        events.push(...chunks.opening());
      }
      step.id = chunks.id;
      if (typeof chunk.model === 'string' && chunk.model !== '') step.model = chunk.model;
      const choice = Array.isArray(chunk.choices) && isRecord(chunk.choices[0]) ? chunk.choices[0] : {};
      const delta: JsonRecord = isRecord(choice.delta) ? choice.delta : {};
      const text = mistralText(delta.content);
      if (text) {
        events.push(chunks.text(text));
        step.text = text;
      }
      events.push(...tools.deltas(delta.tool_calls));
      const usage: TokenUsage | undefined = mistralUsage(chunk.usage);
      if (usage) step.usage = usage;
      if (typeof choice.finish_reason === 'string') {
        const finish = mistralFinish(choice.finish_reason);
        if (finish.failure !== undefined) {
          step.events = [...events, streamErrorEvent(finish.failure)];
          step.error = finish.failure;
          return step;
        }
        events.push(...chunks.finish(finish.reason, usage));
        step.finishReason = finish.reason;
      }
      step.events = events;
      return step;
    },
  };
}
