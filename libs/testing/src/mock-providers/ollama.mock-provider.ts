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
import { asStringList, type MockEmbeddingsApi } from './mock-embeddings.js';
import type { MockReply } from './mock-reply.js';
import { ndjsonFrame, pieceFrames } from './stream-frames.js';

/** Ollama's error body: `{"error": "<message>"}`. */
function ollamaError(message: string): unknown {
  return { error: message };
}

const STATUS_MESSAGES: Readonly<Record<number, string>> = {
  400: 'invalid request',
  401: 'unauthorized',
  404: 'model "mistral" not found, try pulling it first',
  500: 'an error was encountered while running the model',
};

const ROUTES: Readonly<Record<string, MockRoute>> = {
  '/api/chat': { operation: 'chat' },
  '/api/generate': { operation: 'completions' },
  '/api/embed': { operation: 'embeddings' },
};

/**
 * `/api/embed`: a `model` and an `input` (a string or a list of strings) required, `dimensions`
 * optional; the answer's `embeddings` (one per text) and `prompt_eval_count`.
 */
const ollamaEmbeddingsApi: MockEmbeddingsApi = {
  read(_route, body) {
    const request = asJsonObject(body);
    if (request === undefined) return badRequest('invalid character looking for beginning of value');
    if (typeof request.model !== 'string' || request.model === '') return badRequest('model is required');
    const input = request.input;
    const texts = typeof input === 'string' ? [input] : asStringList(input);
    if (!texts) return badRequest('invalid input type');
    return { model: request.model, texts, dimensions: asNumber(request.dimensions), body: request };
  },
  respond: (_route, input, vectors, tokens) => ({
    model: input.model,
    embeddings: vectors,
    total_duration: 14143917,
    load_duration: 1019500,
    prompt_eval_count: tokens,
  }),
};

const badRequest = (message: string) => new ProviderErrorReply(400, ollamaError(message));

/** What Go's decoder says of tool-call arguments that are not an object (Ollama takes them as one). */
const ARGUMENTS_NOT_AN_OBJECT =
  'json: cannot unmarshal string into Go struct field ToolCallFunction.messages.tool_calls.function.arguments of type api.ToolCallFunctionArguments';

/** The first message with tool calls whose arguments are not a JSON object, as Ollama's decoder refuses it. */
function badArguments(messages: readonly unknown[]): boolean {
  return messages.some((message) => {
    const calls = asJsonObject(message)?.tool_calls;
    return (
      Array.isArray(calls) &&
      calls.some((call) => asJsonObject(asJsonObject(asJsonObject(call)?.function)?.arguments) === undefined)
    );
  });
}

/**
 * Reads a body as an Ollama server does: a `model` is required; `format` is `"json"` or a JSON
 * schema; tool-call arguments and `options` are objects (Go's decoder refuses anything else);
 * unknown fields are ignored, as Go ignores them.
 */
function readInput(route: MockRoute, body: unknown): MockInput | ProviderErrorReply {
  const request = asJsonObject(body);
  if (request === undefined) return badRequest('invalid character looking for beginning of value');
  if (typeof request.model !== 'string' || request.model === '') return badRequest('model is required');
  const format = request.format;
  if (format !== undefined && format !== '' && format !== 'json' && asJsonObject(format) === undefined)
    return badRequest('invalid format: expected "json" or a valid JSON schema');
  if (request.options !== undefined && asJsonObject(request.options) === undefined)
    return badRequest(
      'json: cannot unmarshal into Go struct field ChatRequest.options of type map[string]interface {}',
    );
  let inputs: string[];
  if (route.operation === 'chat') {
    const messages = Array.isArray(request.messages) ? request.messages : [];
    if (badArguments(messages)) return badRequest(ARGUMENTS_NOT_AN_OBJECT);
    inputs = messages.map((message) => String(asJsonObject(message)?.content ?? ''));
  } else {
    inputs = [request.system, request.prompt].filter((text): text is string => typeof text === 'string');
  }
  return {
    model: request.model,
    inputs,
    maxTokens: asNumber(asJsonObject(request.options)?.num_predict),
    // Ollama streams unless told not to.
    stream: request.stream !== false,
    body: request,
  };
}

/** `created_at` as Ollama writes it: RFC 3339 with nanoseconds, different for every line. */
function createdAt(): string {
  const nanos = String(process.hrtime.bigint() % 1_000_000n).padStart(6, '0');
  return new Date().toISOString().replace('Z', `${nanos}Z`);
}

/**
 * `/api/chat`: a message with `tool_calls` (`{function: {index, name, arguments}}`, arguments as
 * an object, no id) when the request declares tools and the behaviour calls them; `/api/generate`:
 * `response` and `context`. Both close with `done`, `done_reason` and the counts
 * (`prompt_eval_count`, `eval_count`, durations). Streams are NDJSON: one line per piece, one
 * line per tool call, then the `done` line.
 */
function respond(route: MockRoute, input: MockInput, reply: MockReply): MockResponse {
  const chat = route.operation === 'chat';
  const model = input.model ?? '';
  const calls =
    chat && Array.isArray(input.body.tools) && input.body.tools.length > 0
      ? reply.toolCalls.map((call, index) => ({
          function: { index, name: call.name, arguments: JSON.parse(call.arguments) as unknown },
        }))
      : [];
  const stats = {
    total_duration: 4883583458,
    load_duration: 1334875,
    prompt_eval_count: reply.promptTokens,
    prompt_eval_duration: 342546000,
    eval_count: reply.completionTokens,
    eval_duration: 4535599000,
  };
  const doneReason = reply.truncated ? 'length' : 'stop';
  const content = (text: string, toolCalls: readonly object[] = []) =>
    chat
      ? {
          message: {
            role: 'assistant',
            content: text,
            ...(toolCalls.length > 0 && { tool_calls: toolCalls }),
          },
        }
      : { response: text };
  const closing = { done: true, done_reason: doneReason, ...(!chat && { context: [1, 2, 3] }), ...stats };

  if (!input.stream)
    return {
      kind: 'json',
      body: { model, created_at: createdAt(), ...content(reply.text, calls), ...closing },
    };
  return {
    kind: 'stream',
    contentType: 'application/x-ndjson',
    frames: [
      ...pieceFrames(
        ndjsonFrame,
        (text) => ({ model, created_at: createdAt(), ...content(text), done: false }),
        reply.pieces,
      ),
      ...calls.map((call) =>
        ndjsonFrame({ model, created_at: createdAt(), ...content('', [call]), done: false }),
      ),
      ndjsonFrame({ model, created_at: createdAt(), ...content(''), ...closing }),
    ],
  };
}

/**
 * An Ollama server (`POST /api/chat`, `/api/generate`, `/api/embed`) behind a key (as ollama.com, or a server
 * behind a proxy): `Authorization: Bearer <key>`. Errors are `{"error": "..."}`; a model that
 * fails while it streams (`streamErrorAfter`) sends an `{"error": ...}` line.
 */
export const ollamaMockProvider: MockProviderDefinition = {
  id: 'ollama',
  route(method, url) {
    return (
      (method === 'POST' ? ROUTES[url.pathname] : undefined) ??
      new ProviderErrorReply(404, '404 page not found')
    );
  },
  authorize(headers, apiKey) {
    return bearerToken(headers) === apiKey
      ? undefined
      : new ProviderErrorReply(401, ollamaError('unauthorized'));
  },
  embeddings: ollamaEmbeddingsApi,
  readInput,
  respond,
  errorBody: (status) =>
    ollamaError(STATUS_MESSAGES[status] ?? (status >= 500 ? STATUS_MESSAGES[500]! : 'invalid request')),
  streamErrorFrame: () =>
    ndjsonFrame(ollamaError('an error was encountered while running the model: unexpected EOF')),
};
