import { TranslationError } from '@switchyard/plugin-api';
import type { ProviderRequest, StreamStep, StreamTranslator, TokenUsage } from '@switchyard/plugin-api';
import {
  EVENT_STREAM_TYPE,
  STREAM_TERMINATOR,
  createOpenAiChunkWriter,
  isRecord,
  streamErrorEvent,
} from '@switchyard/provider-openai-compatible';
import type { JsonRecord } from '@switchyard/provider-openai-compatible';
import { anthropicFinishReason, anthropicPromptTokens, anthropicUsage } from './anthropic.fields.js';

const NOTHING: StreamStep = { events: [] };
const TERMINATOR: StreamStep = { events: [STREAM_TERMINATOR], final: true };

function parseEvent(data: string): JsonRecord {
  let event: unknown;
  try {
    event = JSON.parse(data);
  } catch (error) {
    throw new TranslationError(`failed to decode event frame from anthropic: ${(error as Error).message}`);
  }
  if (!isRecord(event))
    throw new TranslationError('failed to decode event frame from anthropic: not an object');
  return event;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * Translates one Anthropic stream (named SSE events) to OpenAI chunks, for the Messages API
 * (`message_start`, `content_block_start`/`_delta`/`_stop`, `message_delta`, `message_stop`)
 * and the Text Completions API (`completion` events). Text deltas become content chunks,
 * `tool_use` blocks and their `input_json_delta`s become `tool_calls` deltas (their OpenAI
 * index counts tool calls only), `message_delta` closes the answer with the finish reason and
 * usage (the usage chunk only for a client that asked), `message_stop` is `[DONE]`. `ping` is
 * dropped; an `error` event becomes OpenAI's error event. Created per response.
 */
export function createAnthropicStreamTranslator(request: ProviderRequest): StreamTranslator {
  const chunks = createOpenAiChunkWriter(request);
  /** OpenAI tool-call index of each `tool_use` block, by Anthropic's block index. */
  const toolIndexes = new Map<number, number>();
  /** Prompt tokens `message_start` reported, for the usage at the end. */
  let promptTokens: number | undefined;
  let cachedTokens: number | undefined;
  let opened = false;

  /** The opening chunks once: the answer's id is known from its first event. */
  function open(id: unknown): string[] {
    if (opened) return [];
    opened = true;
    chunks.id = text(id);
    return chunks.opening();
  }

  function messageStart(event: JsonRecord): StreamStep {
    const message = isRecord(event.message) ? event.message : {};
    const usage = anthropicUsage(message.usage);
    promptTokens = usage?.prompt_tokens;
    cachedTokens = usage?.prompt_tokens_details?.cached_tokens;
    return {
      events: open(message.id),
      id: chunks.id,
      ...(typeof message.model === 'string' && { model: message.model }),
      ...(promptTokens !== undefined && { usage: { prompt_tokens: promptTokens } }),
    };
  }

  function blockStart(event: JsonRecord): StreamStep {
    const block = isRecord(event.content_block) ? event.content_block : {};
    if (block.type === 'text' && text(block.text) !== '')
      return { events: [chunks.text(text(block.text))], text: text(block.text) };
    if (block.type !== 'tool_use' || typeof event.index !== 'number') return NOTHING;
    const index = toolIndexes.size;
    toolIndexes.set(event.index, index);
    const name = text(block.name);
    return {
      events: [
        chunks.toolCall({ index, id: text(block.id), type: 'function', function: { name, arguments: '' } }),
      ],
    };
  }

  function blockDelta(event: JsonRecord): StreamStep {
    const delta = isRecord(event.delta) ? event.delta : {};
    if (delta.type === 'text_delta') {
      const piece = text(delta.text);
      return piece === '' ? NOTHING : { events: [chunks.text(piece)], text: piece };
    }
    const index = typeof event.index === 'number' ? toolIndexes.get(event.index) : undefined;
    if (delta.type !== 'input_json_delta' || index === undefined || text(delta.partial_json) === '')
      return NOTHING;
    return { events: [chunks.toolCall({ index, function: { arguments: text(delta.partial_json) } })] };
  }

  /** `message_delta`: the finish chunk, with the usage (its counts are cumulative; the prompt's may be repeated here). */
  function messageDelta(event: JsonRecord): StreamStep {
    const delta = isRecord(event.delta) ? event.delta : {};
    const finishReason = anthropicFinishReason(delta.stop_reason) ?? 'stop';
    const reported = isRecord(event.usage) ? event.usage : {};
    const repeatsPrompt = typeof reported.input_tokens === 'number';
    const prompt = repeatsPrompt ? anthropicPromptTokens(reported) : (promptTokens ?? 0);
    const completion = typeof reported.output_tokens === 'number' ? reported.output_tokens : 0;
    const usage: TokenUsage = {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
    };
    const cached = repeatsPrompt
      ? anthropicUsage(reported)?.prompt_tokens_details?.cached_tokens
      : cachedTokens;
    if (cached !== undefined) usage.prompt_tokens_details = { cached_tokens: cached };
    return { events: chunks.finish(finishReason, usage), finishReason, usage };
  }

  /** A Text Completions `completion` event: text, and with its `stop_reason` the end of the answer. */
  function completion(event: JsonRecord): StreamStep {
    const events = open(event.id);
    const piece = text(event.completion);
    if (piece !== '') events.push(chunks.text(piece));
    const finishReason = anthropicFinishReason(event.stop_reason);
    const model = typeof event.model === 'string' ? { model: event.model } : {};
    if (!finishReason) return { events, id: chunks.id, ...model, ...(piece !== '' && { text: piece }) };
    events.push(...chunks.finish(finishReason), STREAM_TERMINATOR);
    return {
      events,
      id: chunks.id,
      ...model,
      finishReason,
      final: true,
      ...(piece !== '' && { text: piece }),
    };
  }

  function failure(event: JsonRecord): StreamStep {
    const error = isRecord(event.error) ? event.error : {};
    const message = text(error.message) || 'anthropic reported an error in the stream';
    return { events: [streamErrorEvent(message, text(error.type) || 'api_error')], error: message };
  }

  return {
    contentType: EVENT_STREAM_TYPE,
    translate(frame) {
      if (frame.data === '') return NOTHING;
      const event = parseEvent(frame.data);
      // Each event names its type in its data too; the SSE `event:` name is the fallback.
      switch (event.type ?? frame.event) {
        case 'message_start':
          return messageStart(event);
        case 'content_block_start':
          return blockStart(event);
        case 'content_block_delta':
          return blockDelta(event);
        case 'message_delta':
          return messageDelta(event);
        case 'message_stop':
          return TERMINATOR;
        case 'completion':
          return completion(event);
        case 'error':
          return failure(event);
        default:
          // ping, content_block_stop, and event types added later.
          return NOTHING;
      }
    },
  };
}
