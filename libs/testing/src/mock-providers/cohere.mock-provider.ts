import { randomUUID } from 'node:crypto';
import {
  bearerToken,
  type MockInput,
  type MockProviderDefinition,
  type MockResponse,
  type MockRoute,
} from './mock-provider-definition.js';
import { cohereError, cohereHistory, readCohereEmbedInput, readCohereInput } from './cohere.mock-request.js';
import type { MockReply, MockToolCall } from './mock-reply.js';
import { ndjsonFrame, pieceFrames } from './stream-frames.js';

const STATUS_MESSAGES: Readonly<Record<number, string>> = {
  400: 'invalid request',
  401: 'invalid api token',
  404: 'Not Found',
  429: 'too many requests',
  500: 'internal server error',
};

const ROUTES: Readonly<Record<string, MockRoute>> = {
  '/v1/chat': { operation: 'chat' },
  '/v1/generate': { operation: 'completions' },
  '/v2/embed': { operation: 'embeddings' },
};

/** Cohere v1 streams are NDJSON, one event object per line. */
const STREAM_CONTENT_TYPE = 'application/stream+json';

/** A reply's tool calls as Cohere v1 sends them: `{name, parameters}`, no id. */
function cohereToolCalls(calls: readonly MockToolCall[]) {
  return calls.map((call) => ({ name: call.name, parameters: JSON.parse(call.arguments) as unknown }));
}

/**
 * The stream events of one tool-calling answer, as Cohere v1 sends them: the tool plan as
 * `tool-calls-chunk` text pieces, each call's `tool_call_delta` with its index and name and
 * then its `parameters` text in pieces, then every call whole in `tool-calls-generation`.
 */
function toolCallFrames(reply: MockReply): string[] {
  const chunk = (fields: object) => ({ is_finished: false, event_type: 'tool-calls-chunk', ...fields });
  return [
    ...pieceFrames(ndjsonFrame, (text) => chunk({ text }), reply.pieces),
    ...reply.toolCalls.flatMap((call, index) => [
      ndjsonFrame(chunk({ tool_call_delta: { index, name: call.name } })),
      ...call.argumentPieces.map((parameters) =>
        ndjsonFrame(chunk({ tool_call_delta: { index, parameters } })),
      ),
    ]),
    ndjsonFrame({
      is_finished: false,
      event_type: 'tool-calls-generation',
      text: reply.text,
      tool_calls: cohereToolCalls(reply.toolCalls),
    }),
  ];
}

/**
 * Chat: `{response_id, text, generation_id, chat_history, finish_reason, meta}` (with `tool_calls`
 * when the behaviour calls tools and the request declares tools); streamed as NDJSON
 * `stream-start`, one `text-generation` per piece (or the tool-call events), then `stream-end`
 * carrying the whole response.
 */
function respondChat(input: MockInput, reply: MockReply): MockResponse {
  const calls = Array.isArray(input.body.tools) && input.body.tools.length > 0 ? reply.toolCalls : [];
  const toolCalls = calls.length > 0 ? { tool_calls: cohereToolCalls(calls) } : {};
  const billedUnits = { input_tokens: reply.promptTokens, output_tokens: reply.completionTokens };
  const generationId = randomUUID();
  const finishReason = reply.truncated ? 'MAX_TOKENS' : 'COMPLETE';
  const { message, tool_results } = input.body;
  const currentTurn = message === '' ? { role: 'TOOL', tool_results } : { role: 'USER', message };
  const response = {
    response_id: randomUUID(),
    text: reply.text,
    generation_id: generationId,
    chat_history: [
      ...cohereHistory(input.body),
      currentTurn,
      { role: 'CHATBOT', message: reply.text, ...toolCalls },
    ],
    finish_reason: finishReason,
    ...toolCalls,
    meta: { api_version: { version: '1' }, billed_units: billedUnits, tokens: billedUnits },
  };
  if (!input.stream) return { kind: 'json', body: response };
  const frames = [
    ndjsonFrame({ is_finished: false, event_type: 'stream-start', generation_id: generationId }),
    ...(calls.length > 0
      ? toolCallFrames({ ...reply, toolCalls: calls })
      : pieceFrames(
          ndjsonFrame,
          (text) => ({ is_finished: false, event_type: 'text-generation', text }),
          reply.pieces,
        )),
    ndjsonFrame({ is_finished: true, event_type: 'stream-end', finish_reason: finishReason, response }),
  ];
  return { kind: 'stream', contentType: STREAM_CONTENT_TYPE, frames };
}

/**
 * Generate: `{id, generations:[{id, text, finish_reason}], prompt, meta}`; streamed as
 * `{"text", "is_finished":false}` lines and a last `{"is_finished":true, "finish_reason", "response"}`.
 */
function respondGenerate(input: MockInput, reply: MockReply): MockResponse {
  const finishReason = reply.truncated ? 'MAX_TOKENS' : 'COMPLETE';
  const response = {
    id: randomUUID(),
    generations: [{ id: randomUUID(), text: reply.text, finish_reason: finishReason }],
    prompt: input.body.prompt,
    meta: {
      api_version: { version: '1' },
      billed_units: { input_tokens: reply.promptTokens, output_tokens: reply.completionTokens },
    },
  };
  if (!input.stream) return { kind: 'json', body: response };
  const frames = [
    ...pieceFrames(ndjsonFrame, (text) => ({ text, is_finished: false }), reply.pieces),
    ndjsonFrame({ is_finished: true, finish_reason: finishReason, response }),
  ];
  return { kind: 'stream', contentType: STREAM_CONTENT_TYPE, frames };
}

/**
 * api.cohere.com v1: `POST /v1/chat` and `/v1/generate`, `Authorization: Bearer <key>`. It checks
 * what Cohere checks (see `readCohereInput`: a field Cohere does not know is a 422) and names no
 * model in its replies, as v1 does. `POST /v2/embed` answers `embeddings` by type (float only
 * here), the texts, and the billed input tokens.
 */
export const cohereMockProvider: MockProviderDefinition = {
  id: 'cohere',
  route(method, url) {
    return (method === 'POST' ? ROUTES[url.pathname] : undefined) ?? cohereError(404, STATUS_MESSAGES[404]);
  },
  authorize(headers, apiKey) {
    const key = bearerToken(headers);
    if (key === apiKey) return undefined;
    return cohereError(401, key === undefined ? 'no api key supplied' : STATUS_MESSAGES[401]);
  },
  embeddings: {
    read: (_route, body) => readCohereEmbedInput(body),
    respond: (_route, input, vectors, tokens) => ({
      id: randomUUID(),
      embeddings: { float: vectors },
      texts: input.texts,
      meta: { api_version: { version: '2' }, billed_units: { input_tokens: tokens } },
      response_type: 'embeddings_by_type',
    }),
  },
  readInput: readCohereInput,
  respond: (route, input, reply) =>
    route.operation === 'chat' ? respondChat(input, reply) : respondGenerate(input, reply),
  errorBody: (status) => ({
    message: STATUS_MESSAGES[status] ?? (status >= 500 ? STATUS_MESSAGES[500] : STATUS_MESSAGES[400]),
  }),
};
