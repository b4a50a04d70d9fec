import { TranslationError } from '@switchyard/plugin-api';
import type { ChatContentPart, ChatMessage, ToolCall } from '@switchyard/plugin-api';
import { contentText, isRecord } from '@switchyard/provider-openai-compatible';
import type {
  BedrockContentBlock,
  BedrockImageFormat,
  BedrockMessage,
  BedrockToolResultContent,
} from './bedrock.types.js';

/** An OpenAI conversation as Converse takes it: the system prompts apart, then alternating turns. */
export interface BedrockConversation {
  /** One `{text}` block per `system` or `developer` message, in order. */
  readonly system: readonly { readonly text: string }[];
  readonly messages: readonly BedrockMessage[];
  /** Some message carries a `toolUse` or `toolResult` block: Converse then needs `toolConfig`. */
  readonly usesTools: boolean;
}

/** The image media types Converse reads, by its format names. */
const IMAGE_FORMATS: Readonly<Record<string, BedrockImageFormat>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/** `data:<media type>[;param...];base64,<bytes>` */
const BASE64_DATA_URL = /^data:([^;,]+)(?:;[^;,]+)*;base64,(.*)$/s;

/** `image_url` as an image block: Converse takes the image's bytes, never a URL to fetch. */
function imageBlock(url: string): BedrockContentBlock {
  const match = BASE64_DATA_URL.exec(url);
  if (!match) {
    throw new TranslationError(
      url.startsWith('data:')
        ? 'image_url data: URL must be base64 (data:<media type>;base64,<bytes>)'
        : 'bedrock takes images as bytes: send image_url.url as a base64 data: URL (data:image/png;base64,...), not a link for the provider to fetch',
    );
  }
  const mediaType = match[1]!.toLowerCase();
  const format = IMAGE_FORMATS[mediaType];
  if (!format) {
    throw new TranslationError(
      `image type '${mediaType}' is not supported by bedrock (image/png, image/jpeg, image/gif, image/webp)`,
    );
  }
  return { image: { format, source: { bytes: match[2]! } } };
}

function partBlocks(part: ChatContentPart): BedrockContentBlock[] {
  switch (part.type) {
    case 'text':
      // Converse refuses blank text blocks.
      return part.text === '' ? [] : [{ text: part.text }];
    case 'refusal':
      return part.refusal === '' ? [] : [{ text: part.refusal }];
    case 'image_url':
      return [imageBlock(part.image_url.url)];
    default:
      throw new TranslationError(
        `content part '${(part as { type: string }).type}' is not supported by bedrock (text and image_url)`,
      );
  }
}

/** A message's `content` as Converse blocks (none for no content). */
function contentBlocks(content: ChatMessage['content']): BedrockContentBlock[] {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  return (content ?? []).flatMap(partBlocks);
}

/** An assistant's tool call as a `toolUse` block, its JSON arguments parsed (Converse wants an object). */
function toolUseBlock(call: ToolCall): BedrockContentBlock {
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
  return { toolUse: { toolUseId: call.id, name: call.function.name, input } };
}

/** A tool message's content: a JSON object as `json`, any other text as `text`. */
function toolResultContent(content: ChatMessage['content']): BedrockToolResultContent {
  const text = contentText(content);
  try {
    const value: unknown = JSON.parse(text);
    if (isRecord(value)) return { json: value };
  } catch {
    // Not JSON: the text it is.
  }
  return { text };
}

/** One OpenAI message as one Converse turn, or `undefined` for a system prompt. */
function toTurn(message: ChatMessage, index: number): BedrockMessage | undefined {
  switch (message.role) {
    case 'system':
    case 'developer':
      return undefined;
    case 'user':
      return { role: 'user', content: contentBlocks(message.content) };
    case 'assistant':
      return {
        role: 'assistant',
        content: [...contentBlocks(message.content), ...(message.tool_calls ?? []).map(toolUseBlock)],
      };
    case 'tool':
      if (typeof message.tool_call_id !== 'string' || message.tool_call_id === '')
        throw new TranslationError(`messages[${index}] (role tool) has no tool_call_id`);
      return {
        role: 'user',
        content: [
          { toolResult: { toolUseId: message.tool_call_id, content: [toolResultContent(message.content)] } },
        ],
      };
    default:
      throw new TranslationError(
        `messages[${index}] has role '${message.role}', which bedrock does not take (use tools and tool messages)`,
      );
  }
}

/**
 * OpenAI messages as Converse's `system` and `messages`: system and developer messages become
 * `system` blocks; tool messages become user turns of `toolResult` blocks; assistant tool calls
 * become `toolUse` blocks; consecutive turns of one role are merged (Converse wants roles to
 * alternate, and all results of one assistant turn in the next user turn). Throws
 * `TranslationError` for what Converse cannot take.
 */
export function toBedrockConversation(messages: readonly ChatMessage[]): BedrockConversation {
  const system: { text: string }[] = [];
  const turns: BedrockMessage[] = [];
  let usesTools = false;
  messages.forEach((message, index) => {
    const turn = toTurn(message, index);
    if (!turn) {
      const text = contentText(message.content);
      if (text !== '') system.push({ text });
      return;
    }
    usesTools ||= turn.content.some((block) => 'toolUse' in block || 'toolResult' in block);
    const previous = turns.at(-1);
    if (previous?.role === turn.role)
      turns[turns.length - 1] = { role: turn.role, content: [...previous.content, ...turn.content] };
    else turns.push(turn);
  });
  return { system, messages: turns, usesTools };
}
