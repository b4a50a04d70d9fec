import { randomBytes } from 'node:crypto';
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
import type { MockEmbeddingsApi, MockEmbeddingsInput } from './mock-embeddings.js';
import type { MockProviderBehaviour } from './mock-provider.types.js';
import { countWords, type MockReply } from './mock-reply.js';

type JsonObject = Readonly<Record<string, unknown>>;

/** Google's error envelope: `{"error":{"code","message","status"}}`. */
export function googleError(code: number, status: string, message: string): ProviderErrorReply {
  return new ProviderErrorReply(code, { error: { code, message, status } });
}

function invalidArgument(message: string): ProviderErrorReply {
  return googleError(400, 'INVALID_ARGUMENT', message);
}

/** Google's answer to a member it does not know, which every Google API gives (proto JSON parsing). */
function unknownName(name: string, at: string): ProviderErrorReply {
  const where = at === '' ? '' : ` at '${at}'`;
  return invalidArgument(`Invalid JSON payload received. Unknown name "${name}"${where}: Cannot find field.`);
}

/** Google's status name and message for a bare HTTP status. */
const STATUS_ERRORS: Readonly<Record<number, readonly [status: string, message: string]>> = {
  400: ['INVALID_ARGUMENT', 'Request contains an invalid argument.'],
  401: ['UNAUTHENTICATED', 'Request had invalid authentication credentials.'],
  403: ['PERMISSION_DENIED', 'The caller does not have permission'],
  404: ['NOT_FOUND', 'Requested entity was not found.'],
  429: ['RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).'],
  500: [
    'INTERNAL',
    'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  ],
  503: ['UNAVAILABLE', 'The model is overloaded. Please try again later.'],
  504: ['DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.'],
};

function errorBodyFor(code: number): unknown {
  const [status, message] = STATUS_ERRORS[code] ?? (code >= 500 ? STATUS_ERRORS[500] : STATUS_ERRORS[400]);
  return { error: { code, message, status } };
}

const UNAUTHENTICATED = googleError(
  401,
  'UNAUTHENTICATED',
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
);
const NO_API_KEY = googleError(
  403,
  'PERMISSION_DENIED',
  "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
);
const INVALID_API_KEY = invalidArgument('API key not valid. Please pass a valid API key.');

/** How each operation streams: `:streamGenerateContent` always, whatever the body says. */
const OPERATIONS: Readonly<Record<string, MockRoute['streaming']>> = {
  generateContent: 'never',
  streamGenerateContent: 'always',
};

/** `/v1beta/models/{model}:{operation}` (the Gemini API, also `/v1`) and Vertex AI's publisher model path. */
const GEMINI_PATH = /^\/v1(?:beta)?\/models\/([^/:]+):([A-Za-z]+)$/;
const VERTEX_PATH =
  /^\/v1\/projects\/[^/]+\/locations\/[^/]+\/publishers\/google\/models\/([^/:]+):([A-Za-z]+)$/;

/** The embeddings method of each API: the Gemini API's batch call, Vertex AI's `predict`. */
const EMBEDDINGS_OPERATIONS = { gemini: 'batchEmbedContents', vertex: 'predict' } as const;

function route(method: string, url: URL): MockRoute | ProviderErrorReply {
  const gemini = GEMINI_PATH.exec(url.pathname);
  const vertex = gemini ? undefined : VERTEX_PATH.exec(url.pathname);
  const match = gemini ?? vertex;
  if (method === 'POST' && match && match[2] === EMBEDDINGS_OPERATIONS[gemini ? 'gemini' : 'vertex'])
    return { operation: 'embeddings', model: decodeURIComponent(match[1]), oauthOnly: vertex !== undefined };
  const streaming = match ? OPERATIONS[match[2]] : undefined;
  if (method !== 'POST' || !match || streaming === undefined)
    return googleError(404, 'NOT_FOUND', `The requested URL ${url.pathname} was not found on this server.`);
  return {
    operation: 'chat',
    model: decodeURIComponent(match[1]),
    streaming,
    sse: url.searchParams.get('alt') === 'sse',
    oauthOnly: vertex !== undefined,
  };
}

/** The request's top-level members, by API (proto JSON takes camelCase and snake_case names alike). */
const REQUEST_FIELDS = new Set([
  'model',
  'contents',
  'systemInstruction',
  'tools',
  'toolConfig',
  'safetySettings',
  'generationConfig',
  'cachedContent',
]);
const VERTEX_ONLY_FIELDS = new Set(['labels']);
const GENERATION_FIELDS = new Set([
  'stopSequences',
  'responseMimeType',
  'responseSchema',
  'responseJsonSchema',
  'candidateCount',
  'maxOutputTokens',
  'temperature',
  'topP',
  'topK',
  'seed',
  'presencePenalty',
  'frequencyPenalty',
  'responseLogprobs',
  'logprobs',
  'thinkingConfig',
  'responseModalities',
  'mediaResolution',
]);
const PART_FIELDS = new Set([
  'text',
  'inlineData',
  'fileData',
  'functionCall',
  'functionResponse',
  'thought',
  'thoughtSignature',
]);
/** The members of Gemini's `Schema` (an OpenAPI 3.0 subset): JSON Schema's others are unknown names. */
const SCHEMA_FIELDS = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'items',
  'minItems',
  'maxItems',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'default',
  'minimum',
  'maximum',
  'anyOf',
  'propertyOrdering',
]);
const SCHEMA_TYPES = new Set(['STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT', 'NULL']);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** `system_instruction` → `systemInstruction`. */
function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

function unknownMember(
  object: JsonObject,
  known: ReadonlySet<string>,
  at: string,
): ProviderErrorReply | undefined {
  const unknown = Object.keys(object).find((name) => !known.has(camel(name)));
  return unknown === undefined ? undefined : unknownName(unknown, at);
}

function member(object: JsonObject, name: string): unknown {
  return object[name] ?? object[name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)];
}

function objectsOf(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.map((item) => asJsonObject(item) ?? {}) : [];
}

/** Gemini's checks of a `Schema` (function parameters, response schemas): its own members only, OBJECT with properties. */
function checkSchema(schema: unknown, at: string): ProviderErrorReply | undefined {
  const node = asJsonObject(schema);
  if (!node) return invalidArgument(`Invalid value at '${at}', must be an object`);
  const unknown = unknownMember(node, SCHEMA_FIELDS, at);
  if (unknown) return unknown;
  const type = typeof node.type === 'string' ? node.type.toUpperCase() : undefined;
  if (node.type !== undefined && (type === undefined || !SCHEMA_TYPES.has(type)))
    return invalidArgument(
      `Invalid value at '${at}.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), ${JSON.stringify(node.type)}`,
    );
  const properties = asJsonObject(node.properties);
  if (type === 'OBJECT' && (!properties || Object.keys(properties).length === 0) && node.anyOf === undefined)
    return invalidArgument(`* GenerateContentRequest.${at}.properties: should be non-empty for OBJECT type`);
  if (
    node.enum !== undefined &&
    !(Array.isArray(node.enum) && node.enum.every((value) => typeof value === 'string'))
  )
    return invalidArgument(`Invalid value at '${at}.enum', must be a list of strings`);
  for (const [name, child] of Object.entries(properties ?? {})) {
    const broken = checkSchema(child, `${at}.properties[${JSON.stringify(name)}].value`);
    if (broken) return broken;
  }
  if (node.items !== undefined) return checkSchema(node.items, `${at}.items`);
  for (const [index, alternative] of (Array.isArray(node.anyOf) ? node.anyOf : []).entries()) {
    const broken = checkSchema(alternative, `${at}.any_of[${index}]`);
    if (broken) return broken;
  }
  return undefined;
}

function checkTools(tools: unknown): ProviderErrorReply | undefined {
  for (const [toolIndex, tool] of objectsOf(tools).entries()) {
    for (const [index, declaration] of objectsOf(member(tool, 'functionDeclarations')).entries()) {
      const at = `tools[${toolIndex}].function_declarations[${index}]`;
      const unknown = unknownMember(
        declaration,
        new Set(['name', 'description', 'parameters', 'parametersJsonSchema', 'response']),
        at,
      );
      if (unknown) return unknown;
      if (typeof declaration.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/.test(declaration.name))
        return invalidArgument(
          `* GenerateContentRequest.${at}.name: Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:) or dashes (-), with a maximum length of 128.`,
        );
      if (declaration.parameters !== undefined) {
        const broken = checkSchema(declaration.parameters, `${at}.parameters`);
        if (broken) return broken;
      }
    }
  }
  return undefined;
}

function checkPart(part: JsonObject, at: string): ProviderErrorReply | undefined {
  const unknown = unknownMember(part, PART_FIELDS, at);
  if (unknown) return unknown;
  const data = Object.keys(part).filter(
    (name) => camel(name) !== 'thought' && camel(name) !== 'thoughtSignature',
  );
  if (data.length !== 1)
    return invalidArgument(
      `* GenerateContentRequest.${at}.data: required oneof field 'data' must have one initialized field`,
    );
  if (part.text === '')
    return invalidArgument(
      'Unable to submit request because it has an empty text parameter. Add a value to the parameter and try again.',
    );
  const inline = asJsonObject(member(part, 'inlineData'));
  if (
    inline &&
    (typeof member(inline, 'mimeType') !== 'string' ||
      typeof inline.data !== 'string' ||
      !BASE64.test(inline.data))
  )
    return invalidArgument(`Invalid value at '${at}.inline_data.data' (TYPE_BYTES), Base64 decoding failed`);
  const file = asJsonObject(member(part, 'fileData'));
  if (file && typeof member(file, 'fileUri') !== 'string')
    return invalidArgument(`* GenerateContentRequest.${at}.file_data.file_uri: file_uri must be set`);
  return undefined;
}

/** The texts of a turn's parts: their words are prompt tokens. */
function partTexts(parts: readonly JsonObject[]): string[] {
  return parts.flatMap((part) => (typeof part.text === 'string' ? [part.text] : []));
}

/**
 * Gemini's conversation rules: roles `user` and `model`, parts that are valid, a function call
 * turn right after a user turn (or a function response turn), and as many function responses
 * in the next turn as the calls it answers.
 */
function checkContents(contents: readonly JsonObject[]): ProviderErrorReply | undefined {
  for (const [index, content] of contents.entries()) {
    const at = `contents[${index}]`;
    const unknown = unknownMember(content, new Set(['role', 'parts']), at);
    if (unknown) return unknown;
    if (content.role !== undefined && content.role !== 'user' && content.role !== 'model')
      return invalidArgument('Please use a valid role: user, model.');
    const parts = objectsOf(content.parts);
    if (parts.length === 0)
      return invalidArgument(`* GenerateContentRequest.${at}.parts: contents.parts must not be empty.`);
    for (const [partIndex, part] of parts.entries()) {
      const broken = checkPart(part, `${at}.parts[${partIndex}]`);
      if (broken) return broken;
    }
    const calls = parts.filter((part) => member(part, 'functionCall') !== undefined).length;
    if (calls > 0) {
      const previous = contents[index - 1];
      if (!previous || previous.role !== 'user')
        return invalidArgument(
          'Please ensure that function call turn comes immediately after a user turn or after a function response turn.',
        );
      const next = contents[index + 1];
      const responses = next
        ? objectsOf(next.parts).filter((part) => member(part, 'functionResponse') !== undefined).length
        : calls;
      if (responses !== calls)
        return invalidArgument(
          'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.',
        );
    }
  }
  return undefined;
}

function readGeminiInput(route: MockRoute, body: unknown): MockInput | ProviderErrorReply {
  const request = asJsonObject(body);
  if (request === undefined) return invalidArgument('Invalid JSON payload received. Expected an object.');
  const known = route.oauthOnly ? new Set([...REQUEST_FIELDS, ...VERTEX_ONLY_FIELDS]) : REQUEST_FIELDS;
  const unknown = unknownMember(request, known, '');
  if (unknown) return unknown;
  const contents = objectsOf(request.contents);
  if (contents.length === 0)
    return invalidArgument('* GenerateContentRequest.contents: contents is not specified');
  const generation = asJsonObject(member(request, 'generationConfig')) ?? {};
  const checks = [
    checkContents(contents),
    unknownMember(generation, GENERATION_FIELDS, 'generation_config'),
    checkTools(request.tools),
    member(generation, 'responseSchema') === undefined
      ? undefined
      : checkSchema(member(generation, 'responseSchema'), 'generation_config.response_schema'),
  ];
  const broken = checks.find((check) => check !== undefined);
  if (broken) return broken;
  const system = asJsonObject(member(request, 'systemInstruction'));
  const inputs = [
    ...partTexts(objectsOf(system?.parts)),
    ...contents.flatMap((content) => partTexts(objectsOf(content.parts))),
  ];
  return {
    model: route.model,
    inputs,
    maxTokens: asNumber(member(generation, 'maxOutputTokens')),
    stream: route.streaming === 'always',
    body: request,
  };
}

/** A `responseId` as Gemini's look: 22 URL-safe characters. */
function responseId(): string {
  return randomBytes(16).toString('base64url').slice(0, 22);
}

const SAFETY_RATINGS = (blocked: boolean) => [
  { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' },
  {
    category: 'HARM_CATEGORY_DANGEROUS_CONTENT',
    probability: blocked ? 'HIGH' : 'NEGLIGIBLE',
    ...(blocked && { blocked: true }),
  },
  { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
  { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
];

/** `usageMetadata`: the prompt's words, and the reply's so far (none before the last chunk of a stream). */
function usageMetadata(reply: MockReply, candidates: number | undefined): JsonObject {
  const prompt = {
    promptTokenCount: reply.promptTokens,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: reply.promptTokens }],
  };
  if (candidates === undefined) return { ...prompt, totalTokenCount: reply.promptTokens };
  return { ...prompt, candidatesTokenCount: candidates, totalTokenCount: reply.promptTokens + candidates };
}

/** The chunks (or the one body) of an answer: text pieces, then the function calls whole, the last with the finish reason. */
function answerChunks(input: MockInput, reply: MockReply, behaviour: MockProviderBehaviour): JsonObject[] {
  const envelope = { modelVersion: input.model, responseId: responseId() };
  if (behaviour.safetyBlock === 'prompt') {
    return [
      {
        promptFeedback: { blockReason: 'SAFETY', safetyRatings: SAFETY_RATINGS(true) },
        usageMetadata: usageMetadata(reply, undefined),
        ...envelope,
      },
    ];
  }
  if (behaviour.safetyBlock === 'answer') {
    const candidate = { finishReason: 'SAFETY', index: 0, safetyRatings: SAFETY_RATINGS(true) };
    return [{ candidates: [candidate], usageMetadata: usageMetadata(reply, 0), ...envelope }];
  }
  const calls = reply.toolCalls.map((call) => ({
    functionCall: { name: call.name, args: JSON.parse(call.arguments) as unknown },
  }));
  const partsPerChunk: JsonObject[][] = input.stream
    ? reply.pieces.map((text) => [{ text }])
    : [reply.text === '' && calls.length > 0 ? [] : [{ text: reply.text }]];
  if (calls.length > 0) partsPerChunk.push(calls);
  if (partsPerChunk.length === 0) partsPerChunk.push([{ text: '' }]);
  const merged = input.stream ? partsPerChunk : [partsPerChunk.flat()];
  return merged.map((parts, index) => {
    const last = index === merged.length - 1;
    const candidate = {
      content: { parts, role: 'model' },
      ...(last && { finishReason: reply.truncated ? 'MAX_TOKENS' : 'STOP' }),
      index: 0,
    };
    return {
      candidates: [candidate],
      usageMetadata: usageMetadata(reply, last ? reply.completionTokens : undefined),
      ...envelope,
    };
  });
}

/** An SSE event as Google writes it (CRLF line ends). */
function sseFrame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\r\n\r\n`;
}

/** The elements of Google's streamed JSON array: pretty-printed, `,\r\n` between them, `]` as a frame of its own. */
function arrayFrames(chunks: readonly unknown[]): string[] {
  const elements = chunks.map(
    (chunk, index) => `${index === 0 ? '[' : ',\r\n'}${JSON.stringify(chunk, null, 2)}\n`,
  );
  return [...elements, ']'];
}

const STREAM_ERROR = {
  error: {
    code: 500,
    message:
      'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
    status: 'INTERNAL',
  },
};

function respond(
  route: MockRoute,
  input: MockInput,
  reply: MockReply,
  behaviour: MockProviderBehaviour,
): MockResponse {
  const chunks = answerChunks(input, reply, behaviour);
  if (!input.stream) return { kind: 'json', body: chunks[0] };
  if (route.sse) return { kind: 'stream', contentType: 'text/event-stream', frames: chunks.map(sseFrame) };
  return { kind: 'stream', contentType: 'application/json; charset=UTF-8', frames: arrayFrames(chunks) };
}

/** The Gemini API's limit on the requests of one `batchEmbedContents` call. */
const MAX_BATCH_REQUESTS = 100;
const EMBED_REQUEST_FIELDS = new Set(['model', 'content', 'taskType', 'title', 'outputDimensionality']);
const VERTEX_INSTANCE_FIELDS = new Set(['content', 'taskType', 'title']);
const VERTEX_PARAMETER_FIELDS = new Set(['autoTruncate', 'outputDimensionality']);

/**
 * A `batchEmbedContents` body: 1 to 100 requests, each for the path's model (`models/{model}`),
 * with one text part; `outputDimensionality` positive.
 */
function readBatchEmbed(route: MockRoute, request: JsonObject): MockEmbeddingsInput | ProviderErrorReply {
  const unknown = unknownMember(request, new Set(['requests']), '');
  if (unknown) return unknown;
  const requests = Array.isArray(request.requests) ? request.requests.map(asJsonObject) : [];
  if (requests.length === 0)
    return invalidArgument('* BatchEmbedContentsRequest.requests: contents is not specified');
  if (requests.length > MAX_BATCH_REQUESTS)
    return invalidArgument(
      `* BatchEmbedContentsRequest.requests: at most ${MAX_BATCH_REQUESTS} requests can be in one batch`,
    );
  const texts: string[] = [];
  let dimensions: number | undefined;
  for (const [index, entry] of requests.entries()) {
    if (!entry) return invalidArgument(`Invalid value at 'requests[${index}]'`);
    const extra = unknownMember(entry, EMBED_REQUEST_FIELDS, `requests[${index}]`);
    if (extra) return extra;
    if (entry.model !== `models/${route.model}`)
      return invalidArgument(
        `* BatchEmbedContentsRequest.model: Model name in request does not match the model in the URL: ${String(entry.model)}`,
      );
    const parts = asJsonObject(entry.content)?.parts;
    const text = Array.isArray(parts) ? asJsonObject(parts[0])?.text : undefined;
    if (typeof text !== 'string' || text === '')
      return invalidArgument(
        `* BatchEmbedContentsRequest.requests[${index}].content.parts: contents.parts must not be empty.`,
      );
    texts.push(text);
    dimensions = asNumber(entry.outputDimensionality) ?? dimensions;
  }
  return { model: route.model, texts, dimensions, body: request };
}

/** A Vertex AI `predict` body for a text embedding model: instances with a `content` text each, optional parameters. */
function readVertexPredict(route: MockRoute, request: JsonObject): MockEmbeddingsInput | ProviderErrorReply {
  const unknown = unknownMember(request, new Set(['instances', 'parameters']), '');
  if (unknown) return unknown;
  const instances = Array.isArray(request.instances) ? request.instances.map(asJsonObject) : [];
  if (instances.length === 0) return invalidArgument('instances must not be empty');
  const texts: string[] = [];
  for (const [index, instance] of instances.entries()) {
    const extra = instance && unknownMember(instance, VERTEX_INSTANCE_FIELDS, `instances[${index}]`);
    if (extra) return extra;
    if (typeof instance?.content !== 'string')
      return invalidArgument(`instances[${index}].content must be a string`);
    texts.push(instance.content);
  }
  const parameters = asJsonObject(request.parameters) ?? {};
  const extra = unknownMember(parameters, VERTEX_PARAMETER_FIELDS, 'parameters');
  if (extra) return extra;
  return { model: route.model, texts, dimensions: asNumber(parameters.outputDimensionality), body: request };
}

/**
 * Gemini's embeddings: the Gemini API's `batchEmbedContents` (`{embeddings: [{values}]}`, no
 * token counts) and Vertex AI's `predict` (`{predictions: [{embeddings: {values, statistics}}]}`,
 * a token count per text).
 */
const geminiEmbeddingsApi: MockEmbeddingsApi = {
  read(route, body) {
    const request = asJsonObject(body);
    if (request === undefined) return invalidArgument('Invalid JSON payload received.');
    return route.oauthOnly ? readVertexPredict(route, request) : readBatchEmbed(route, request);
  },
  respond(route, input, vectors) {
    if (!route.oauthOnly) return { embeddings: vectors.map((values) => ({ values })) };
    return {
      predictions: vectors.map((values, index) => ({
        embeddings: {
          values,
          statistics: { token_count: countWords(input.texts[index]!), truncated: false },
        },
      })),
      metadata: { billableCharacterCount: input.texts.reduce((sum, text) => sum + text.length, 0) },
    };
  },
};

/**
 * The Gemini API (`POST /v1beta/models/{model}:generateContent` and `:streamGenerateContent`,
 * the key in `x-goog-api-key` or the `key` query parameter, or an OAuth token) and Vertex AI
 * (`/v1/projects/{p}/locations/{l}/publishers/google/models/{model}:...`, OAuth access tokens
 * from `accessTokens` only). Streams are the JSON array Google sends, or SSE with `alt=sse`.
 * It checks what Google checks: unknown members anywhere (`Unknown name ... Cannot find
 * field`), roles, empty parts and texts, base64 data, function declarations in Gemini's schema
 * subset (no `additionalProperties`, `$ref`, ...; OBJECT with properties), and as many
 * function responses as the calls they answer; errors come in Google's
 * `{"error":{"code","message","status"}}`. `safetyBlock` blocks the prompt or the answer;
 * `streamErrorAfter` puts Google's error object in the stream (after at least one chunk).
 * Embeddings: `:batchEmbedContents` and Vertex AI's `:predict` (see `geminiEmbeddingsApi`).
 */
export const geminiMockProvider: MockProviderDefinition = {
  id: 'gemini',
  route,
  authorize(headers, apiKey, { url, route: path, accessTokens }) {
    const token = bearerToken(headers);
    if (token !== undefined) return accessTokens?.accepts(token) ? undefined : UNAUTHENTICATED;
    if (path.oauthOnly) return UNAUTHENTICATED;
    const header = headers['x-goog-api-key'];
    const key = (typeof header === 'string' ? header : undefined) ?? url.searchParams.get('key');
    if (key === null) return NO_API_KEY;
    return key === apiKey ? undefined : INVALID_API_KEY;
  },
  embeddings: geminiEmbeddingsApi,
  readInput: readGeminiInput,
  respond,
  errorBody: errorBodyFor,
  streamErrorFrame: (path) =>
    path.sse ? sseFrame(STREAM_ERROR) : `,\r\n${JSON.stringify(STREAM_ERROR, null, 2)}\n]`,
};
