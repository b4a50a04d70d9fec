import { TranslationError } from '@switchyard/plugin-api';
import type {
  ChatContentPart,
  ChatMessage,
  ClientBody,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from '@switchyard/plugin-api';
import { isRecord } from '@switchyard/provider-openai-compatible';
import type { JsonRecord } from '@switchyard/provider-openai-compatible';

/**
 * Anthropic's request fields that a pivot reads (every one below) or may drop without changing
 * the answer's meaning. Any other top-level field is refused, so that a client never gets an
 * answer that silently ignored what it asked for.
 */
const DROPPED_FIELDS: ReadonlySet<string> = new Set([
  // Anthropic-only service features: no other provider has them, and none changes the text asked for.
  'service_tier',
  'container',
  'context_management',
  'mcp_servers',
  // Extended thinking is Claude's own; other models answer without it.
  'thinking',
]);

const READ_FIELDS: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'system',
  'max_tokens',
  'temperature',
  'top_p',
  'top_k',
  'stop_sequences',
  'stream',
  'tools',
  'tool_choice',
  'metadata',
]);

function fail(message: string): never {
  throw new TranslationError(message);
}

/** A block's `text`, which Anthropic requires to be a string. */
function textOf(block: JsonRecord, where: string): string {
  if (typeof block.text !== 'string') fail(`${where}.text must be a string`);
  return block.text;
}

/** `system`: a string, or text blocks joined by a blank line. */
function systemText(system: unknown): string | undefined {
  if (system === undefined || system === null) return undefined;
  if (typeof system === 'string') return system === '' ? undefined : system;
  if (!Array.isArray(system)) fail('system must be a string or an array of text blocks');
  const texts = system.map((block, index) => {
    if (!isRecord(block) || block.type !== 'text') fail(`system[${index}] must be a text block`);
    return textOf(block, `system[${index}]`);
  });
  return texts.join('\n\n');
}

/** An `image` or `document` block's `source` as an OpenAI URL: inline bytes as a data URL. */
function sourceUrl(block: JsonRecord, where: string): string {
  const source = isRecord(block.source) ? block.source : fail(`${where}.source must be an object`);
  if (source.type === 'base64' && typeof source.media_type === 'string' && typeof source.data === 'string')
    return `data:${source.media_type};base64,${source.data}`;
  if (source.type === 'url' && typeof source.url === 'string') return source.url;
  return fail(`${where}.source must be {"type":"base64","media_type","data"} or {"type":"url","url"}`);
}

/** A user turn's content block as an OpenAI content part. */
function userPart(block: JsonRecord, where: string): ChatContentPart {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: textOf(block, where) };
    case 'image':
      return { type: 'image_url', image_url: { url: sourceUrl(block, where) } };
    case 'document': {
      const url = sourceUrl(block, where);
      if (!url.startsWith('data:application/pdf;'))
        fail(`${where}: only base64 PDF documents can be sent to another provider`);
      return { type: 'file', file: { file_data: url } };
    }
    default:
      return fail(`${where}: content block type '${String(block.type)}' cannot be sent to another provider`);
  }
}

/** A `tool_result` block's content as text: a string, or its text blocks joined. */
function toolResultText(block: JsonRecord, where: string): string {
  const content = block.content;
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) fail(`${where}.content must be a string or an array of blocks`);
  return content
    .map((part, index) => {
      if (!isRecord(part) || part.type !== 'text')
        fail(`${where}.content[${index}]: only text tool results can be sent to another provider`);
      return textOf(part, `${where}.content[${index}]`);
    })
    .join('\n');
}

function blocksOf(content: unknown, where: string): JsonRecord[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) fail(`${where}.content must be a string or an array of content blocks`);
  return content.map((block, index) =>
    isRecord(block) ? block : fail(`${where}.content[${index}] must be a content block object`),
  );
}

/**
 * A user turn: its `tool_result` blocks become `tool` messages first (OpenAI wants them right
 * after the assistant turn that called), then the rest as one user message.
 */
function userMessages(content: unknown, where: string): ChatMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  const results: ChatMessage[] = [];
  const parts: ChatContentPart[] = [];
  blocksOf(content, where).forEach((block, index) => {
    const at = `${where}.content[${index}]`;
    if (block.type === 'tool_result') {
      if (typeof block.tool_use_id !== 'string') fail(`${at}.tool_use_id must be a string`);
      const text = toolResultText(block, at);
      results.push({
        role: 'tool',
        tool_call_id: block.tool_use_id,
        content: block.is_error === true ? `Error: ${text}` : text,
      });
    } else {
      parts.push(userPart(block, at));
    }
  });
  return parts.length > 0 ? [...results, { role: 'user', content: parts }] : results;
}

/** An assistant turn: text blocks joined, `tool_use` blocks as tool calls; thinking blocks are Claude's own and left out. */
function assistantMessage(content: unknown, where: string): ChatMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  let text = '';
  const calls: ToolCall[] = [];
  blocksOf(content, where).forEach((block, index) => {
    const at = `${where}.content[${index}]`;
    if (block.type === 'text') text += textOf(block, at);
    else if (block.type === 'tool_use') {
      if (typeof block.id !== 'string' || typeof block.name !== 'string')
        fail(`${at}: a tool_use block needs a string id and name`);
      calls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    } else if (block.type !== 'thinking' && block.type !== 'redacted_thinking') {
      fail(`${at}: content block type '${String(block.type)}' cannot be sent to another provider`);
    }
  });
  if (calls.length === 0) return { role: 'assistant', content: text };
  return { role: 'assistant', content: text === '' ? null : text, tool_calls: calls };
}

function toMessages(messages: unknown): ChatMessage[] {
  if (!Array.isArray(messages)) fail('messages must be an array');
  return messages.flatMap((message, index) => {
    const where = `messages[${index}]`;
    if (!isRecord(message)) fail(`${where} must be an object`);
    if (message.role === 'user') return userMessages(message.content, where);
    if (message.role === 'assistant') return [assistantMessage(message.content, where)];
    return fail(`${where}.role must be 'user' or 'assistant'`);
  });
}

function toTool(tool: unknown, index: number): ToolDefinition {
  if (!isRecord(tool) || typeof tool.name !== 'string') fail(`tools[${index}] must have a string name`);
  // Server tools (web_search, bash, ...) carry a `type` and run at Anthropic only.
  if (tool.type !== undefined && tool.type !== 'custom')
    fail(`tools[${index}]: tool type '${String(tool.type)}' runs at Anthropic only`);
  return {
    type: 'function',
    function: {
      name: tool.name,
      ...(typeof tool.description === 'string' && { description: tool.description }),
      parameters: isRecord(tool.input_schema) ? tool.input_schema : { type: 'object', properties: {} },
    },
  };
}

function toToolChoice(choice: JsonRecord): ToolChoice {
  switch (choice.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      if (typeof choice.name !== 'string') fail('tool_choice.name must be a string');
      return { type: 'function', function: { name: choice.name } };
    default:
      return fail(`tool_choice.type must be auto, any, tool or none, not ${JSON.stringify(choice.type)}`);
  }
}

/** `tools` and `tool_choice` (with `disable_parallel_tool_use` as `parallel_tool_calls: false`). */
function toolFields(body: ClientBody): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) fail('tools must be an array');
    if (body.tools.length > 0) fields.tools = body.tools.map(toTool);
  }
  if (body.tool_choice !== undefined) {
    if (!isRecord(body.tool_choice)) fail('tool_choice must be an object');
    // OpenAI takes tool_choice only with tools; Anthropic's `none` without tools means the same.
    if (fields.tools) fields.tool_choice = toToolChoice(body.tool_choice);
    if (body.tool_choice.disable_parallel_tool_use === true && fields.tools)
      fields.parallel_tool_calls = false;
  }
  return fields;
}

/**
 * An Anthropic Messages request as an OpenAI chat request, for a provider other than
 * Anthropic: `system` first as a system message; user turns' `tool_result` blocks as `tool`
 * messages; `tool_use` blocks as tool calls (their `input` as JSON text); images and PDFs as
 * content parts; `stop_sequences` as `stop`, `metadata.user_id` as `user`, `tools` and
 * `tool_choice` in OpenAI's words; a stream always asks for its usage (an Anthropic client
 * always gets it). A new object; throws `TranslationError` for what no other provider can take.
 */
export function anthropicToOpenAiChat(body: ClientBody): ClientBody {
  for (const field of Object.keys(body)) {
    if (!READ_FIELDS.has(field) && !DROPPED_FIELDS.has(field))
      fail(`field '${field}' cannot be sent to another provider`);
  }
  const system = systemText(body.system);
  const messages = toMessages(body.messages);
  const openAi: Record<string, unknown> = {
    messages: system === undefined ? messages : [{ role: 'system', content: system }, ...messages],
  };
  if (typeof body.model === 'string') openAi.model = body.model;
  for (const name of ['max_tokens', 'temperature', 'top_p', 'top_k'] as const) {
    if (body[name] !== undefined) openAi[name] = body[name];
  }
  if (Array.isArray(body.stop_sequences) && body.stop_sequences.length > 0) openAi.stop = body.stop_sequences;
  if (isRecord(body.metadata) && typeof body.metadata.user_id === 'string')
    openAi.user = body.metadata.user_id;
  if (body.stream === true) {
    openAi.stream = true;
    openAi.stream_options = { include_usage: true };
  }
  return { ...openAi, ...toolFields(body) };
}
