import { TranslationError } from '@switchyard/plugin-api';
import type {
  AssistantMessage,
  ChatCompletion,
  Completion,
  ProviderRequest,
  TranslatedResponse,
} from '@switchyard/plugin-api';
import { isRecord } from '@switchyard/provider-openai-compatible';
import type { JsonRecord } from '@switchyard/provider-openai-compatible';
import {
  answerModel,
  createdSeconds,
  ollamaAnswerId,
  ollamaFinishReason,
  ollamaUsage,
} from './ollama.fields.js';
import { openAiToolCalls } from './ollama.tool-calls.js';

/** An answer of either endpoint: a JSON object, or Kong's message for what is none. */
function answerOf(
  body: unknown,
  field: 'message' | 'response',
  check: (value: unknown) => boolean,
): JsonRecord {
  if (!isRecord(body) || !check(body[field])) throw new TranslationError(`'${field}' not in ollama response`);
  return body;
}

/**
 * An Ollama `/api/chat` answer as an OpenAI `chat.completion` (Kong's `from_ollama`, with tool
 * calls): `message.content` and `tool_calls`, `done_reason` as the finish reason, usage from
 * `prompt_eval_count` and `eval_count`. Throws `TranslationError` for a body without `message`.
 */
export function translateOllamaChatResponse(body: unknown, request: ProviderRequest): TranslatedResponse {
  const answer = answerOf(body, 'message', isRecord);
  const message = answer.message as JsonRecord;
  const id = ollamaAnswerId(answer.created_at);
  const toolCalls = openAiToolCalls(message.tool_calls, id);
  const text = typeof message.content === 'string' ? message.content : '';
  const out: AssistantMessage =
    toolCalls.length > 0
      ? { role: 'assistant', content: text === '' ? null : text, tool_calls: toolCalls }
      : { role: 'assistant', content: text };
  const finishReason = ollamaFinishReason(answer, toolCalls.length > 0);
  const usage = ollamaUsage(answer);
  const completion: ChatCompletion = {
    id,
    object: 'chat.completion',
    created: createdSeconds(answer.created_at),
    model: answerModel(answer, request.model.name),
    choices: [{ index: 0, message: out, finish_reason: finishReason }],
    usage: usage.client,
  };
  return {
    body: completion,
    usage: usage.reported,
    model: completion.model,
    id,
    finishReasons: [finishReason],
  };
}

/**
 * An Ollama `/api/generate` answer as an OpenAI `text_completion`. Throws `TranslationError`
 * for a body without `response`.
 */
export function translateOllamaGenerateResponse(body: unknown, request: ProviderRequest): TranslatedResponse {
  const answer = answerOf(body, 'response', (value) => typeof value === 'string');
  const id = ollamaAnswerId(answer.created_at);
  const finishReason = ollamaFinishReason(answer, false);
  const usage = ollamaUsage(answer);
  const completion: Completion = {
    id,
    object: 'text_completion',
    created: createdSeconds(answer.created_at),
    model: answerModel(answer, request.model.name),
    choices: [{ index: 0, text: answer.response as string, finish_reason: finishReason }],
    usage: usage.client,
  };
  return {
    body: completion,
    usage: usage.reported,
    model: completion.model,
    id,
    finishReasons: [finishReason],
  };
}
