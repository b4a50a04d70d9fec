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
import { asStringList, base64Embedding, unknownField, type MockEmbeddingsApi } from './mock-embeddings.js';
import type { MockReply } from './mock-reply.js';
import { pieceFrames, SSE_DONE, sseFrame } from './stream-frames.js';
import { readResponsesInput, respondResponses } from './openai-responses.mock.js';

/** How a dialect of the OpenAI wire format differs from api.openai.com. */
export interface OpenAiDialect {
  /** Azure annotates prompts and choices with content-filter results, and opens streams with a prompt-filter chunk. */
  readonly contentFilter: boolean;
}

/** OpenAI's error envelope: `{"error":{"message","type","param","code"}}`. */
export function openAiError(
  message: string,
  type: string,
  param: string | null,
  code: string | null,
): unknown {
  return { error: { message, type, param, code } };
}

const STATUS_ERRORS: Readonly<Record<number, readonly [message: string, type: string, code: string | null]>> =
  {
    400: ['Invalid request.', 'invalid_request_error', null],
    429: ['Rate limit reached for requests. Please try again in 1s.', 'requests', 'rate_limit_exceeded'],
    500: ['The server had an error while processing your request. Sorry about that!', 'server_error', null],
    503: ['The engine is currently overloaded, please try again later.', 'server_error', null],
  };

/** OpenAI's error body for a bare status. */
export function openAiErrorBody(status: number): unknown {
  const [message, type, code] =
    STATUS_ERRORS[status] ??
    (status >= 500 ? STATUS_ERRORS[500] : ['Invalid request.', 'invalid_request_error', null]);
  return openAiError(message, type, null, code);
}

const UNPARSEABLE_BODY =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. " +
  'The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)';

function missingParameter(name: string): ProviderErrorReply {
  return new ProviderErrorReply(
    400,
    openAiError(
      `Missing required parameter: '${name}'.`,
      'invalid_request_error',
      name,
      'missing_required_parameter',
    ),
  );
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => asJsonObject(part)?.text)
    .filter((text): text is string => typeof text === 'string')
    .join(' ');
}

/**
 * Reads an OpenAI chat or completions body.
 * @param defaultModel the model when the body names none (Azure: the deployment); without it a model is required
 */
export function readOpenAiInput(
  route: MockRoute,
  body: unknown,
  defaultModel?: string,
): MockInput | ProviderErrorReply {
  const unparseable = new ProviderErrorReply(
    400,
    openAiError(UNPARSEABLE_BODY, 'invalid_request_error', null, null),
  );
  // The Responses API names its model (Azure: the deployment) in the body.
  if (route.responsesApi) return readResponsesInput(body, openAiError, unparseable);
  const request = asJsonObject(body);
  if (request === undefined) return unparseable;
  const model = typeof request.model === 'string' ? request.model : defaultModel;
  if (model === undefined) {
    return new ProviderErrorReply(
      400,
      openAiError('you must provide a model parameter', 'invalid_request_error', null, null),
    );
  }
  let inputs: string[];
  if (route.operation === 'chat') {
    if (!Array.isArray(request.messages)) return missingParameter('messages');
    inputs = request.messages.map((message) => contentText(asJsonObject(message)?.content));
  } else {
    const prompt = request.prompt;
    if (typeof prompt !== 'string' && !Array.isArray(prompt)) return missingParameter('prompt');
    inputs =
      typeof prompt === 'string'
        ? [prompt]
        : prompt.filter((text): text is string => typeof text === 'string');
  }
  return {
    model,
    inputs,
    maxTokens: asNumber(request.max_completion_tokens) ?? asNumber(request.max_tokens),
    stream: request.stream === true,
    body: request,
  };
}

const SAFE = { filtered: false, severity: 'safe' } as const;
const CONTENT_FILTER_SAFE = { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE } as const;
const PROMPT_FILTER_RESULTS = [{ prompt_index: 0, content_filter_results: CONTENT_FILTER_SAFE }] as const;

/** The stream chunk Azure sends first: no id, no model, no choices, only the prompt's filter results. */
const PROMPT_FILTER_CHUNK = sseFrame({
  choices: [],
  created: 0,
  id: '',
  model: '',
  object: '',
  prompt_filter_results: PROMPT_FILTER_RESULTS,
});

/**
 * The reply builder of the OpenAI wire format, for api.openai.com or a dialect of it.
 * Chat: `chat.completion`, or `chat.completion.chunk` SSE events (role chunk, one content chunk per
 * piece, each tool call's opening delta and argument pieces, finish chunk, usage chunk when
 * `stream_options.include_usage`, `[DONE]`).
 * Completions: `text_completion`, streamed the same way without the role chunk.
 */
export function openAiResponder(dialect: OpenAiDialect): MockProviderDefinition['respond'] {
  const filter = (results: object) => (dialect.contentFilter ? { content_filter_results: results } : {});
  const promptFilter = dialect.contentFilter ? { prompt_filter_results: PROMPT_FILTER_RESULTS } : {};

  return (route: MockRoute, input: MockInput, reply: MockReply): MockResponse => {
    if (route.responsesApi) return respondResponses(input, reply);
    const chat = route.operation === 'chat';
    const id = `${chat ? 'chatcmpl' : 'cmpl'}-${randomUUID().replaceAll('-', '')}`;
    const created = Math.floor(Date.now() / 1000);
    const calls = chat ? reply.toolCalls : [];
    const finishReason = reply.truncated ? 'length' : calls.length > 0 ? 'tool_calls' : 'stop';
    const usage = {
      prompt_tokens: reply.promptTokens,
      completion_tokens: reply.completionTokens,
      total_tokens: reply.promptTokens + reply.completionTokens,
    };

    if (!input.stream) {
      const toolCalls = calls.map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: call.arguments },
      }));
      const choice = chat
        ? {
            index: 0,
            message: {
              role: 'assistant',
              content: reply.text === '' && toolCalls.length > 0 ? null : reply.text,
              refusal: null,
              annotations: [],
              ...(toolCalls.length > 0 && { tool_calls: toolCalls }),
            },
            logprobs: null,
          }
        : { index: 0, text: reply.text, logprobs: null };
      return {
        kind: 'json',
        body: {
          id,
          object: chat ? 'chat.completion' : 'text_completion',
          created,
          model: input.model ?? '',
          choices: [{ ...choice, finish_reason: finishReason, ...filter(CONTENT_FILTER_SAFE) }],
          usage,
          system_fingerprint: null,
          ...promptFilter,
        },
      };
    }

    // With include_usage every chunk carries `usage`: null, and a last chunk with empty choices carries the counts.
    const includeUsage = asJsonObject(input.body.stream_options)?.include_usage === true;
    const envelope = {
      id,
      object: chat ? 'chat.completion.chunk' : 'text_completion',
      created,
      model: input.model ?? '',
      system_fingerprint: null,
    };
    const nullUsage = includeUsage ? { usage: null } : {};
    const chunk = (choice: object, results: object) => ({
      ...envelope,
      choices: [{ index: 0, ...choice, logprobs: null, ...filter(results) }],
      ...nullUsage,
    });
    const text = (piece: string) => (chat ? { delta: { content: piece } } : { text: piece });

    const frames: string[] = [];
    if (dialect.contentFilter) frames.push(PROMPT_FILTER_CHUNK);
    if (chat)
      frames.push(
        sseFrame(
          chunk({ delta: { role: 'assistant', content: '', refusal: null }, finish_reason: null }, {}),
        ),
      );
    frames.push(
      ...pieceFrames(
        sseFrame,
        (piece) => chunk({ ...text(piece), finish_reason: null }, CONTENT_FILTER_SAFE),
        reply.pieces,
      ),
    );
    calls.forEach((call, index) => {
      const delta = (toolCall: object) =>
        chunk({ delta: { tool_calls: [{ index, ...toolCall }] }, finish_reason: null }, {});
      frames.push(
        sseFrame(delta({ id: call.id, type: 'function', function: { name: call.name, arguments: '' } })),
        ...call.argumentPieces.map((piece) => sseFrame(delta({ function: { arguments: piece } }))),
      );
    });
    frames.push(
      sseFrame(chunk({ ...(chat ? { delta: {} } : { text: '' }), finish_reason: finishReason }, {})),
    );
    if (includeUsage) frames.push(sseFrame({ ...envelope, choices: [], usage }));
    frames.push(SSE_DONE);
    return { kind: 'stream', contentType: 'text/event-stream; charset=utf-8', frames };
  };
}

/** Shows a key the way OpenAI's 401 does: short keys whole, long ones with the middle starred out. */
function maskKey(key: string): string {
  return key.length <= 8 ? key : `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}`;
}

const NO_KEY =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth " +
  "(i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API " +
  'from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.';

const ROUTES: Readonly<Record<string, MockRoute>> = {
  '/v1/chat/completions': { operation: 'chat' },
  '/v1/completions': { operation: 'completions' },
  '/v1/responses': { operation: 'chat', responsesApi: true },
  '/v1/embeddings': { operation: 'embeddings' },
};

/** The fields of OpenAI's `POST /v1/embeddings`; any other is refused. */
const EMBEDDINGS_FIELDS = new Set(['model', 'input', 'dimensions', 'encoding_format', 'user']);

function invalidRequest(message: string, param: string | null = null): ProviderErrorReply {
  return new ProviderErrorReply(400, openAiError(message, 'invalid_request_error', param, null));
}

function isTokenList(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((item) => Number.isInteger(item));
}

/**
 * The inputs of an embeddings `input` as texts (a token-id list as its ids joined by spaces), or
 * `undefined` when it is none of OpenAI's four shapes (empty strings and lists included).
 */
function embeddingInputs(input: unknown): string[] | undefined {
  if (typeof input === 'string') return input === '' ? undefined : [input];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  const texts = asStringList(input);
  if (texts) return texts.includes('') ? undefined : texts;
  if (isTokenList(input)) return [input.join(' ')];
  return input.every(isTokenList) ? input.map((tokens) => tokens.join(' ')) : undefined;
}

/**
 * OpenAI's embeddings API (Azure's deployments alike, whose model defaults to the deployment):
 * text or token-id input, `dimensions` for the text-embedding-3 models only, floats or
 * (`encoding_format: base64`) base64 float32 bytes, `usage` with prompt and total tokens.
 */
export const openAiEmbeddingsApi: MockEmbeddingsApi = {
  read(route, body) {
    const request = asJsonObject(body);
    if (request === undefined) return invalidRequest(UNPARSEABLE_BODY);
    const extra = unknownField(request, EMBEDDINGS_FIELDS);
    if (extra !== undefined) return invalidRequest(`Unrecognized request argument supplied: ${extra}`);
    const model = typeof request.model === 'string' ? request.model : route.deployment;
    if (model === undefined) return invalidRequest('you must provide a model parameter');
    if (request.input === undefined) return missingParameter('input');
    const texts = embeddingInputs(request.input);
    if (!texts)
      return invalidRequest(
        "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
        'input',
      );
    const dimensions = asNumber(request.dimensions);
    if (dimensions !== undefined && !model.startsWith('text-embedding-3'))
      return invalidRequest('This model does not support specifying dimensions.', 'dimensions');
    const encoding = request.encoding_format;
    if (encoding !== undefined && encoding !== 'float' && encoding !== 'base64')
      return invalidRequest(
        `'${String(encoding)}' is not one of ['float', 'base64'] - 'encoding_format'`,
        'encoding_format',
      );
    return { model, texts, dimensions, body: request };
  },
  respond(_route, input, vectors, tokens) {
    const base64 = input.body.encoding_format === 'base64';
    return {
      object: 'list',
      data: vectors.map((vector, index) => ({
        object: 'embedding',
        index,
        embedding: base64 ? base64Embedding(vector) : vector,
      })),
      model: input.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    };
  },
};

/**
 * api.openai.com: `POST /v1/chat/completions`, `/v1/completions`, `/v1/embeddings` and `/v1/responses`,
 * `Authorization: Bearer <key>`; `streamErrorAfter` ends a stream with OpenAI's error chunk.
 */
export const openAiMockProvider: MockProviderDefinition = {
  id: 'openai',
  route(method, url) {
    const route = method === 'POST' ? ROUTES[url.pathname] : undefined;
    return (
      route ??
      new ProviderErrorReply(
        404,
        openAiError(
          `Unknown request URL: ${method} ${url.pathname}. Please check the URL for typos, or see the docs at https://platform.openai.com/docs/api-reference/.`,
          'invalid_request_error',
          null,
          'unknown_url',
        ),
      )
    );
  },
  authorize(headers, apiKey) {
    const key = bearerToken(headers);
    if (key === apiKey) return undefined;
    const message =
      key === undefined || key === ''
        ? NO_KEY
        : `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`;
    return new ProviderErrorReply(
      401,
      openAiError(
        message,
        'invalid_request_error',
        null,
        key === undefined || key === '' ? null : 'invalid_api_key',
      ),
    );
  },
  embeddings: openAiEmbeddingsApi,
  readInput: (route, body) => readOpenAiInput(route, body),
  respond: openAiResponder({ contentFilter: false }),
  errorBody: openAiErrorBody,
  // What api.openai.com sends when a generation fails after the 200: an error chunk, then nothing.
  streamErrorFrame: () =>
    sseFrame(
      openAiError(
        'The server had an error while processing your request. Sorry about that!',
        'server_error',
        null,
        null,
      ),
    ),
};
