import { randomUUID } from 'node:crypto';
import { TranslationError } from '@switchyard/plugin-api';
import type {
  AssistantMessage,
  ChatCompletion,
  ChatCompletionChoice,
  FinishReason,
  ProviderRequest,
  ToolCall,
  TranslatedResponse,
} from '@switchyard/plugin-api';
import { isRecord, nowInSeconds } from '@switchyard/provider-openai-compatible';
import type { JsonRecord } from '@switchyard/provider-openai-compatible';
import { blockedRefusal, geminiFinish, geminiUsage, toolCallId } from './gemini.fields.js';

/** The parts of a candidate's content (none when it has no content, as a safety stop). */
export function candidateParts(candidate: JsonRecord): JsonRecord[] {
  const content = isRecord(candidate.content) ? candidate.content : {};
  return Array.isArray(content.parts) ? content.parts.filter(isRecord) : [];
}

/** The text of an answer part, `undefined` for other parts and thought summaries (not the answer). */
export function answerText(part: JsonRecord): string | undefined {
  return typeof part.text === 'string' && part.thought !== true ? part.text : undefined;
}

/** The answer's id: Gemini's `responseId`, else a new one. */
export function geminiAnswerId(body: JsonRecord): string {
  return typeof body.responseId === 'string' && body.responseId !== '' ? body.responseId : randomUUID();
}

/** The model Gemini says answered (`modelVersion`), else the one asked for. */
export function geminiModel(body: JsonRecord, request: ProviderRequest): string {
  return typeof body.modelVersion === 'string' && body.modelVersion !== ''
    ? body.modelVersion
    : request.model.name;
}

/** A `functionCall` part as an OpenAI tool call with JSON-text arguments. */
export function openAiToolCall(call: JsonRecord, answerId: string, index: number): ToolCall {
  return {
    id: toolCallId(call, answerId, index),
    type: 'function',
    function: {
      name: typeof call.name === 'string' ? call.name : '',
      arguments: JSON.stringify(isRecord(call.args) ? call.args : {}),
    },
  };
}

/** Counts tool calls across the candidates of one answer, for their ids. */
interface CallCounter {
  next: number;
}

/** One candidate as an OpenAI choice; throws `TranslationError` for a failed generation. */
function choiceOf(
  candidate: JsonRecord,
  position: number,
  answerId: string,
  calls: CallCounter,
): ChatCompletionChoice {
  let answer = '';
  const toolCalls: ToolCall[] = [];
  for (const part of candidateParts(candidate)) {
    const text = answerText(part);
    if (text !== undefined) answer += text;
    else if (isRecord(part.functionCall))
      toolCalls.push(openAiToolCall(part.functionCall, answerId, calls.next++));
  }
  const reason = typeof candidate.finishReason === 'string' ? candidate.finishReason : 'STOP';
  const finish = geminiFinish(reason, toolCalls.length > 0, candidate.finishMessage);
  if (finish.failure !== undefined) throw new TranslationError(finish.failure);
  const message: AssistantMessage = {
    role: 'assistant',
    content: answer === '' && toolCalls.length > 0 ? null : answer,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (finish.reason === 'content_filter')
    message.refusal = blockedRefusal('answer', reason, candidate.finishMessage);
  const index = typeof candidate.index === 'number' ? candidate.index : position;
  return { index, message, logprobs: null, finish_reason: finish.reason };
}

/** The one choice of an answer to a prompt Gemini blocked (`promptFeedback.blockReason`): a `content_filter` refusal. */
function blockedPromptChoice(feedback: JsonRecord): ChatCompletionChoice {
  const reason = typeof feedback.blockReason === 'string' ? feedback.blockReason : 'BLOCK_REASON_UNSPECIFIED';
  return {
    index: 0,
    message: {
      role: 'assistant',
      content: null,
      refusal: blockedRefusal('prompt', reason, feedback.blockReasonMessage),
    },
    logprobs: null,
    finish_reason: 'content_filter',
  };
}

/**
 * A `generateContent` answer as an OpenAI `chat.completion`: one choice per candidate, its text
 * parts joined (thought summaries left out), its `functionCall` parts as `tool_calls`, its
 * `finishReason` mapped (`content_filter` with a `refusal` for safety stops); a prompt Gemini
 * blocked is a `content_filter` answer with a refusal naming the `blockReason`. Throws
 * `TranslationError` with Kong's message for an answer without candidates, and for a failed
 * generation (`MALFORMED_FUNCTION_CALL`, ...).
 */
export function translateGeminiChatResponse(body: unknown, request: ProviderRequest): TranslatedResponse {
  if (!isRecord(body)) throw new TranslationError('failed to decode response from Gemini');
  const candidates = Array.isArray(body.candidates) ? body.candidates.filter(isRecord) : [];
  const feedback = isRecord(body.promptFeedback) ? body.promptFeedback : {};
  const id = geminiAnswerId(body);
  let choices: ChatCompletionChoice[];
  if (candidates.length > 0) {
    const calls: CallCounter = { next: 0 };
    choices = candidates.map((candidate, position) => choiceOf(candidate, position, id, calls));
  } else if (feedback.blockReason !== undefined) {
    choices = [blockedPromptChoice(feedback)];
  } else {
    throw new TranslationError('no generation candidates received from Gemini, or max_tokens too short');
  }
  const usage = geminiUsage(body.usageMetadata);
  const completion: ChatCompletion = {
    id,
    object: 'chat.completion',
    created: nowInSeconds(),
    model: geminiModel(body, request),
    choices,
    ...(usage && { usage }),
  };
  return {
    body: completion,
    id,
    model: completion.model,
    finishReasons: choices
      .map((choice) => choice.finish_reason)
      .filter((reason): reason is FinishReason => !!reason),
    ...(usage && { usage }),
  };
}
