import { TranslationError } from '@switchyard/plugin-api';
import type { ChatContentPart, ChatMessage, ToolCall } from '@switchyard/plugin-api';
import { contentText, isRecord } from '@switchyard/provider-openai-compatible';
import type {
  AnthropicContentBlock,
  AnthropicDocumentBlock,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicToolUseBlock,
} from './anthropic.types.js';

/** An OpenAI conversation as Anthropic takes it: the system prompt apart, then alternating turns. */
export interface AnthropicConversation {
  /** The text of every `system` and `developer` message, in order, joined by a blank line. */
  readonly system?: string;
  readonly messages: AnthropicMessage[];
}

/** The image types Anthropic reads. */
const IMAGE_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
]);

/** `data:<media type>[;param...];base64,<bytes>` */
const BASE64_DATA_URL = /^data:([^;,]+)(?:;[^;,]+)*;base64,(.*)$/s;

function base64Of(url: string, what: string): { mediaType: string; data: string } | undefined {
  if (!url.startsWith('data:')) return undefined;
  const match = BASE64_DATA_URL.exec(url);
  if (!match)
    throw new TranslationError(`${what} data: URL must be base64 (data:<media type>;base64,<bytes>)`);
  return { mediaType: match[1].toLowerCase(), data: match[2] };
}

/** `image_url`: a base64 `data:` URL becomes inline bytes, an `http(s)` URL one that Anthropic fetches. */
function imageBlock(url: string): AnthropicImageBlock {
  const inline = base64Of(url, 'image_url');
  if (inline) {
    if (!IMAGE_MEDIA_TYPES.has(inline.mediaType)) {
      throw new TranslationError(
        `image type '${inline.mediaType}' is not supported by anthropic (image/jpeg, image/png, image/gif, image/webp)`,
      );
    }
    return { type: 'image', source: { type: 'base64', media_type: inline.mediaType, data: inline.data } };
  }
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw new TranslationError('image_url.url must be a base64 data: URL or an http(s) URL');
}

/** `file`: an inline PDF (`file_data`) becomes a document; files uploaded to OpenAI do not exist at Anthropic. */
function documentBlock(file: {
  readonly file_data?: string;
  readonly file_id?: string;
}): AnthropicDocumentBlock {
  const inline = file.file_data ? base64Of(file.file_data, 'file_data') : undefined;
  if (!inline)
    throw new TranslationError(
      'a file part needs file_data (a base64 data: URL): anthropic cannot read file_id',
    );
  if (inline.mediaType !== 'application/pdf')
    throw new TranslationError(
      `file type '${inline.mediaType}' is not supported by anthropic (application/pdf)`,
    );
  return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: inline.data } };
}

function partBlocks(part: ChatContentPart): AnthropicContentBlock[] {
  switch (part.type) {
    case 'text':
      // Anthropic refuses empty text blocks.
      return part.text === '' ? [] : [{ type: 'text', text: part.text }];
    case 'refusal':
      return part.refusal === '' ? [] : [{ type: 'text', text: part.refusal }];
    case 'image_url':
      return [imageBlock(part.image_url.url)];
    case 'file':
      return [documentBlock(part.file)];
    default:
      throw new TranslationError(
        `content part '${(part as { type: string }).type}' is not supported by anthropic`,
      );
  }
}

/** A message's `content` as Anthropic blocks (none for no content). */
function contentBlocks(content: ChatMessage['content']): AnthropicContentBlock[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return (content ?? []).flatMap(partBlocks);
}

/** An assistant's tool call as a `tool_use` block, its JSON arguments parsed (Anthropic wants an object). */
function toolUseBlock(call: ToolCall): AnthropicToolUseBlock {
  const text = call.function?.arguments ?? '';
  let input: unknown;
  try {
    // An empty string is how some clients send a call without arguments.
    input = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    input = undefined;
  }
  if (!isRecord(input)) {
    throw new TranslationError(
      `the arguments of tool call '${call.id}' are not a JSON object: ${text.slice(0, 200)}`,
    );
  }
  return { type: 'tool_use', id: call.id, name: call.function.name, input };
}

/** One OpenAI message as one Anthropic turn, or `undefined` for the system prompt's messages. */
function toTurn(message: ChatMessage, index: number): AnthropicMessage | undefined {
  switch (message.role) {
    case 'system':
    case 'developer':
      return undefined;
    case 'user':
      return {
        role: 'user',
        content: typeof message.content === 'string' ? message.content : contentBlocks(message.content),
      };
    case 'assistant': {
      const calls = (message.tool_calls ?? []).map(toolUseBlock);
      if (calls.length === 0 && typeof message.content === 'string')
        return { role: 'assistant', content: message.content };
      return { role: 'assistant', content: [...contentBlocks(message.content), ...calls] };
    }
    case 'tool':
      if (typeof message.tool_call_id !== 'string' || message.tool_call_id === '')
        throw new TranslationError(`messages[${index}] (role tool) has no tool_call_id`);
      return {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: message.tool_call_id, content: contentText(message.content) },
        ],
      };
    default:
      throw new TranslationError(
        `messages[${index}] has role '${message.role}', which anthropic does not take (use tools and tool messages)`,
      );
  }
}

function asBlocks(content: AnthropicMessage['content']): readonly AnthropicContentBlock[] {
  if (typeof content !== 'string') return content;
  return content === '' ? [] : [{ type: 'text', text: content }];
}

/**
 * OpenAI messages as Anthropic's `system` and `messages`: system and developer messages join the
 * top-level system prompt; tool messages become user turns of `tool_result` blocks; assistant
 * tool calls become `tool_use` blocks; and consecutive turns of one role are merged into one
 * (Anthropic wants roles to alternate, and all results of one assistant turn in the next user
 * turn). Throws `TranslationError` for what Anthropic cannot take.
 */
export function toAnthropicConversation(messages: readonly ChatMessage[]): AnthropicConversation {
  const system: string[] = [];
  const turns: AnthropicMessage[] = [];
  messages.forEach((message, index) => {
    const turn = toTurn(message, index);
    if (!turn) {
      system.push(contentText(message.content));
      return;
    }
    const previous = turns.at(-1);
    if (previous?.role === turn.role) {
      turns[turns.length - 1] = {
        role: turn.role,
        content: [...asBlocks(previous.content), ...asBlocks(turn.content)],
      };
    } else {
      turns.push(turn);
    }
  });
  return system.length > 0 ? { system: system.join('\n\n'), messages: turns } : { messages: turns };
}
