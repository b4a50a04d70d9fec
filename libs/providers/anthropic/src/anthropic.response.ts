import { TranslationError } from '@switchyard/plugin-api';
import type {
  AssistantMessage,
  ChatCompletion,
  Completion,
  ProviderRequest,
  ToolCall,
  TranslatedResponse,
} from '@switchyard/plugin-api';
import { isRecord, nowInSeconds } from '@switchyard/provider-openai-compatible';
import type { JsonRecord } from '@switchyard/provider-openai-compatible';
import { anthropicFinishReason, anthropicUsage } from './anthropic.fields.js';

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * The assistant message of a Messages answer: its text blocks joined as they come (as a stream
 * delivers them, so whole and streamed answers read the same), its `tool_use` blocks as tool
 * calls with JSON-string arguments. Other blocks (thinking, server tools) are left out.
 */
function assistantMessage(content: readonly unknown[]): AssistantMessage {
  let answer = '';
  const toolCalls: ToolCall[] = [];
  for (const block of content) {
    if (!isRecord(block)) continue;
    if (block.type === 'text') answer += text(block.text);
    else if (block.type === 'tool_use')
      toolCalls.push({
        id: text(block.id),
        type: 'function',
        function: { name: text(block.name), arguments: JSON.stringify(block.input ?? {}) },
      });
  }
  const message: AssistantMessage = {
    role: 'assistant',
    content: answer === '' && toolCalls.length > 0 ? null : answer,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

/** The model Anthropic says answered, else the one asked for. */
function modelOf(body: JsonRecord, request: ProviderRequest): string {
  return typeof body.model === 'string' && body.model !== '' ? body.model : request.model.name;
}

/**
 * A `/v1/messages` answer as an OpenAI `chat.completion`. Throws `TranslationError` with Kong's
 * message for a body without `content`.
 */
export function translateAnthropicChatResponse(body: unknown, request: ProviderRequest): TranslatedResponse {
  if (!isRecord(body) || !Array.isArray(body.content))
    throw new TranslationError("'content' not in anthropic://llm/v1/chat response");
  const finishReason = anthropicFinishReason(body.stop_reason);
  const usage = anthropicUsage(body.usage);
  const completion: ChatCompletion = {
    id: text(body.id),
    object: 'chat.completion',
    created: nowInSeconds(),
    model: modelOf(body, request),
    choices: [
      { index: 0, message: assistantMessage(body.content), logprobs: null, finish_reason: finishReason },
    ],
    ...(usage && { usage }),
  };
  return {
    body: completion,
    id: completion.id,
    model: completion.model,
    finishReasons: finishReason ? [finishReason] : [],
    ...(usage && { usage }),
  };
}

/**
 * A `/v1/complete` answer as an OpenAI `text_completion` (that API reports no usage). Throws
 * `TranslationError` for a body without `completion`.
 */
export function translateAnthropicCompleteResponse(
  body: unknown,
  request: ProviderRequest,
): TranslatedResponse {
  if (!isRecord(body) || typeof body.completion !== 'string')
    throw new TranslationError("'completion' not in anthropic://llm/v1/completions response");
  const finishReason = anthropicFinishReason(body.stop_reason);
  const completion: Completion = {
    id: text(body.id),
    object: 'text_completion',
    created: nowInSeconds(),
    model: modelOf(body, request),
    choices: [{ index: 0, text: body.completion, logprobs: null, finish_reason: finishReason }],
  };
  return {
    body: completion,
    id: completion.id,
    model: completion.model,
    finishReasons: finishReason ? [finishReason] : [],
  };
}
