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
import { asStringList, unknownField, type MockEmbeddingsApi } from './mock-embeddings.js';
import type { MockReply } from './mock-reply.js';
import { openAiEmbeddingsApi } from './openai.mock-provider.js';

type JsonObject = Readonly<Record<string, unknown>>;

/** Hugging Face's error body: `{"error": "..."}`, with TGI's `error_type` for input errors. */
function huggingfaceError(status: number, error: string, errorType?: string): ProviderErrorReply {
  return new ProviderErrorReply(status, { error, ...(errorType && { error_type: errorType }) });
}

/** TGI's 400 for a body it cannot read into its request type. */
function undecodable(what: string): ProviderErrorReply {
  return huggingfaceError(
    400,
    `Failed to deserialize the JSON body into the target type: ${what}`,
    'validation',
  );
}

/** TGI's 400 for a value its validation refuses. */
function invalid(what: string): ProviderErrorReply {
  return huggingfaceError(400, `Input validation error: ${what}`, 'validation');
}

const NOT_FOUND = huggingfaceError(404, 'Not Found');

const STATUS_ERRORS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Invalid credentials in Authorization header',
  404: 'Not Found',
  429: 'Rate limit reached. You reached free usage limit (reset hourly). Please subscribe to a plan at https://huggingface.co/pricing to use the API at this rate',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const ROUTER_CHAT = '/v1/chat/completions';
const MODEL_CHAT = /^\/models\/(.+)\/v1\/chat\/completions$/;
const MODEL = /^\/models\/(.+)$/;
/** The feature-extraction pipeline: the classic API's and the router's hf-inference path. */
const FEATURE_EXTRACTION = [
  /^\/pipeline\/feature-extraction\/(.+)$/,
  /^\/hf-inference\/models\/(.+)\/pipeline\/feature-extraction$/,
];
/** The router's OpenAI-compatible embeddings route (model in the body). */
const ROUTER_EMBEDDINGS = '/v1/embeddings';

const FEATURE_EXTRACTION_FIELDS = new Set([
  'inputs',
  'normalize',
  'prompt_name',
  'truncate',
  'truncation_direction',
]);

/**
 * The feature-extraction pipeline (`{inputs, normalize?, truncate?, ...}`: one vector for a
 * string, a vector per text for a list, no token counts), and the router's OpenAI-compatible
 * `/v1/embeddings` (OpenAI's API, see `openAiEmbeddingsApi`).
 */
const huggingfaceEmbeddingsApi: MockEmbeddingsApi = {
  read(route, body) {
    if (route.model === undefined) return openAiEmbeddingsApi.read(route, body);
    const request = asJsonObject(body);
    if (request === undefined) return undecodable('expected a JSON object');
    const extra = unknownField(request, FEATURE_EXTRACTION_FIELDS);
    if (extra !== undefined) return undecodable(`unknown field \`${extra}\``);
    const inputs = request.inputs;
    const texts = typeof inputs === 'string' ? [inputs] : asStringList(inputs);
    if (!texts || texts.length === 0) return undecodable('inputs: expected a string or a list of strings');
    return { model: route.model, texts, body: request };
  },
  respond(route, input, vectors, tokens) {
    if (route.model === undefined) return openAiEmbeddingsApi.respond(route, input, vectors, tokens);
    return typeof input.body.inputs === 'string' ? vectors[0] : vectors;
  },
};

/** The classic API's tokens are SSE events written `data:{...}`, without a space (TGI's framing). */
function tgiFrame(data: unknown): string {
  return `data:${JSON.stringify(data)}\n\n`;
}

const TGI_DONE = 'data:[DONE]\n\n';
const STREAM_CONTENT_TYPE = 'text/event-stream';
const SYSTEM_FINGERPRINT = '3.3.4-sha-mock';

/** TGI's event for a generation that fails after the 200 (`streamErrorAfter`). */
const GENERATION_ERROR = {
  error: 'Request failed during generation: Server error: CUDA out of memory. Tried to allocate 2.00 GiB',
  error_type: 'generation',
};

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => asJsonObject(part)?.text)
    .filter((text): text is string => typeof text === 'string')
    .join(' ');
}

/**
 * What TGI's request types refuse in a chat body: a `stop` or `logit_bias` that is no list (both
 * are lists there), a content part that is neither text nor an image URL, a tool whose function
 * has no name or parameters.
 */
function chatBodyProblem(
  request: JsonObject,
  messages: readonly JsonObject[],
): ProviderErrorReply | undefined {
  for (const field of ['stop', 'logit_bias'] as const) {
    const value = request[field];
    if (value !== undefined && value !== null && !Array.isArray(value))
      return undecodable(
        `${field}: invalid type: ${typeof value === 'string' ? 'string' : 'map'}, expected a sequence`,
      );
  }
  for (const [index, message] of messages.entries()) {
    if (!Array.isArray(message.content)) continue;
    for (const part of message.content) {
      const type = asJsonObject(part)?.type;
      if (type !== 'text' && type !== 'image_url')
        return undecodable(
          `messages[${index}].content: unknown variant \`${String(type)}\`, expected \`text\` or \`image_url\``,
        );
    }
  }
  const tools = request.tools;
  if (tools !== undefined && tools !== null) {
    if (!Array.isArray(tools)) return undecodable('tools: invalid type, expected a sequence');
    for (const tool of tools) {
      const fn = asJsonObject(asJsonObject(tool)?.function);
      if (typeof fn?.name !== 'string') return undecodable('tools: missing field `name`');
      if (fn.parameters === undefined) return undecodable('tools: missing field `arguments`');
    }
  }
  return undefined;
}

/** The chat route: OpenAI's body, the model from the path (api-inference) or the body (the router). */
function readChatInput(route: MockRoute, body: unknown): MockInput | ProviderErrorReply {
  const request = asJsonObject(body);
  if (request === undefined) return undecodable('expected a JSON object');
  const model = route.model ?? (typeof request.model === 'string' ? request.model : undefined);
  if (model === undefined) return undecodable('missing field `model`');
  const messages = Array.isArray(request.messages) ? request.messages.map(asJsonObject) : undefined;
  if (!messages || messages.length === 0 || messages.some((message) => typeof message?.role !== 'string'))
    return undecodable('missing field `messages`');
  const present = messages as JsonObject[];
  const problem = chatBodyProblem(request, present);
  if (problem) return problem;
  return {
    model,
    inputs: present.map((message) => textOf(message.content)),
    maxTokens: asNumber(request.max_tokens),
    stream: request.stream === true,
    body: request,
  };
}

/** What TGI's validation refuses in text generation's `parameters`, with its messages. */
function parametersProblem(parameters: JsonObject): ProviderErrorReply | undefined {
  const positive = (name: string) => {
    const value = asNumber(parameters[name]);
    return value !== undefined && value <= 0 ? invalid(`\`${name}\` must be strictly positive`) : undefined;
  };
  const problem = positive('temperature') ?? positive('top_k') ?? positive('max_new_tokens');
  if (problem) return problem;
  const topP = asNumber(parameters.top_p);
  if (topP !== undefined && (topP <= 0 || topP >= 1)) return invalid('`top_p` must be > 0.0 and < 1.0');
  const stop = parameters.stop;
  if (stop !== undefined && stop !== null) {
    if (!Array.isArray(stop))
      return undecodable('parameters.stop: invalid type: string, expected a sequence');
    if (stop.length > 4) return invalid(`\`stop\` supports up to 4 stop sequences. Given: ${stop.length}`);
  }
  return undefined;
}

/** The classic text generation: `{inputs, parameters, options, stream}`. */
function readGenerateInput(route: MockRoute, body: unknown): MockInput | ProviderErrorReply {
  const request = asJsonObject(body);
  if (request === undefined) return undecodable('expected a JSON object');
  if (typeof request.inputs !== 'string') return undecodable('missing field `inputs`');
  if (request.inputs === '') return invalid('`inputs` cannot be empty');
  const parameters = request.parameters === undefined ? {} : asJsonObject(request.parameters);
  if (parameters === undefined) return undecodable('parameters: invalid type, expected a map');
  const problem = parametersProblem(parameters);
  if (problem) return problem;
  return {
    model: route.model,
    inputs: [request.inputs],
    maxTokens: asNumber(parameters.max_new_tokens),
    stream: request.stream === true,
    body: request,
  };
}

/**
 * The tokens a generation produced: the reply's pieces, then the special end-of-sequence token
 * `</s>` unless the length limit cut the reply short (TGI counts it in `generated_tokens`).
 */
function generatedTokens(reply: MockReply): { text: string; special: boolean }[] {
  const tokens = reply.pieces.map((text) => ({ text, special: false }));
  return reply.truncated ? tokens : [...tokens, { text: '</s>', special: true }];
}

/**
 * Text generation: `[{generated_text, details?}]`, the prompt first unless `return_full_text` is
 * false (the classic API's default is true), `details` only when asked; streamed as TGI's token
 * events (`data:{...}`, no `[DONE]`), the last one with the whole `generated_text` and, when
 * asked, `details` with `input_length`.
 */
function respondGenerate(input: MockInput, reply: MockReply): MockResponse {
  const parameters = asJsonObject(input.body.parameters) ?? {};
  const withDetails = parameters.details === true;
  const prompt = parameters.return_full_text === false ? '' : input.inputs[0]!;
  const tokens = generatedTokens(reply);
  const finishReason = reply.truncated ? 'length' : 'eos_token';
  const token = (text: string, special: boolean, index: number) => ({
    id: 1000 + index,
    text,
    logprob: -0.25,
    special,
  });
  if (!input.stream) {
    const details = {
      finish_reason: finishReason,
      generated_tokens: tokens.length,
      seed: null,
      prefill: [],
      tokens: tokens.map((entry, index) => token(entry.text, entry.special, index)),
    };
    return {
      kind: 'json',
      body: [{ generated_text: prompt + reply.text, ...(withDetails && { details }) }],
    };
  }
  const last = tokens.length - 1;
  const frames = tokens.map((entry, index) =>
    tgiFrame({
      index: index + 1,
      token: token(entry.text, entry.special, index),
      generated_text: index === last ? prompt + reply.text : null,
      details:
        index === last && withDetails
          ? {
              finish_reason: finishReason,
              generated_tokens: tokens.length,
              seed: null,
              input_length: reply.promptTokens,
            }
          : null,
    }),
  );
  return { kind: 'stream', contentType: STREAM_CONTENT_TYPE, frames };
}

/**
 * The chat route, as TGI 3 answers: `chat.completion` with an empty `id`, finish reason `stop`
 * (TGI says `stop` for an answer that calls tools too) or `length`, usage; tool calls when the
 * behaviour calls tools and the request declares tools. Streamed as `data:{...}` chunks (tool
 * calls as OpenAI's deltas), the usage chunk when `stream_options.include_usage`, `[DONE]`.
 */
function respondChat(input: MockInput, reply: MockReply): MockResponse {
  const tools = Array.isArray(input.body.tools) && input.body.tools.length > 0;
  const calls = tools ? reply.toolCalls : [];
  const finishReason = reply.truncated ? 'length' : 'stop';
  const envelope = {
    id: '',
    created: Math.floor(Date.now() / 1000),
    model: input.model ?? '',
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
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
    const message =
      toolCalls.length > 0
        ? { role: 'assistant', content: reply.text === '' ? null : reply.text, tool_calls: toolCalls }
        : { role: 'assistant', content: reply.text };
    return {
      kind: 'json',
      body: {
        object: 'chat.completion',
        ...envelope,
        choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
        usage,
      },
    };
  }
  const includeUsage = asJsonObject(input.body.stream_options)?.include_usage === true;
  const chunk = (delta: object, finish: string | null = null) =>
    tgiFrame({
      object: 'chat.completion.chunk',
      ...envelope,
      choices: [{ index: 0, delta: { role: 'assistant', ...delta }, logprobs: null, finish_reason: finish }],
      usage: null,
    });
  const frames = [
    ...reply.pieces.map((piece) => chunk({ content: piece })),
    ...calls.flatMap((call, index) => [
      chunk({
        tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
      }),
      ...call.argumentPieces.map((piece) =>
        chunk({ tool_calls: [{ index, function: { arguments: piece } }] }),
      ),
    ]),
    chunk({ content: '' }, finishReason),
  ];
  if (includeUsage)
    frames.push(tgiFrame({ object: 'chat.completion.chunk', ...envelope, choices: [], usage }));
  frames.push(TGI_DONE);
  return { kind: 'stream', contentType: STREAM_CONTENT_TYPE, frames };
}

/**
 * Hugging Face: the classic Inference API's text generation on `POST /models/{model}`
 * (`{inputs, parameters, options}`, TGI's validation and token stream), its OpenAI-compatible
 * chat route on `/models/{model}/v1/chat/completions`, and the router's `/v1/chat/completions`
 * (model in the body). `Authorization: Bearer <token>`: none or a malformed one is "Invalid
 * credentials in Authorization header", a wrong one "Authorization header is correct, but the
 * token seems invalid" (both 401). A loading model (`modelLoadingSeconds`) answers 503 with
 * `estimated_time` unless the request waits for it (`x-wait-for-model: true`, or
 * `options.wait_for_model` in a classic body). Embeddings: the feature-extraction pipeline
 * (`/pipeline/feature-extraction/{model}`, the router's `/hf-inference/models/{model}/pipeline/feature-extraction`)
 * and the router's `/v1/embeddings`.
 */
export const huggingfaceMockProvider: MockProviderDefinition = {
  id: 'huggingface',
  route(method, url) {
    if (method !== 'POST') return NOT_FOUND;
    if (url.pathname === ROUTER_CHAT) return { operation: 'chat' };
    if (url.pathname === ROUTER_EMBEDDINGS) return { operation: 'embeddings' };
    for (const path of FEATURE_EXTRACTION) {
      const match = path.exec(url.pathname);
      if (match) return { operation: 'embeddings', model: decodeURIComponent(match[1]!) };
    }
    const chat = MODEL_CHAT.exec(url.pathname);
    if (chat) return { operation: 'chat', model: decodeURIComponent(chat[1]!) };
    const model = MODEL.exec(url.pathname);
    return model ? { operation: 'completions', model: decodeURIComponent(model[1]!) } : NOT_FOUND;
  },
  authorize(headers, apiKey) {
    const token = bearerToken(headers);
    if (token === undefined || token === '') return huggingfaceError(401, STATUS_ERRORS[401]!);
    return token === apiKey
      ? undefined
      : huggingfaceError(401, 'Authorization header is correct, but the token seems invalid');
  },
  embeddings: huggingfaceEmbeddingsApi,
  readInput: (route, body) =>
    route.operation === 'chat' ? readChatInput(route, body) : readGenerateInput(route, body),
  respond: (route, input, reply) =>
    route.operation === 'chat' ? respondChat(input, reply) : respondGenerate(input, reply),
  errorBody: (status) => ({
    error: STATUS_ERRORS[status] ?? (status >= 500 ? STATUS_ERRORS[500] : 'Bad Request'),
  }),
  streamErrorFrame: () => tgiFrame(GENERATION_ERROR),
  modelLoading(input, headers, estimatedSeconds) {
    const waits =
      headers['x-wait-for-model'] === 'true' || asJsonObject(input.body.options)?.wait_for_model === true;
    if (waits) return undefined;
    return new ProviderErrorReply(503, {
      error: `Model ${input.model ?? ''} is currently loading`,
      estimated_time: estimatedSeconds,
    });
  },
};
