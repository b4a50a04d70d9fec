import { TranslationError } from '@switchyard/plugin-api';
import type {
  ChatContentPart,
  ChatMessage,
  ClientBody,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from '@switchyard/plugin-api';
import { isRecord } from './json-shapes.js';
import type { JsonRecord } from './json-shapes.js';

/** Request fields that only a provider which keeps responses (OpenAI, Azure) can honour. */
const STATEFUL_FIELDS: ReadonlySet<string> = new Set(['previous_response_id', 'conversation', 'prompt']);

/**
 * Responses fields a pivot may drop without changing what is asked: service and caching hints,
 * extra output (`include`), OpenAI's stream obfuscation, the verbosity hint.
 */
const DROPPED_FIELDS: ReadonlySet<string> = new Set([
  'metadata',
  'include',
  'truncation',
  'service_tier',
  'prompt_cache_key',
  'prompt_cache_retention',
  'safety_identifier',
  'stream_options',
  'top_logprobs',
  'max_tool_calls',
]);

/** Responses fields the pivot reads (every one below). Any other top-level field is refused. */
const READ_FIELDS: ReadonlySet<string> = new Set([
  'model',
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_output_tokens',
  'temperature',
  'top_p',
  'text',
  'reasoning',
  'stream',
  'store',
  'background',
  'user',
]);

/** What a stateful request gets from a provider other than OpenAI's. */
const KEEPS_NO_RESPONSES = 'only the openai and azure providers keep responses';

function fail(message: string): never {
  throw new TranslationError(message);
}

function stringField(item: JsonRecord, field: string, where: string): string {
  const value = item[field];
  return typeof value === 'string' ? value : fail(`${where}.${field} must be a string`);
}

/** A user (or system) message's content part as an OpenAI chat part. */
function inputPart(part: JsonRecord, where: string): ChatContentPart {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: stringField(part, 'text', where) };
    case 'input_image': {
      if (typeof part.image_url !== 'string')
        fail(
          `${where}: only images given by image_url can be sent to another provider (file_id is OpenAI's)`,
        );
      const detail =
        part.detail === 'low' || part.detail === 'high' ? { detail: part.detail as 'low' | 'high' } : {};
      return { type: 'image_url', image_url: { url: part.image_url, ...detail } };
    }
    case 'input_file': {
      if (typeof part.file_data !== 'string')
        fail(`${where}: only files given inline by file_data can be sent to another provider`);
      return {
        type: 'file',
        file: {
          file_data: part.file_data,
          ...(typeof part.filename === 'string' && { filename: part.filename }),
        },
      };
    }
    default:
      return fail(`${where}: content part type '${String(part.type)}' cannot be sent to another provider`);
  }
}

/** A message's `content`: a string, or its parts as chat parts (an assistant's as its joined text). */
function messageContent(item: JsonRecord, role: string, where: string): string | ChatContentPart[] {
  const content = item.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) fail(`${where}.content must be a string or an array of content parts`);
  const parts = content.map((part, index) =>
    isRecord(part)
      ? inputPart(part, `${where}.content[${index}]`)
      : fail(`${where}.content[${index}] must be an object`),
  );
  // An assistant's earlier answer (`output_text`, `refusal`) is plain text to any chat model.
  if (role === 'assistant') return parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
  return parts;
}

/** The chat role of a Responses message role (`developer` is the system prompt to other providers). */
function chatRole(role: unknown, where: string): 'user' | 'assistant' | 'system' {
  if (role === 'user' || role === 'assistant' || role === 'system') return role;
  if (role === 'developer') return 'system';
  return fail(`${where}.role must be 'user', 'assistant', 'system' or 'developer'`);
}

/** A `function_call_output`'s output as text: a string, or its text parts joined. */
function toolOutput(item: JsonRecord, where: string): string {
  const output = item.output;
  if (typeof output === 'string') return output;
  if (!Array.isArray(output)) fail(`${where}.output must be a string or an array of content parts`);
  return output
    .map((part, index) => {
      if (!isRecord(part) || part.type !== 'input_text')
        fail(`${where}.output[${index}]: only text outputs can be sent to another provider`);
      return stringField(part, 'text', `${where}.output[${index}]`);
    })
    .join('\n');
}

/**
 * `input` as chat messages: a string is one user message; items are messages, function calls
 * (consecutive ones, and the assistant text right before them, make one assistant message with
 * `tool_calls`) and their outputs (`tool` messages). Reasoning items are OpenAI's own and dropped;
 * references to stored items need OpenAI.
 */
function inputMessages(input: unknown): ChatMessage[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  if (!Array.isArray(input)) fail('input must be a string or an array of input items');
  const messages: ChatMessage[] = [];
  let calls: ToolCall[] | undefined;
  const flushCalls = () => {
    if (!calls) return;
    const last = messages.at(-1);
    // The assistant's own text that led to the calls and the calls are one chat turn.
    if (last?.role === 'assistant' && !last.tool_calls)
      messages[messages.length - 1] = { ...last, tool_calls: calls };
    else messages.push({ role: 'assistant', content: null, tool_calls: calls });
    calls = undefined;
  };
  input.forEach((value, index) => {
    const where = `input[${index}]`;
    if (!isRecord(value)) fail(`${where} must be an object`);
    const type = value.type ?? 'message';
    switch (type) {
      case 'message': {
        flushCalls();
        const role = chatRole(value.role, where);
        messages.push({ role, content: messageContent(value, role, where) });
        return;
      }
      case 'function_call':
        (calls ??= []).push({
          id: stringField(value, 'call_id', where),
          type: 'function',
          function: {
            name: stringField(value, 'name', where),
            arguments: stringField(value, 'arguments', where),
          },
        });
        return;
      case 'function_call_output':
        flushCalls();
        messages.push({
          role: 'tool',
          tool_call_id: stringField(value, 'call_id', where),
          content: toolOutput(value, where),
        });
        return;
      case 'reasoning':
        // A reasoning model's own notes (often encrypted): no other model can read them.
        return;
      case 'item_reference':
        return fail(
          `${where}: item_reference needs the stored response; ${KEEPS_NO_RESPONSES} (send the items themselves, e.g. store: false in the AI SDK)`,
        );
      default:
        return fail(`${where}: item type '${String(type)}' cannot be sent to another provider`);
    }
  });
  flushCalls();
  return messages;
}

/** Responses' flat function tools (`{type, name, parameters}`) as chat's (`{type, function}`). */
function chatTools(tools: unknown): ToolDefinition[] {
  if (!Array.isArray(tools)) fail('tools must be an array');
  return tools.map((tool, index) => {
    const where = `tools[${index}]`;
    if (!isRecord(tool)) fail(`${where} must be an object`);
    if (tool.type !== 'function')
      fail(
        `${where}: tool type '${String(tool.type)}' runs on OpenAI only; other providers take function tools`,
      );
    return {
      type: 'function',
      function: {
        name: stringField(tool, 'name', where),
        ...(typeof tool.description === 'string' && { description: tool.description }),
        ...(isRecord(tool.parameters) && { parameters: tool.parameters }),
        ...(typeof tool.strict === 'boolean' && { strict: tool.strict }),
      },
    };
  });
}

function chatToolChoice(choice: unknown): ToolChoice {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (isRecord(choice) && choice.type === 'function' && typeof choice.name === 'string')
    return { type: 'function', function: { name: choice.name } };
  return fail('tool_choice must be \'auto\', \'none\', \'required\' or {"type":"function","name"}');
}

/** `text.format` as chat's `response_format` (none for plain text). */
function responseFormat(text: unknown): Record<string, unknown> | undefined {
  if (!isRecord(text) || text.format === undefined) return undefined;
  const format = isRecord(text.format) ? text.format : fail('text.format must be an object');
  switch (format.type) {
    case 'text':
      return undefined;
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema': {
      const { type: _type, ...schema } = format;
      return { type: 'json_schema', json_schema: schema };
    }
    default:
      return fail(`text.format.type '${String(format.type)}' must be 'text', 'json_object' or 'json_schema'`);
  }
}

/** The fields a provider without stored responses cannot honour: a 400 naming the first one. */
function refuseStatefulFields(body: ClientBody): void {
  for (const field of STATEFUL_FIELDS)
    if (body[field] !== undefined && body[field] !== null)
      fail(`field '${field}' needs stored responses; ${KEEPS_NO_RESPONSES}`);
  if (body.store === true)
    fail(
      `store: true keeps the response for later retrieval; ${KEEPS_NO_RESPONSES} (send store: false or leave it out)`,
    );
  if (body.background === true)
    fail(`background: true answers later from a stored response; ${KEEPS_NO_RESPONSES}`);
}

/**
 * A Responses API request (`POST /v1/responses`) as an OpenAI chat request, for providers that
 * speak no Responses API: `instructions` become the system message, `input` the messages,
 * function tools chat's, `max_output_tokens` `max_tokens`, `text.format` `response_format`,
 * `reasoning.effort` `reasoning_effort`. Stateful fields and OpenAI's hosted tools are refused
 * (`TranslationError`), as is any field it does not know. A new object: the body is not changed.
 */
export function responsesToOpenAiChat(body: ClientBody): Record<string, unknown> {
  refuseStatefulFields(body);
  for (const field of Object.keys(body))
    if (!READ_FIELDS.has(field) && !DROPPED_FIELDS.has(field) && !STATEFUL_FIELDS.has(field))
      fail(`field '${field}' cannot be sent to another provider`);
  const instructions =
    typeof body.instructions === 'string' && body.instructions !== '' ? body.instructions : undefined;
  const messages: ChatMessage[] = [
    ...(instructions === undefined ? [] : [{ role: 'system' as const, content: instructions }]),
    ...inputMessages(body.input),
  ];
  const format = responseFormat(body.text);
  const tools = body.tools === undefined ? [] : chatTools(body.tools);
  const effort = isRecord(body.reasoning) ? body.reasoning.effort : undefined;
  return {
    ...(body.model !== undefined && { model: body.model }),
    messages,
    // Chat providers refuse an empty tool list; the Responses API takes one.
    ...(tools.length > 0 && { tools }),
    ...(body.tool_choice !== undefined && { tool_choice: chatToolChoice(body.tool_choice) }),
    ...(typeof body.parallel_tool_calls === 'boolean' && { parallel_tool_calls: body.parallel_tool_calls }),
    ...(body.max_output_tokens !== undefined &&
      body.max_output_tokens !== null && { max_tokens: body.max_output_tokens }),
    ...(body.temperature !== undefined && body.temperature !== null && { temperature: body.temperature }),
    ...(body.top_p !== undefined && body.top_p !== null && { top_p: body.top_p }),
    ...(format && { response_format: format }),
    ...(typeof effort === 'string' && { reasoning_effort: effort }),
    ...(typeof body.user === 'string' && { user: body.user }),
    stream: body.stream === true,
  };
}
