import { TranslationError } from '@switchyard/plugin-api';
import type { ChatContentPart, ChatMessage } from '@switchyard/plugin-api';
import { contentText, isRecord } from '@switchyard/provider-openai-compatible';
import { mistralToolCallId } from './mistral.tool-call-ids.js';

type MistralMessage = Record<string, unknown>;

/** A user message's part in Mistral's words (text, image URL, base64 audio); others are refused. */
function mistralPart(part: ChatContentPart): Record<string, unknown> {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'image_url': {
      const { url, detail } = part.image_url;
      return { type: 'image_url', image_url: { url, ...(detail !== undefined && { detail }) } };
    }
    case 'input_audio':
      return { type: 'input_audio', input_audio: part.input_audio.data };
    default:
      throw new TranslationError(`mistral takes text, image_url and input_audio parts, not '${part.type}'`);
  }
}

function userContent(content: ChatMessage['content']): unknown {
  return Array.isArray(content) ? content.map(mistralPart) : (content ?? '');
}

/**
 * OpenAI's messages as Mistral's: `developer` is `system`; a message's `name` is not sent
 * (Mistral refuses it but on tool messages, where it is the tool's name); assistant `tool_calls`
 * and `tool` messages carry ids in Mistral's form (see `mistralToolCallId`), the same in both.
 * Mistral's own `prefix` on an assistant message is kept.
 */
export function toMistralMessages(messages: readonly ChatMessage[]): MistralMessage[] {
  const toolNames = new Map<string, string>();
  return messages.map((message): MistralMessage => {
    if (!isRecord(message)) throw new TranslationError('each message must be an object');
    switch (message.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: contentText(message.content) };
      case 'user':
        return { role: 'user', content: userContent(message.content) };
      case 'assistant': {
        const calls = message.tool_calls ?? [];
        for (const call of calls) toolNames.set(call.id, call.function.name);
        const text = contentText(message.content);
        return {
          role: 'assistant',
          content: calls.length > 0 && text === '' ? null : text,
          ...(calls.length > 0 && {
            tool_calls: calls.map((call) => ({
              id: mistralToolCallId(call.id),
              type: 'function',
              function: { name: call.function.name, arguments: call.function.arguments },
            })),
          }),
          ...(typeof message.prefix === 'boolean' && { prefix: message.prefix }),
        };
      }
      case 'tool': {
        const id = String(message.tool_call_id ?? '');
        const name = toolNames.get(id);
        return {
          role: 'tool',
          content: contentText(message.content),
          tool_call_id: mistralToolCallId(id),
          ...(name !== undefined && { name }),
        };
      }
      default:
        throw new TranslationError(`mistral has no '${String(message.role)}' role`);
    }
  });
}
