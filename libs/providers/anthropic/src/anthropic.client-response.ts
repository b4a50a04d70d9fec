import { randomUUID } from 'node:crypto';
import type { FinishReason, TokenUsage, TranslatedResponse } from '@switchyard/plugin-api';
import { firstChatChoiceOf, isRecord } from '@switchyard/provider-openai-compatible';
import type { JsonRecord } from '@switchyard/provider-openai-compatible';
import type { AnthropicContentBlock, AnthropicUsage } from './anthropic.types.js';

/** OpenAI's `finish_reason` in Anthropic's words (`stop_reason`). */
const STOP_REASONS: Readonly<Record<FinishReason, string>> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};

/** An OpenAI finish reason as Anthropic's `stop_reason` (`end_turn` for none). */
export function anthropicStopReason(reason: FinishReason | null | undefined): string {
  return (reason && STOP_REASONS[reason]) ?? 'end_turn';
}

/**
 * OpenAI's usage in Anthropic's words: `input_tokens` counts the uncached prompt, the cache
 * reads are `cache_read_input_tokens` (OpenAI counts them in `prompt_tokens`).
 */
export function anthropicUsageOf(usage: Partial<TokenUsage> | undefined): AnthropicUsage {
  const prompt = usage?.prompt_tokens ?? 0;
  const cached = usage?.prompt_tokens_details?.cached_tokens;
  return {
    input_tokens: prompt - (cached ?? 0),
    output_tokens: usage?.completion_tokens ?? 0,
    ...(cached !== undefined && { cache_read_input_tokens: cached }),
  };
}

/** An id for an answer whose provider gave none (Bedrock's): Anthropic's clients expect one. */
export function generatedMessageId(): string {
  return `msg_${randomUUID().replaceAll('-', '')}`;
}

/** A tool call's JSON arguments as the `input` object Anthropic clients read (`{}` for none). */
export function toolInput(text: unknown): Record<string, unknown> {
  if (typeof text !== 'string' || text.trim() === '') return {};
  try {
    const input: unknown = JSON.parse(text);
    return isRecord(input) ? input : { value: input };
  } catch {
    // A model that wrote broken JSON: the client still sees what it wrote.
    return { arguments: text };
  }
}

function contentBlocks(message: JsonRecord): AnthropicContentBlock[] {
  const blocks: AnthropicContentBlock[] = [];
  if (typeof message.content === 'string' && message.content !== '')
    blocks.push({ type: 'text', text: message.content });
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  for (const call of calls) {
    if (!isRecord(call) || !isRecord(call.function)) continue;
    blocks.push({
      type: 'tool_use',
      id: typeof call.id === 'string' ? call.id : '',
      name: typeof call.function.name === 'string' ? call.function.name : '',
      input: toolInput(call.function.arguments),
    });
  }
  return blocks;
}

/**
 * A whole OpenAI chat answer as an Anthropic `message`: the first choice's text and tool calls
 * as content blocks, its finish reason as `stop_reason`, the usage in Anthropic's words. The
 * summary (usage, model, id, finish reasons) is the OpenAI side's, so analytics read the same
 * counts whatever the client's format.
 */
export function anthropicMessageFromOpenAi(answer: TranslatedResponse, model: string): TranslatedResponse {
  const { message, finish } = firstChatChoiceOf(answer);
  return {
    ...answer,
    body: {
      id: answer.id || generatedMessageId(),
      type: 'message',
      role: 'assistant',
      model: answer.model ?? model,
      content: contentBlocks(message),
      stop_reason: anthropicStopReason(finish),
      stop_sequence: null,
      usage: anthropicUsageOf(answer.usage),
    },
  };
}

/** Anthropic's error `type` for an HTTP status (its documented errors). */
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/** Anthropic's error body: `{"type":"error","error":{"type","message"}}`. */
export function anthropicErrorBody(status: number, message: string): Readonly<Record<string, unknown>> {
  return { type: 'error', error: { type: anthropicErrorType(status), message } };
}
