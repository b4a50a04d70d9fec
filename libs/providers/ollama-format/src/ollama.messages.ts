import { TranslationError } from '@switchyard/plugin-api';
import type { ChatContentPart, ChatMessage } from '@switchyard/plugin-api';
import { contentText, isRecord } from '@switchyard/provider-openai-compatible';
import { ollamaToolCall, type OllamaToolCall } from './ollama.tool-calls.js';

/** A message of Ollama's `/api/chat`. */
export interface OllamaMessage {
  readonly role: 'system' | 'user' | 'assistant' | 'tool';
  readonly content: string;
  /** Base64 images, without a `data:` prefix. */
  readonly images?: readonly string[];
  readonly tool_calls?: readonly OllamaToolCall[];
  /** The tool whose result a `tool` message carries. */
  readonly tool_name?: string;
}

const DATA_URL = /^data:image\/[\w.+-]+;base64,(.*)$/s;

/** The base64 images of a message's parts: Ollama takes images inline only. */
function images(content: ChatMessage['content']): string[] {
  if (!Array.isArray(content)) return [];
  return content.flatMap((part: ChatContentPart) => {
    if (part.type === 'text' || part.type === 'refusal') return [];
    if (part.type !== 'image_url')
      throw new TranslationError(`ollama takes text and image parts only, not '${part.type}'`);
    const data = DATA_URL.exec(part.image_url.url)?.[1];
    if (data === undefined)
      throw new TranslationError(
        'ollama takes images as base64 data: URLs (data:image/png;base64,...), not links',
      );
    return [data];
  });
}

/**
 * OpenAI's messages as Ollama's: system and developer messages are `system`; user images go to
 * `images`; assistant `tool_calls` carry their arguments as objects; a `tool` message names its
 * tool (`tool_name`), found through its `tool_call_id` among the earlier assistant calls.
 */
export function toOllamaMessages(messages: readonly ChatMessage[]): OllamaMessage[] {
  const toolNames = new Map<string, string>();
  return messages.map((message): OllamaMessage => {
    if (!isRecord(message)) throw new TranslationError('each message must be an object');
    const content = contentText(message.content);
    switch (message.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content };
      case 'user': {
        const inline = images(message.content);
        return inline.length > 0 ? { role: 'user', content, images: inline } : { role: 'user', content };
      }
      case 'assistant': {
        const calls = message.tool_calls ?? [];
        for (const call of calls) toolNames.set(call.id, call.function.name);
        return calls.length > 0
          ? { role: 'assistant', content, tool_calls: calls.map(ollamaToolCall) }
          : { role: 'assistant', content };
      }
      case 'tool': {
        const name = toolNames.get(message.tool_call_id ?? '');
        if (name === undefined)
          throw new TranslationError(
            `tool message's tool_call_id '${String(message.tool_call_id)}' names no tool call of an earlier assistant message`,
          );
        return { role: 'tool', content, tool_name: name };
      }
      default:
        throw new TranslationError(`ollama has no '${String(message.role)}' role`);
    }
  });
}
