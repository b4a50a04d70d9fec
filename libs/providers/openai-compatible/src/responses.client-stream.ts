import type {
  ClientStreamEvent,
  FinishReason,
  ProviderRequest,
  StreamStep,
  StreamTranslator,
  TokenUsage,
  ToolCallDelta,
} from '@switchyard/plugin-api';
import { adaptedStreamTranslator, streamErrorTypeOf, writeChatDeltas } from './client-api-adapters.js';
import {
  functionCallItem,
  messageItem,
  outputTextPart,
  responseObject,
  responsesId,
} from './responses.client-response.js';
import { nowInSeconds } from './stream-chunks.js';

/** The Responses API's `error` event (its SDKs read `message` and `code`). */
export function responsesErrorEvent(
  message: string,
  sequence: number,
  code = 'upstream_error',
): ClientStreamEvent {
  return {
    event: 'error',
    data: JSON.stringify({ type: 'error', code, message, param: null, sequence_number: sequence }),
  };
}

/** An output item being streamed: where it is, and what it has said so far. */
interface OpenItem {
  readonly id: string;
  readonly outputIndex: number;
  text: string;
}

interface OpenCall extends OpenItem {
  readonly callId: string;
  name: string;
}

/**
 * Wraps a target's OpenAI chat stream translator so that a Responses API client gets the
 * Responses stream, written as the chat chunks come: `response.created` and
 * `response.in_progress` with the provider's first event; per text run a `message` item
 * (`response.output_item.added`, `response.content_part.added`, `response.output_text.delta`…,
 * `response.output_text.done`, `response.content_part.done`, `response.output_item.done`); per
 * tool call a `function_call` item (`response.function_call_arguments.delta`… / `.done`); at the
 * provider's last frame `response.completed` (or `response.incomplete`) with the whole response
 * and its usage. Every event carries its `sequence_number`. Each step keeps what the chat side
 * read (usage, text, finish reason, `final`, `error`), so analytics count the same. Created per
 * response: its state lives in its closure.
 */
export function createResponsesStreamAdapter(
  openAi: StreamTranslator,
  request: ProviderRequest,
): StreamTranslator {
  const id = responsesId('resp');
  const createdAt = nowInSeconds();
  let model = request.model.name;
  let sequence = 0;
  let started = false;
  let usage: Partial<TokenUsage> | undefined;
  let finish: FinishReason | undefined;
  /** The output items so far, in order: finished ones as sent, open ones as placeholders. */
  const output: unknown[] = [];
  let message: OpenItem | undefined;
  /** Function calls still streaming, by their chat index. */
  const calls = new Map<number, OpenCall>();

  function emit(out: ClientStreamEvent[], type: string, payload: Record<string, unknown>): void {
    out.push({ event: type, data: JSON.stringify({ type, ...payload, sequence_number: sequence++ }) });
  }

  function snapshot(done: boolean): Record<string, unknown> {
    return responseObject({ id, createdAt, model, output: done ? output : [], finish, usage, done });
  }

  function start(out: ClientStreamEvent[]): void {
    if (started) return;
    started = true;
    emit(out, 'response.created', { response: snapshot(false) });
    emit(out, 'response.in_progress', { response: snapshot(false) });
  }

  function closeMessage(out: ClientStreamEvent[]): void {
    if (!message) return;
    const { id: itemId, outputIndex, text } = message;
    const at = { item_id: itemId, output_index: outputIndex, content_index: 0 };
    emit(out, 'response.output_text.done', { ...at, text, logprobs: [] });
    emit(out, 'response.content_part.done', { ...at, part: outputTextPart(text) });
    const item = messageItem(itemId, text, 'completed');
    output[outputIndex] = item;
    emit(out, 'response.output_item.done', { output_index: outputIndex, item });
    message = undefined;
  }

  function closeCalls(out: ClientStreamEvent[]): void {
    for (const call of calls.values()) {
      const args = { call_id: call.callId, name: call.name, arguments: call.text };
      emit(out, 'response.function_call_arguments.done', {
        item_id: call.id,
        output_index: call.outputIndex,
        name: call.name,
        arguments: call.text,
      });
      const item = functionCallItem(call.id, args, 'completed');
      output[call.outputIndex] = item;
      emit(out, 'response.output_item.done', { output_index: call.outputIndex, item });
    }
    calls.clear();
  }

  function text(out: ClientStreamEvent[], piece: string): void {
    if (!message) {
      closeCalls(out);
      message = { id: responsesId('msg'), outputIndex: output.length, text: '' };
      output.push(undefined);
      const { id: itemId, outputIndex } = message;
      emit(out, 'response.output_item.added', {
        output_index: outputIndex,
        item: messageItem(itemId, undefined, 'in_progress'),
      });
      emit(out, 'response.content_part.added', {
        item_id: itemId,
        output_index: outputIndex,
        content_index: 0,
        part: outputTextPart(''),
      });
    }
    message.text += piece;
    emit(out, 'response.output_text.delta', {
      item_id: message.id,
      output_index: message.outputIndex,
      content_index: 0,
      delta: piece,
      logprobs: [],
    });
  }

  function toolCall(out: ClientStreamEvent[], delta: ToolCallDelta): void {
    let call = calls.get(delta.index);
    if (!call) {
      closeMessage(out);
      call = {
        id: responsesId('fc'),
        outputIndex: output.length,
        callId: delta.id || responsesId('fc'),
        name: delta.function?.name ?? '',
        text: '',
      };
      calls.set(delta.index, call);
      output.push(undefined);
      emit(out, 'response.output_item.added', {
        output_index: call.outputIndex,
        item: functionCallItem(
          call.id,
          { call_id: call.callId, name: call.name, arguments: '' },
          'in_progress',
        ),
      });
    }
    const piece = delta.function?.arguments;
    if (!piece) return;
    call.text += piece;
    emit(out, 'response.function_call_arguments.delta', {
      item_id: call.id,
      output_index: call.outputIndex,
      delta: piece,
    });
  }

  function complete(out: ClientStreamEvent[]): void {
    start(out);
    closeMessage(out);
    closeCalls(out);
    const response = snapshot(true);
    emit(out, response.status === 'completed' ? 'response.completed' : 'response.incomplete', { response });
  }

  function adapt(step: StreamStep): StreamStep {
    if (step.model) model = step.model;
    if (step.usage) usage = { ...usage, ...step.usage };
    if (step.finishReason) finish = step.finishReason;
    if (step.error !== undefined)
      return {
        ...step,
        events: [responsesErrorEvent(step.error, sequence++, streamErrorTypeOf(step.events))],
      };
    const out: ClientStreamEvent[] = [];
    // The response starts with the provider's first event, as OpenAI's own streams do.
    if (step.events.length > 0) start(out);
    writeChatDeltas(step.events, {
      text: (piece) => text(out, piece),
      toolCall: (call) => toolCall(out, call),
    });
    if (step.final) complete(out);
    return { ...step, events: out };
  }

  return adaptedStreamTranslator(openAi, adapt, (message) => responsesErrorEvent(message, sequence++));
}
