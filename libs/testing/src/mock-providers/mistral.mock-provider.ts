import { randomBytes } from 'node:crypto';
import {
  bearerToken,
  ProviderErrorReply,
  type MockInput,
  type MockProviderDefinition,
  type MockResponse,
} from './mock-provider-definition.js';
import { mistralError, readMistralEmbeddingsInput, readMistralInput } from './mistral.mock-request.js';
import type { MockReply } from './mock-reply.js';
import { pieceFrames, SSE_DONE, sseFrame } from './stream-frames.js';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A tool-call id as Mistral makes them: 9 letters and digits. */
function mistralToolCallId(): string {
  return [...randomBytes(9)].map((byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('');
}

/** The errors Mistral's gateway answers itself (`{"message", "request_id"}`), by status. */
const GATEWAY_ERRORS: Readonly<Record<number, string>> = {
  401: 'Unauthorized',
  429: 'Requests rate limit exceeded',
};

/** Mistral's error body for a bare status. */
function mistralErrorBody(status: number): unknown {
  const gateway = GATEWAY_ERRORS[status];
  if (gateway) return { message: gateway, request_id: randomBytes(16).toString('hex') };
  return status >= 500
    ? mistralError('Internal server error', 'internal_server_error', '1000')
    : mistralError('Invalid request', 'invalid_request_error');
}

/**
 * The reply: a `chat.completion` whose message has `tool_calls` (ids of 9 letters and digits,
 * `index` on each) only when the request declares tools and the behaviour calls them, and the
 * usage; streamed as `chat.completion.chunk` SSE events: the role, one content chunk per piece,
 * each tool call whole in one chunk (Mistral streams calls whole, without `type`), the finish
 * chunk carrying the usage (Mistral always reports it, `stream_options` or not), `[DONE]`.
 */
function respond(input: MockInput, reply: MockReply): MockResponse {
  const id = randomBytes(16).toString('hex');
  const created = Math.floor(Date.now() / 1000);
  const calls = Array.isArray(input.body.tools) && input.body.tools.length > 0 ? reply.toolCalls : [];
  const finishReason = reply.truncated ? 'length' : calls.length > 0 ? 'tool_calls' : 'stop';
  const usage = {
    prompt_tokens: reply.promptTokens,
    completion_tokens: reply.completionTokens,
    total_tokens: reply.promptTokens + reply.completionTokens,
  };
  const toolCalls = calls.map((call, index) => ({
    id: mistralToolCallId(),
    function: { name: call.name, arguments: call.arguments },
    index,
  }));
  const model = input.model ?? '';
  if (!input.stream) {
    return {
      kind: 'json',
      body: {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              tool_calls:
                toolCalls.length > 0 ? toolCalls.map((call) => ({ ...call, type: 'function' })) : null,
              content: reply.text,
            },
            finish_reason: finishReason,
          },
        ],
        usage,
      },
    };
  }
  const envelope = { id, object: 'chat.completion.chunk', created, model };
  const chunk = (delta: object, finish: string | null = null, extra: object = {}) =>
    sseFrame({ ...envelope, choices: [{ index: 0, delta, finish_reason: finish }], ...extra });
  return {
    kind: 'stream',
    contentType: 'text/event-stream; charset=utf-8',
    frames: [
      chunk({ role: 'assistant', content: '' }),
      ...pieceFrames(
        sseFrame,
        (content) => ({ ...envelope, choices: [{ index: 0, delta: { content }, finish_reason: null }] }),
        reply.pieces,
      ),
      ...toolCalls.map((call) => chunk({ tool_calls: [call] })),
      chunk({ content: '' }, finishReason, { usage }),
      SSE_DONE,
    ],
  };
}

/**
 * api.mistral.ai: `POST /v1/chat/completions` with `Authorization: Bearer <key>`. It refuses
 * what Mistral refuses: fields it does not know (422, pydantic's `extra_forbidden`), tool-call
 * ids that are not 9 letters and digits (400), a conversation that ends with the assistant.
 * A stream error (`streamErrorAfter`) is a chunk with `finish_reason: error`. `POST /v1/embeddings`
 * answers OpenAI's shape with Mistral's id and a zero `completion_tokens`.
 */
export const mistralMockProvider: MockProviderDefinition = {
  id: 'mistral',
  route(method, url) {
    if (method === 'POST' && url.pathname === '/v1/chat/completions') return { operation: 'chat' };
    if (method === 'POST' && url.pathname === '/v1/embeddings') return { operation: 'embeddings' };
    return new ProviderErrorReply(404, { detail: 'Not Found' });
  },
  authorize(headers, apiKey) {
    return bearerToken(headers) === apiKey ? undefined : new ProviderErrorReply(401, mistralErrorBody(401));
  },
  embeddings: {
    read: (_route, body) => readMistralEmbeddingsInput(body),
    respond: (_route, input, vectors, tokens) => ({
      id: randomBytes(16).toString('hex'),
      object: 'list',
      data: vectors.map((embedding, index) => ({ object: 'embedding', embedding, index })),
      model: input.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens, completion_tokens: 0 },
    }),
  },
  readInput: (_route, body) => readMistralInput(body),
  respond: (_route, input, reply) => respond(input, reply),
  errorBody: mistralErrorBody,
  streamErrorFrame: () =>
    sseFrame({
      id: randomBytes(16).toString('hex'),
      object: 'chat.completion.chunk',
      created: Math.floor(Date.now() / 1000),
      model: 'mistral-small-latest',
      choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }],
    }),
};
