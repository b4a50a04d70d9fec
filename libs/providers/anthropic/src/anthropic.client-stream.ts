import type {
  ClientStreamEvent,
  FinishReason,
  ProviderRequest,
  StreamStep,
  StreamTranslator,
  TokenUsage,
  ToolCallDelta,
} from '@switchyard/plugin-api';
import {
  adaptedStreamTranslator,
  streamErrorTypeOf,
  writeChatDeltas,
} from '@switchyard/provider-openai-compatible';
import { anthropicStopReason, anthropicUsageOf, generatedMessageId } from './anthropic.client-response.js';

/** Anthropic's error types, kept when a stream's error names one; any other is `api_error`. */
const ERROR_TYPES: ReadonlySet<string> = new Set([
  'invalid_request_error',
  'authentication_error',
  'permission_error',
  'not_found_error',
  'request_too_large',
  'rate_limit_error',
  'api_error',
  'overloaded_error',
]);

function named(type: string, payload: Record<string, unknown>): ClientStreamEvent {
  return { event: type, data: JSON.stringify({ type, ...payload }) };
}

/** Anthropic's `error` event, which its SDKs raise as an `APIError`. */
export function anthropicStreamErrorEvent(message: string, type = 'api_error'): ClientStreamEvent {
  return named('error', { error: { type: ERROR_TYPES.has(type) ? type : 'api_error', message } });
}

/**
 * Wraps a target's OpenAI stream translator so that an Anthropic client gets Anthropic's named
 * events, written as the OpenAI chunks come: `message_start` with the provider's first event,
 * `content_block_start` / `content_block_delta` (`text_delta`, `input_json_delta`) /
 * `content_block_stop` per text run and per tool call, and at the provider's last frame
 * `message_delta` (its `stop_reason`, the whole usage) and `message_stop`. A failure is
 * Anthropic's `error` event. Each step keeps what the OpenAI side read (usage, text, finish
 * reason, `final`, `error`), so analytics count the same. Created per response.
 */
export function createAnthropicStreamAdapter(
  openAi: StreamTranslator,
  request: ProviderRequest,
): StreamTranslator {
  let started = false;
  let id = '';
  let model = request.model.name;
  let usage: Partial<TokenUsage> = {};
  let finish: FinishReason | undefined;
  /** Content blocks opened so far: the next one's index. */
  let blocks = 0;
  /** The block open now, and for a tool call its OpenAI index. */
  let open: { readonly index: number; readonly tool?: number } | undefined;
  /** Anthropic block index of each OpenAI tool call, by its OpenAI index. */
  const toolBlocks = new Map<number, number>();

  function start(out: ClientStreamEvent[]): void {
    if (started) return;
    started = true;
    out.push(
      named('message_start', {
        message: {
          id: id || generatedMessageId(),
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: usage.prompt_tokens ?? 0, output_tokens: 0 },
        },
      }),
    );
  }

  function close(out: ClientStreamEvent[]): void {
    if (!open) return;
    out.push(named('content_block_stop', { index: open.index }));
    open = undefined;
  }

  function openBlock(out: ClientStreamEvent[], block: Record<string, unknown>, tool?: number): number {
    close(out);
    const index = blocks++;
    open = { index, tool };
    out.push(named('content_block_start', { index, content_block: block }));
    return index;
  }

  function text(out: ClientStreamEvent[], piece: string): void {
    start(out);
    const index = open && open.tool === undefined ? open.index : openBlock(out, { type: 'text', text: '' });
    out.push(named('content_block_delta', { index, delta: { type: 'text_delta', text: piece } }));
  }

  function toolCall(out: ClientStreamEvent[], call: ToolCallDelta): void {
    start(out);
    let index = toolBlocks.get(call.index);
    if (index === undefined) {
      index = openBlock(
        out,
        { type: 'tool_use', id: call.id ?? '', name: call.function?.name ?? '', input: {} },
        call.index,
      );
      toolBlocks.set(call.index, index);
    }
    const json = call.function?.arguments;
    if (json)
      out.push(
        named('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: json } }),
      );
  }

  function finishMessage(out: ClientStreamEvent[]): void {
    start(out);
    close(out);
    out.push(
      named('message_delta', {
        delta: { stop_reason: anthropicStopReason(finish), stop_sequence: null },
        usage: anthropicUsageOf(usage),
      }),
      named('message_stop', {}),
    );
  }

  function adapt(step: StreamStep): StreamStep {
    if (step.id && !id) id = step.id;
    if (step.model) model = step.model;
    if (step.usage) usage = { ...usage, ...step.usage };
    if (step.finishReason) finish = step.finishReason;
    if (step.error !== undefined)
      return { ...step, events: [anthropicStreamErrorEvent(step.error, streamErrorTypeOf(step.events))] };
    const out: ClientStreamEvent[] = [];
    // The message starts with the provider's first event, as Anthropic's own streams do.
    if (step.events.length > 0) start(out);
    writeChatDeltas(step.events, {
      text: (piece) => text(out, piece),
      toolCall: (call) => toolCall(out, call),
    });
    if (step.finishReason) close(out);
    if (step.final) finishMessage(out);
    return { ...step, events: out };
  }

  return adaptedStreamTranslator(openAi, adapt);
}
