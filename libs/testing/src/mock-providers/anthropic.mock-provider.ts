import { randomUUID } from 'node:crypto';
import {
  asJsonObject,
  asNumber,
  bearerToken,
  ProviderErrorReply,
  type MockInput,
  type MockProviderDefinition,
  type MockResponse,
  type MockRoute,
} from './mock-provider-definition.js';
import type { MockReply } from './mock-reply.js';
import { namedSseFrame, pieceFrames } from './stream-frames.js';

type JsonObject = Readonly<Record<string, unknown>>;

/** Anthropic's error envelope: `{"type":"error","error":{"type","message"}}`. */
export function anthropicError(status: number, type: string, message: string): ProviderErrorReply {
  return new ProviderErrorReply(status, { type: 'error', error: { type, message } });
}

function invalidRequest(message: string): ProviderErrorReply {
  return anthropicError(400, 'invalid_request_error', message);
}

/** Anthropic's error type and message for a bare status. */
const STATUS_ERRORS: Readonly<Record<number, readonly [type: string, message: string]>> = {
  400: ['invalid_request_error', 'Invalid request'],
  401: ['authentication_error', 'invalid x-api-key'],
  403: ['permission_error', 'Your API key does not have permission to use the specified resource.'],
  404: ['not_found_error', 'Not found'],
  413: ['request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
  429: ['rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'],
  500: ['api_error', 'Internal server error'],
  529: ['overloaded_error', 'Overloaded'],
};

function errorBodyFor(status: number): unknown {
  const [type, message] = STATUS_ERRORS[status] ?? (status >= 500 ? STATUS_ERRORS[500] : STATUS_ERRORS[400]);
  return { type: 'error', error: { type, message } };
}

const ROUTES: Readonly<Record<string, MockRoute>> = {
  '/v1/messages': { operation: 'chat' },
  '/v1/complete': { operation: 'completions' },
};

/** The top-level fields each API accepts: Anthropic refuses any other ("<field>: Extra inputs are not permitted"). */
const ACCEPTED_FIELDS: Readonly<Record<'chat' | 'completions', ReadonlySet<string>>> = {
  chat: new Set([
    'model',
    'messages',
    'max_tokens',
    'system',
    'metadata',
    'stop_sequences',
    'stream',
    'temperature',
    'top_p',
    'top_k',
    'tools',
    'tool_choice',
    'thinking',
    'service_tier',
  ]),
  completions: new Set([
    'model',
    'prompt',
    'max_tokens_to_sample',
    'stop_sequences',
    'stream',
    'temperature',
    'top_p',
    'top_k',
    'metadata',
  ]),
};

const HUMAN_TURN = '\n\nHuman:';
const ASSISTANT_TURN = '\n\nAssistant:';

/** The objects of a JSON array (none for anything else). */
function objectsOf(value: unknown): JsonObject[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    const object = asJsonObject(item);
    return object ? [object] : [];
  });
}

function blocksOf(content: unknown): JsonObject[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : objectsOf(content);
}

/** The text a block carries (a tool result's content too): its words are prompt tokens. */
function blockText(block: JsonObject): string {
  if (typeof block.text === 'string') return block.text;
  if (block.type === 'tool_result') return blocksOf(block.content).map(blockText).join(' ');
  return '';
}

/**
 * Anthropic's conversation rules: turns alternate, the first is the user's, every
 * `tool_result` answers a `tool_use` of the turn before, and every `tool_use` is answered in
 * the next turn when there is one. Returns Anthropic's 400 for the first rule broken.
 */
function checkTurns(messages: readonly JsonObject[]): ProviderErrorReply | undefined {
  if (messages[0]?.role !== 'user') return invalidRequest('messages: first message must use the "user" role');
  for (let index = 0; index < messages.length; index++) {
    const { role } = messages[index];
    if (role !== 'user' && role !== 'assistant')
      return invalidRequest(`messages.${index}.role: Input should be 'user' or 'assistant'`);
    if (index > 0 && messages[index - 1].role === role) {
      return invalidRequest(
        `messages: roles must alternate between "user" and "assistant", but found multiple "${role}" roles in a row`,
      );
    }
    const blocks = blocksOf(messages[index].content);
    const previousToolUses = new Set(
      index > 0
        ? blocksOf(messages[index - 1].content)
            .filter((block) => block.type === 'tool_use')
            .map((block) => block.id)
        : [],
    );
    const unexpected = blocks.findIndex(
      (block) => block.type === 'tool_result' && !previousToolUses.has(block.tool_use_id),
    );
    if (unexpected >= 0) {
      return invalidRequest(
        `messages.${index}.content.${unexpected}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(blocks[unexpected].tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
      );
    }
    const next = messages[index + 1];
    if (next) {
      const answered = new Set(
        blocksOf(next.content)
          .filter((block) => block.type === 'tool_result')
          .map((block) => block.tool_use_id),
      );
      const unanswered = blocks.filter((block) => block.type === 'tool_use' && !answered.has(block.id));
      if (unanswered.length > 0) {
        return invalidRequest(
          `messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${unanswered.map((block) => String(block.id)).join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
        );
      }
    }
  }
  return undefined;
}

function readMessagesInput(request: JsonObject): MockInput | ProviderErrorReply {
  if (!Array.isArray(request.messages)) return invalidRequest('messages: Field required');
  const maxTokens = asNumber(request.max_tokens);
  if (maxTokens === undefined) return invalidRequest('max_tokens: Field required');
  const messages = objectsOf(request.messages);
  const broken = checkTurns(messages);
  if (broken) return broken;
  const inputs = [
    ...blocksOf(request.system).map(blockText),
    ...messages.flatMap((message) => blocksOf(message.content).map(blockText)),
  ];
  return {
    model: request.model as string,
    inputs,
    maxTokens,
    stream: request.stream === true,
    body: request,
  };
}

function readCompleteInput(request: JsonObject): MockInput | ProviderErrorReply {
  const { prompt } = request;
  if (typeof prompt !== 'string') return invalidRequest('prompt: Field required');
  const maxTokens = asNumber(request.max_tokens_to_sample);
  if (maxTokens === undefined) return invalidRequest('max_tokens_to_sample: Field required');
  if (!prompt.startsWith(HUMAN_TURN))
    return invalidRequest(`prompt must start with "${HUMAN_TURN}" turn after an optional system prompt`);
  if (!prompt.endsWith(ASSISTANT_TURN))
    return invalidRequest(`prompt must end with "${ASSISTANT_TURN}" turn`);
  const inputs = [prompt.slice(HUMAN_TURN.length, -ASSISTANT_TURN.length)];
  return {
    model: request.model as string,
    inputs,
    maxTokens,
    stream: request.stream === true,
    body: request,
  };
}

function readAnthropicInput(route: MockRoute, body: unknown): MockInput | ProviderErrorReply {
  const request = asJsonObject(body);
  if (request === undefined) return invalidRequest('Request body must be a JSON object');
  // Anthropic has no embeddings route: `route` never answers one.
  const accepted = ACCEPTED_FIELDS[route.operation === 'chat' ? 'chat' : 'completions'];
  const extra = Object.keys(request).find((field) => !accepted.has(field));
  if (extra !== undefined) return invalidRequest(`${extra}: Extra inputs are not permitted`);
  if (typeof request.model !== 'string') return invalidRequest('model: Field required');
  return route.operation === 'chat' ? readMessagesInput(request) : readCompleteInput(request);
}

/** Anthropic's ids: `msg_…`, `toolu_…`, `compl_…` and 24 hex characters. */
function anthropicId(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

/** The tool calls of a reply as `tool_use` blocks (the mock's `call_1` is `toolu_call_1`). */
function toolUseBlocks(reply: MockReply) {
  return reply.toolCalls.map((call) => ({
    type: 'tool_use',
    id: `toolu_${call.id}`,
    name: call.name,
    input: JSON.parse(call.arguments) as unknown,
  }));
}

/**
 * `/v1/messages`: a `message` with text and `tool_use` blocks and usage (cache counts zero), or
 * its named SSE events: `message_start`, `content_block_start`/`ping`/`content_block_delta`
 * (one per piece)/`content_block_stop` for the text, then per tool call a `tool_use` block
 * whose input arrives as `input_json_delta` pieces, `message_delta` (stop reason, output
 * tokens), `message_stop`.
 */
function respondMessages(input: MockInput, reply: MockReply): MockResponse {
  const id = anthropicId('msg');
  const stopReason = reply.truncated ? 'max_tokens' : reply.toolCalls.length > 0 ? 'tool_use' : 'end_turn';
  const usage = {
    input_tokens: reply.promptTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: reply.completionTokens,
  };
  const tools = toolUseBlocks(reply);
  const textBlocks = reply.text === '' && tools.length > 0 ? [] : [{ type: 'text', text: reply.text }];
  const message = { id, type: 'message', role: 'assistant', model: input.model };

  if (!input.stream) {
    return {
      kind: 'json',
      body: {
        ...message,
        content: [...textBlocks, ...tools],
        stop_reason: stopReason,
        stop_sequence: null,
        usage,
      },
    };
  }
  const frames = [
    namedSseFrame('message_start', {
      type: 'message_start',
      message: {
        ...message,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    }),
  ];
  let index = 0;
  if (textBlocks.length > 0) {
    frames.push(
      namedSseFrame('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'text', text: '' },
      }),
      namedSseFrame('ping', { type: 'ping' }),
      ...pieceFrames(
        (data) => namedSseFrame('content_block_delta', data),
        (text) => ({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } }),
        reply.pieces,
      ),
      namedSseFrame('content_block_stop', { type: 'content_block_stop', index }),
    );
    index += 1;
  }
  reply.toolCalls.forEach((call, n) => {
    const { input: _whole, ...start } = tools[n];
    const delta = (partial_json: string) =>
      namedSseFrame('content_block_delta', {
        type: 'content_block_delta',
        index,
        delta: { type: 'input_json_delta', partial_json },
      });
    frames.push(
      namedSseFrame('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { ...start, input: {} },
      }),
      // Anthropic opens each tool input with an empty piece.
      delta(''),
      ...call.argumentPieces.map(delta),
      namedSseFrame('content_block_stop', { type: 'content_block_stop', index }),
    );
    index += 1;
  });
  frames.push(
    namedSseFrame('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: reply.completionTokens },
    }),
    namedSseFrame('message_stop', { type: 'message_stop' }),
  );
  return { kind: 'stream', contentType: 'text/event-stream; charset=utf-8', frames };
}

/**
 * `/v1/complete`: a `completion`, or `completion` events (one per piece after a `ping`) and a
 * last one with the stop reason. That API reports no usage.
 */
function respondComplete(input: MockInput, reply: MockReply): MockResponse {
  const envelope = { type: 'completion', id: anthropicId('compl'), model: input.model };
  const stopReason = reply.truncated ? 'max_tokens' : 'stop_sequence';
  const stop = reply.truncated ? null : HUMAN_TURN;
  if (!input.stream) {
    return {
      kind: 'json',
      body: { ...envelope, completion: reply.text, stop_reason: stopReason, stop, log_id: envelope.id },
    };
  }
  const event = (completion: string, stop_reason: string | null, stopText: string | null) => ({
    ...envelope,
    completion,
    stop_reason,
    stop: stopText,
    log_id: envelope.id,
  });
  const frames = [
    namedSseFrame('ping', { type: 'ping' }),
    ...pieceFrames(
      (data) => namedSseFrame('completion', data),
      (text) => event(text, null, null),
      reply.pieces,
    ),
    namedSseFrame('completion', event('', stopReason, stop)),
  ];
  return { kind: 'stream', contentType: 'text/event-stream; charset=utf-8', frames };
}

/**
 * api.anthropic.com: `POST /v1/messages` and `/v1/complete`, the key in `x-api-key` (or as a
 * bearer token), the
 * `anthropic-version` header required, unknown top-level fields refused, conversation rules
 * checked, as Anthropic does.
 */
export const anthropicMockProvider: MockProviderDefinition = {
  id: 'anthropic',
  route(method, url) {
    const route = method === 'POST' ? ROUTES[url.pathname] : undefined;
    return route ?? anthropicError(404, 'not_found_error', 'Not Found');
  },
  authorize(headers, apiKey) {
    // The key in `x-api-key` (Kong's docs), or as a bearer token (what the official SDK sends).
    const key = headers['x-api-key'] ?? bearerToken(headers);
    if (key === undefined) return anthropicError(401, 'authentication_error', 'x-api-key header is required');
    if (key !== apiKey) return anthropicError(401, 'authentication_error', 'invalid x-api-key');
    if (!headers['anthropic-version']) return invalidRequest('anthropic-version: header is required');
    return undefined;
  },
  readInput: readAnthropicInput,
  respond: (route, input, reply) =>
    route.operation === 'chat' ? respondMessages(input, reply) : respondComplete(input, reply),
  errorBody: errorBodyFor,
  streamErrorFrame: () =>
    namedSseFrame('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
};
