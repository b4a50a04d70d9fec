import { randomUUID } from 'node:crypto';
import {
  asJsonObject,
  asNumber,
  ProviderErrorReply,
  type MockInput,
  type MockResponse,
} from './mock-provider-definition.js';
import type { MockReply } from './mock-reply.js';
import { namedSseFrame } from './stream-frames.js';

type ErrorFactory = (message: string, type: string, param: string | null, code: string | null) => unknown;

function invalid(
  error: ErrorFactory,
  message: string,
  param: string | null,
  code: string | null,
): ProviderErrorReply {
  return new ProviderErrorReply(400, error(message, 'invalid_request_error', param, code));
}

/** Chat-only fields the Responses API refuses, with OpenAI's hint where it gives one. */
const MOVED_PARAMETERS: Readonly<Record<string, string>> = {
  max_tokens:
    "Unsupported parameter: 'max_tokens'. In the Responses API, this parameter has moved to 'max_output_tokens'.",
  messages: "Unsupported parameter: 'messages'. In the Responses API, this parameter has moved to 'input'.",
  response_format:
    "Unsupported parameter: 'response_format'. In the Responses API, this parameter has moved to 'text.format'.",
  top_k: "Unknown parameter: 'top_k'.",
};

function partTexts(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) return [];
  return content
    .map((part) => asJsonObject(part)?.text)
    .filter((text): text is string => typeof text === 'string');
}

/** The texts of `input` items (messages, function outputs), or a reply naming the malformed item. */
function inputTexts(input: unknown, error: ErrorFactory): string[] | ProviderErrorReply {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input))
    return invalid(
      error,
      "Invalid type for 'input': expected one of a string or array of input items.",
      'input',
      'invalid_type',
    );
  const texts: string[] = [];
  for (const [index, value] of input.entries()) {
    const item = asJsonObject(value);
    const type = item?.type ?? 'message';
    if (item === undefined)
      return invalid(error, `Invalid type for 'input[${index}]'.`, `input[${index}]`, 'invalid_type');
    if (type === 'message') {
      if (!['user', 'assistant', 'system', 'developer'].includes(String(item.role)))
        return invalid(
          error,
          `Invalid value: '${String(item.role)}'. Supported values are: 'assistant', 'system', 'developer', and 'user'.`,
          `input[${index}].role`,
          'invalid_value',
        );
      texts.push(...partTexts(item.content));
    } else if (type === 'function_call_output') {
      if (typeof item.call_id !== 'string')
        return invalid(
          error,
          `Missing required parameter: 'input[${index}].call_id'.`,
          `input[${index}].call_id`,
          'missing_required_parameter',
        );
      texts.push(...partTexts(item.output));
    } else if (type === 'function_call') {
      if (
        typeof item.call_id !== 'string' ||
        typeof item.name !== 'string' ||
        typeof item.arguments !== 'string'
      )
        return invalid(
          error,
          `Missing required parameter: 'input[${index}].call_id'.`,
          `input[${index}]`,
          'missing_required_parameter',
        );
    } else if (type !== 'reasoning' && type !== 'item_reference') {
      return invalid(error, `Invalid value: '${String(type)}'.`, `input[${index}].type`, 'invalid_value');
    }
  }
  return texts;
}

/**
 * Reads a Responses API body as OpenAI checks it: a model (unless the deployment names it), an
 * `input`, function tools in the flat shape (`name` at the top), and none of chat's fields that
 * moved (`max_tokens`, `messages`, `response_format`).
 */
export function readResponsesInput(
  body: unknown,
  error: ErrorFactory,
  unparseable: ProviderErrorReply,
): MockInput | ProviderErrorReply {
  const request = asJsonObject(body);
  if (request === undefined) return unparseable;
  const moved = Object.keys(request).find((field) => MOVED_PARAMETERS[field] !== undefined);
  if (moved !== undefined) return invalid(error, MOVED_PARAMETERS[moved]!, moved, 'unsupported_parameter');
  // Its streams report usage by themselves: chat's `include_usage` is no option of the Responses API.
  if (asJsonObject(request.stream_options)?.include_usage !== undefined)
    return invalid(
      error,
      "Unknown parameter: 'stream_options.include_usage'.",
      'stream_options.include_usage',
      'unknown_parameter',
    );
  if (typeof request.model !== 'string')
    return invalid(error, "Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
  if (request.input === undefined)
    return invalid(error, "Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  const tools = request.tools === undefined ? [] : request.tools;
  if (!Array.isArray(tools)) return invalid(error, "Invalid type for 'tools'.", 'tools', 'invalid_type');
  for (const [index, tool] of tools.entries()) {
    const record = asJsonObject(tool);
    if (record?.type === 'function' && typeof record.name !== 'string')
      return invalid(
        error,
        `Missing required parameter: 'tools[${index}].name'.`,
        `tools[${index}].name`,
        'missing_required_parameter',
      );
  }
  const texts = inputTexts(request.input, error);
  if (texts instanceof ProviderErrorReply) return texts;
  if (typeof request.instructions === 'string') texts.push(request.instructions);
  return {
    model: request.model,
    inputs: texts,
    maxTokens: asNumber(request.max_output_tokens),
    stream: request.stream === true,
    body: request,
  };
}

const hex = () => randomUUID().replaceAll('-', '');

/**
 * The Responses API's answer: a `response` object with `message` and `function_call` output
 * items and `usage` (`input_tokens`, `output_tokens`); streamed, its named events with
 * `sequence_number`s, from `response.created` to `response.completed` (no `[DONE]`).
 */
export function respondResponses(input: MockInput, reply: MockReply): MockResponse {
  const messageId = `msg_${hex()}`;
  const base = {
    id: `resp_${hex()}`,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    error: null,
    instructions: input.body.instructions ?? null,
    model: input.model ?? '',
    parallel_tool_calls: true,
    previous_response_id: null,
    store: input.body.store !== false,
    tools: input.body.tools ?? [],
  };
  const textPart = (text: string) => ({ type: 'output_text', text, annotations: [], logprobs: [] });
  const message = (status: string, text?: string) => ({
    id: messageId,
    type: 'message',
    status,
    role: 'assistant',
    content: text === undefined ? [] : [textPart(text)],
  });
  const calls = reply.toolCalls.map((call) => ({ id: `fc_${hex()}`, call }));
  const callItem = (index: number, status: string, args: string) => ({
    id: calls[index]!.id,
    type: 'function_call',
    status,
    call_id: calls[index]!.call.id,
    name: calls[index]!.call.name,
    arguments: args,
  });
  const output = [
    ...(reply.text === '' ? [] : [message('completed', reply.text)]),
    ...calls.map((_, index) => callItem(index, 'completed', calls[index]!.call.arguments)),
  ];
  const finished = {
    ...base,
    status: reply.truncated ? 'incomplete' : 'completed',
    incomplete_details: reply.truncated ? { reason: 'max_output_tokens' } : null,
    output,
    usage: {
      input_tokens: reply.promptTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: reply.completionTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: reply.promptTokens + reply.completionTokens,
    },
  };
  if (!input.stream) return { kind: 'json', body: finished };

  let sequence = 0;
  const frames: string[] = [];
  const event = (type: string, payload: object) =>
    frames.push(namedSseFrame(type, { type, ...payload, sequence_number: sequence++ }));
  const pending = { ...base, status: 'in_progress', incomplete_details: null, output: [], usage: null };
  event('response.created', { response: pending });
  event('response.in_progress', { response: pending });
  let index = 0;
  if (reply.text !== '') {
    const at = { item_id: messageId, output_index: index, content_index: 0 };
    event('response.output_item.added', { output_index: index, item: message('in_progress') });
    event('response.content_part.added', { ...at, part: textPart('') });
    for (const piece of reply.pieces)
      event('response.output_text.delta', { ...at, delta: piece, logprobs: [] });
    event('response.output_text.done', { ...at, text: reply.text, logprobs: [] });
    event('response.content_part.done', { ...at, part: textPart(reply.text) });
    event('response.output_item.done', { output_index: index, item: message('completed', reply.text) });
    index++;
  }
  calls.forEach(({ id, call }, callIndex) => {
    event('response.output_item.added', {
      output_index: index,
      item: callItem(callIndex, 'in_progress', ''),
    });
    for (const piece of call.argumentPieces)
      event('response.function_call_arguments.delta', { item_id: id, output_index: index, delta: piece });
    event('response.function_call_arguments.done', {
      item_id: id,
      output_index: index,
      arguments: call.arguments,
    });
    event('response.output_item.done', {
      output_index: index,
      item: callItem(callIndex, 'completed', call.arguments),
    });
    index++;
  });
  event(reply.truncated ? 'response.incomplete' : 'response.completed', { response: finished });
  return { kind: 'stream', contentType: 'text/event-stream; charset=utf-8', frames };
}
