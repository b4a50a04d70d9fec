import { TranslationError } from '@switchyard/plugin-api';
import type {
  AssistantMessage,
  ChatCompletion,
  ProviderRequest,
  ToolCall,
  TranslatedResponse,
} from '@switchyard/plugin-api';
import { isRecord, nowInSeconds } from '@switchyard/provider-openai-compatible';
import { bedrockFinishReason, bedrockUsage } from './bedrock.fields.js';

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * The assistant message of a Converse answer: its text blocks joined as they come (as a stream
 * delivers them), its `toolUse` blocks as tool calls with JSON-string arguments. Other blocks
 * (reasoning, citations) are left out.
 */
function assistantMessage(content: readonly unknown[]): AssistantMessage {
  let answer = '';
  const toolCalls: ToolCall[] = [];
  for (const block of content) {
    if (!isRecord(block)) continue;
    if (typeof block.text === 'string') answer += block.text;
    else if (isRecord(block.toolUse))
      toolCalls.push({
        id: text(block.toolUse.toolUseId),
        type: 'function',
        function: { name: text(block.toolUse.name), arguments: JSON.stringify(block.toolUse.input ?? {}) },
      });
  }
  const message: AssistantMessage = {
    role: 'assistant',
    content: answer === '' && toolCalls.length > 0 ? null : answer,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

/**
 * A Converse answer as an OpenAI `chat.completion`: the model is the one asked for (Converse
 * names none) and the id is empty (Converse gives none). A guardrail's block is the message the
 * guardrail put in its place, with `finish_reason: content_filter`. Throws `TranslationError`
 * with Kong's message for a body without `output.message.content`.
 */
export function translateBedrockChatResponse(body: unknown, request: ProviderRequest): TranslatedResponse {
  const message = isRecord(body) && isRecord(body.output) ? body.output.message : undefined;
  if (!isRecord(body) || !isRecord(message) || !Array.isArray(message.content))
    throw new TranslationError('no generation candidates received from Bedrock, or max_tokens too short');
  const finishReason = bedrockFinishReason(body.stopReason);
  const usage = bedrockUsage(body.usage);
  const completion: ChatCompletion = {
    id: '',
    object: 'chat.completion',
    created: nowInSeconds(),
    model: request.model.name,
    choices: [
      { index: 0, message: assistantMessage(message.content), logprobs: null, finish_reason: finishReason },
    ],
    ...(usage && { usage }),
  };
  return {
    body: completion,
    model: completion.model,
    finishReasons: [finishReason],
    ...(usage && { usage }),
  };
}
