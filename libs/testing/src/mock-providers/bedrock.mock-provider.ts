import { createHash, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import {
  asJsonObject,
  asNumber,
  ProviderErrorReply,
  type MockAuthContext,
  type MockInput,
  type MockProviderDefinition,
  type MockResponse,
  type MockRoute,
} from './mock-provider-definition.js';
import {
  asStringList,
  unknownField,
  type MockEmbeddingsApi,
  type MockEmbeddingsInput,
} from './mock-embeddings.js';
import type { MockReply } from './mock-reply.js';

type JsonObject = Readonly<Record<string, unknown>>;

/** The namespace AWS's Coral services put after the error type in `x-amzn-errortype`. */
const BEDROCK_NAMESPACE = 'http://internal.amazon.com/coral/com.amazon.bedrock/';
/** The namespace of the errors AWS's front door answers before the service sees the request (signatures). */
const CORAL_NAMESPACE = 'http://internal.amazon.com/coral/com.amazon.coral.service/';

/** An AWS error: `{"message"}` and its type in the `x-amzn-errortype` header (where the SDKs read it). */
function bedrockError(
  status: number,
  type: string,
  message: string,
  namespace = BEDROCK_NAMESPACE,
): ProviderErrorReply {
  return new ProviderErrorReply(status, { message }, { 'x-amzn-errortype': `${type}:${namespace}` });
}

function validation(message: string): ProviderErrorReply {
  return bedrockError(400, 'ValidationException', message);
}

/** AWS's answer to a request signed with the wrong secret (or over other bytes than those sent). */
export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

const THROTTLED_MESSAGE = 'Too many requests, please wait before trying again.';

/** Bedrock's error type and message for a bare status (the Converse API's documented errors). */
const STATUS_ERRORS: Readonly<Record<number, readonly [type: string, message: string]>> = {
  400: ['ValidationException', 'Malformed input request, please reformat your input and try again.'],
  403: ['AccessDeniedException', "You don't have access to the model with the specified model ID."],
  404: ['ResourceNotFoundException', 'The requested resource could not be found.'],
  408: ['ModelTimeoutException', 'Model has timed out in processing the request.'],
  424: ['ModelErrorException', 'The model returned an error.'],
  429: ['ThrottlingException', THROTTLED_MESSAGE],
  500: ['InternalServerException', 'The server encountered an internal error.'],
  503: ['ServiceUnavailableException', 'The service is unavailable. Please try again later.'],
};

function errorReplyFor(status: number): ProviderErrorReply {
  const [type, message] =
    STATUS_ERRORS[status] ?? (status >= 500 ? STATUS_ERRORS[500]! : STATUS_ERRORS[400]!);
  return bedrockError(status, type, message);
}

/** `/model/{modelId}/converse` and `/converse-stream`. */
const OPERATION_PATH = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/;

/** Converse's request members: any other is refused. */
const REQUEST_FIELDS: ReadonlySet<string> = new Set([
  'messages',
  'system',
  'inferenceConfig',
  'toolConfig',
  'guardrailConfig',
  'additionalModelRequestFields',
  'additionalModelResponseFieldPaths',
  'promptVariables',
  'requestMetadata',
  'performanceConfig',
]);
const INFERENCE_FIELDS: ReadonlySet<string> = new Set(['maxTokens', 'temperature', 'topP', 'stopSequences']);
const IMAGE_FORMATS: ReadonlySet<string> = new Set(['png', 'jpeg', 'gif', 'webp']);
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The objects of a JSON array (none for anything else). */
function objectsOf(value: unknown): JsonObject[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    const object = asJsonObject(item);
    return object ? [object] : [];
  });
}

/** The text a block carries (a tool result's too): its words are prompt tokens. */
function blockText(block: JsonObject): string {
  if (typeof block.text === 'string') return block.text;
  const result = asJsonObject(block.toolResult);
  if (result)
    return objectsOf(result.content)
      .map((item) => (typeof item.text === 'string' ? item.text : JSON.stringify(item.json)))
      .join(' ');
  return '';
}

/** One content block as Converse checks it; `where` is its path (`messages.0.content.1`). */
function checkBlock(block: JsonObject, where: string): ProviderErrorReply | undefined {
  if (typeof block.text === 'string' && block.text.trim() === '')
    return validation(
      `The text field in the ContentBlock object at ${where} is blank. Add text to the text field, and try again.`,
    );
  const image = asJsonObject(block.image);
  if (image) {
    const bytes = asJsonObject(image.source)?.bytes;
    if (typeof image.format !== 'string' || !IMAGE_FORMATS.has(image.format))
      return validation(`${where}.image.format: must be one of png, jpeg, gif, webp`);
    if (typeof bytes !== 'string' || !BASE64.test(bytes))
      return validation(`${where}.image.source.bytes: not valid base64 image bytes`);
  }
  const toolUse = asJsonObject(block.toolUse);
  if (
    toolUse &&
    (typeof toolUse.toolUseId !== 'string' ||
      typeof toolUse.name !== 'string' ||
      !asJsonObject(toolUse.input))
  )
    return validation(`${where}.toolUse: toolUseId, name and an input object are required`);
  return undefined;
}

/**
 * Converse's conversation rules: the first turn is the user's, turns alternate, blocks are not
 * blank, tool blocks need `toolConfig`, and the results of the turn after a `toolUse` turn answer
 * exactly its calls. Returns Bedrock's 400 for the first rule broken.
 */
function checkConversation(
  messages: readonly JsonObject[],
  hasToolConfig: boolean,
): ProviderErrorReply | undefined {
  if (messages[0]?.role !== 'user')
    return validation(
      'A conversation must start with a user message. Try again with a conversation that starts with a user message.',
    );
  for (let index = 0; index < messages.length; index++) {
    const { role, content } = messages[index]!;
    if (role !== 'user' && role !== 'assistant')
      return validation(
        `1 validation error detected: Value '${String(role)}' at 'messages.${index + 1}.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]`,
      );
    if (index > 0 && messages[index - 1]!.role === role)
      return validation(
        'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.',
      );
    const blocks = objectsOf(content);
    if (blocks.length === 0)
      return validation(
        `The content field in the Message object at messages.${index} is empty. Add a ContentBlock object to the content field and try again.`,
      );
    for (let at = 0; at < blocks.length; at++) {
      const broken = checkBlock(blocks[at]!, `messages.${index}.content.${at}`);
      if (broken) return broken;
    }
    const usesTools = blocks.some((block) => block.toolUse !== undefined || block.toolResult !== undefined);
    if (usesTools && !hasToolConfig)
      return validation(
        'The toolConfig field must be defined when using toolUse and toolResult content blocks.',
      );
    const calls =
      index > 0
        ? objectsOf(messages[index - 1]!.content).flatMap((block) => {
            const toolUse = asJsonObject(block.toolUse);
            return toolUse ? [String(toolUse.toolUseId)] : [];
          })
        : [];
    const answered = blocks.flatMap((block) => {
      const result = asJsonObject(block.toolResult);
      return result ? [String(result.toolUseId)] : [];
    });
    if (answered.length > 0 || calls.length > 0) {
      if (role === 'user' && (answered.length !== calls.length || calls.some((id) => !answered.includes(id))))
        return validation(
          `Expected toolResult blocks at messages.${index}.content for the following Ids: ${calls.join(', ')}`,
        );
    }
  }
  return undefined;
}

function readConverseInput(route: MockRoute, body: unknown): MockInput | ProviderErrorReply {
  const request = asJsonObject(body);
  if (request === undefined)
    return validation('Malformed input request, please reformat your input and try again.');
  const unknown = Object.keys(request).find((field) => !REQUEST_FIELDS.has(field));
  if (unknown !== undefined) return validation(`Unknown field in the request body: '${unknown}'`);
  if (!Array.isArray(request.messages))
    return validation(
      "1 validation error detected: Value null at 'messages' failed to satisfy constraint: Member must not be null",
    );
  const inference = asJsonObject(request.inferenceConfig) ?? {};
  const unknownSetting = Object.keys(inference).find((field) => !INFERENCE_FIELDS.has(field));
  if (unknownSetting !== undefined)
    return validation(`Unknown field in inferenceConfig: '${unknownSetting}'`);
  const toolConfig = asJsonObject(request.toolConfig);
  if (
    toolConfig &&
    objectsOf(toolConfig.tools).some(
      (tool) => !asJsonObject(asJsonObject(asJsonObject(tool.toolSpec)?.inputSchema)?.json),
    )
  )
    return validation('toolConfig.tools: every toolSpec needs a name and an inputSchema.json');
  const messages = objectsOf(request.messages);
  const broken = checkConversation(messages, toolConfig !== undefined);
  if (broken) return broken;
  const inputs = [
    ...objectsOf(request.system).map(blockText),
    ...messages.flatMap((message) => objectsOf(message.content).map(blockText)),
  ];
  return {
    model: route.modelId,
    inputs,
    maxTokens: asNumber(inference.maxTokens),
    stream: route.streaming === 'always',
    body: request,
  };
}

/** The tool calls of a reply as `toolUse` blocks (the mock's `call_1` is `tooluse_call_1`). */
function toolUseBlocks(reply: MockReply) {
  return reply.toolCalls.map((call) => ({
    toolUseId: `tooluse_${call.id}`,
    name: call.name,
    input: JSON.parse(call.arguments) as unknown,
  }));
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/**
 * One event-stream message as Bedrock sends it: `:event-type` (or `:exception-type`),
 * `:content-type` and `:message-type` headers, the JSON payload with Bedrock's `p` padding.
 */
function bedrockEventFrame(
  type: string,
  payload: JsonObject,
  messageType: 'event' | 'exception' = 'event',
): Uint8Array {
  return codec.encode({
    headers: {
      [messageType === 'event' ? ':event-type' : ':exception-type']: { type: 'string', value: type },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: messageType },
    },
    body: fromUtf8(
      JSON.stringify(
        messageType === 'event' ? { ...payload, p: 'abcdefghijklmnopqrstuvwxyzABCDEF' } : payload,
      ),
    ),
  });
}

/**
 * `converse`: the message with its text and `toolUse` blocks, the stop reason and usage; or
 * `converse-stream`: `messageStart`, a `contentBlockDelta` per text piece and `contentBlockStop`,
 * per tool call `contentBlockStart` (its id and name), its input in `contentBlockDelta` pieces
 * and `contentBlockStop`, then `messageStop` and `metadata` (usage), the last event.
 */
function respondConverse(input: MockInput, reply: MockReply): MockResponse {
  const stopReason = reply.truncated ? 'max_tokens' : reply.toolCalls.length > 0 ? 'tool_use' : 'end_turn';
  const usage = {
    inputTokens: reply.promptTokens,
    outputTokens: reply.completionTokens,
    totalTokens: reply.promptTokens + reply.completionTokens,
  };
  const metrics = { latencyMs: 42 };
  const tools = toolUseBlocks(reply);
  const textBlocks = reply.text === '' && tools.length > 0 ? [] : [{ text: reply.text }];
  if (!input.stream) {
    return {
      kind: 'json',
      body: {
        output: {
          message: { role: 'assistant', content: [...textBlocks, ...tools.map((toolUse) => ({ toolUse }))] },
        },
        stopReason,
        usage,
        metrics,
      },
    };
  }
  const frames = [bedrockEventFrame('messageStart', { role: 'assistant' })];
  let index = 0;
  if (textBlocks.length > 0) {
    const blockIndex = index;
    frames.push(
      ...reply.pieces.map((text) =>
        bedrockEventFrame('contentBlockDelta', { contentBlockIndex: blockIndex, delta: { text } }),
      ),
      bedrockEventFrame('contentBlockStop', { contentBlockIndex: blockIndex }),
    );
    index += 1;
  }
  reply.toolCalls.forEach((call, n) => {
    const contentBlockIndex = index;
    const { toolUseId, name } = tools[n]!;
    frames.push(
      bedrockEventFrame('contentBlockStart', { contentBlockIndex, start: { toolUse: { toolUseId, name } } }),
      ...call.argumentPieces.map((piece) =>
        bedrockEventFrame('contentBlockDelta', { contentBlockIndex, delta: { toolUse: { input: piece } } }),
      ),
      bedrockEventFrame('contentBlockStop', { contentBlockIndex }),
    );
    index += 1;
  });
  frames.push(
    bedrockEventFrame('messageStop', { stopReason }),
    bedrockEventFrame('metadata', { usage, metrics }),
  );
  return { kind: 'stream', contentType: 'application/vnd.amazon.eventstream', frames };
}

/** `AWS4-HMAC-SHA256 Credential=<key>/<day>/<region>/<service>/aws4_request, SignedHeaders=<a;b>, Signature=<hex>` */
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
/** `x-amz-date`: `20231114T221320Z`. */
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
/** How far a signature's time may be from AWS's clock. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function denied(type: string, message: string): ProviderErrorReply {
  return bedrockError(403, type, message, CORAL_NAMESPACE);
}

/**
 * What AWS checks of a SigV4-signed request before Bedrock sees it: the key is known, its
 * session token (if it has one) comes with it, the time is within five minutes, the scope names
 * the `bedrock` service, `host` is signed, the body is the one hashed, and the signature is the
 * one the secret gives over the signed headers, path, query and body (recomputed here with the
 * AWS SDK's own signer). Refusals are AWS's 403s.
 */
async function verifySigV4(
  headers: IncomingHttpHeaders,
  request: MockAuthContext,
): Promise<ProviderErrorReply | undefined> {
  const authorization = headerValue(headers, 'authorization');
  if (authorization === undefined)
    return denied('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const match = AUTHORIZATION.exec(authorization);
  if (!match)
    return denied(
      'IncompleteSignatureException',
      `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=${authorization.split(' ')[0]}`,
    );
  const [, keyId, day, region, service, signedList, signature] = match as unknown as string[];
  const { awsCredentials } = request;
  const token = headerValue(headers, 'x-amz-security-token');
  if (keyId !== awsCredentials.accessKeyId || token !== awsCredentials.sessionToken)
    return denied('UnrecognizedClientException', 'The security token included in the request is invalid.');
  const amzDate = headerValue(headers, 'x-amz-date') ?? '';
  const time = AMZ_DATE.exec(amzDate);
  if (!time || !amzDate.startsWith(day!))
    return denied(
      'IncompleteSignatureException',
      "Date must be in ISO-8601 'basic format' and match the credential scope's date.",
    );
  const signedAt = new Date(Date.UTC(+time[1]!, +time[2]! - 1, +time[3]!, +time[4]!, +time[5]!, +time[6]!));
  if (Math.abs(Date.now() - signedAt.getTime()) > MAX_CLOCK_SKEW_MS)
    return denied(
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier or later than the allowed five minutes.`,
    );
  if (service !== 'bedrock')
    return denied('InvalidSignatureException', "Credential should be scoped to correct service: 'bedrock'.");
  const signedHeaders = signedList!.split(';');
  if (!signedHeaders.includes('host'))
    return denied(
      'InvalidSignatureException',
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  const contentHash = headerValue(headers, 'x-amz-content-sha256');
  if (contentHash !== undefined && contentHash !== createHash('sha256').update(request.rawBody).digest('hex'))
    return denied(
      'InvalidSignatureException',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );

  const signer = new SignatureV4({
    service,
    region: region!,
    credentials: awsCredentials,
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: false,
  });
  const { url } = request;
  const query: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) (query[name] ??= []).push(value);
  const expected = await signer.sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      path: url.pathname,
      query,
      headers: Object.fromEntries(signedHeaders.map((name) => [name, headerValue(headers, name) ?? ''])),
      body: request.rawBody,
    },
    { signingDate: signedAt },
  );
  const expectedSignature = AUTHORIZATION.exec(expected.headers['authorization'] ?? '')?.[6];
  return expectedSignature === signature
    ? undefined
    : denied('InvalidSignatureException', SIGNATURE_MISMATCH_MESSAGE);
}

/** InvokeModel's 400 for a body its model's schema refuses (the JSON-schema wording AWS gives). */
function malformed(problem: string): ProviderErrorReply {
  return validation(`Malformed input request: #: ${problem}, please reformat your input and try again.`);
}

function extraneousKey(
  body: Readonly<Record<string, unknown>>,
  keys: ReadonlySet<string>,
): ProviderErrorReply | undefined {
  const extra = unknownField(body, keys);
  return extra === undefined ? undefined : malformed(`extraneous key [${extra}] is not permitted`);
}

const TITAN_FIELDS = new Set(['inputText', 'dimensions', 'normalize', 'embeddingTypes']);
const TITAN_DIMENSIONS = new Set([256, 512, 1024]);
const COHERE_FIELDS = new Set([
  'texts',
  'images',
  'input_type',
  'truncate',
  'embedding_types',
  'output_dimension',
]);
const COHERE_INPUT_TYPES = new Set(['search_document', 'search_query', 'classification', 'clustering']);

/** A Titan Text Embeddings body: one `inputText`, `dimensions` on v2 only (256, 512, 1024). */
function readTitan(
  modelId: string,
  body: Readonly<Record<string, unknown>>,
): MockEmbeddingsInput | ProviderErrorReply {
  const extra = extraneousKey(body, TITAN_FIELDS);
  if (extra) return extra;
  if (typeof body.inputText !== 'string') return malformed('required key [inputText] not found');
  const dimensions = asNumber(body.dimensions);
  if (body.dimensions !== undefined) {
    if (modelId.includes('titan-embed-text-v1'))
      return malformed('extraneous key [dimensions] is not permitted');
    if (dimensions === undefined || !TITAN_DIMENSIONS.has(dimensions))
      return malformed(`#/dimensions: ${String(body.dimensions)} is not a valid enum value`);
  }
  return { model: modelId, texts: [body.inputText], dimensions, body };
}

/** A Cohere Embed body: `texts` and the `input_type` it requires. */
function readCohereEmbed(body: Readonly<Record<string, unknown>>): MockEmbeddingsInput | ProviderErrorReply {
  const extra = extraneousKey(body, COHERE_FIELDS);
  if (extra) return extra;
  const texts = asStringList(body.texts);
  if (!texts) return malformed('required key [texts] not found');
  if (typeof body.input_type !== 'string') return malformed('required key [input_type] not found');
  if (!COHERE_INPUT_TYPES.has(body.input_type))
    return malformed(`#/input_type: ${body.input_type} is not a valid enum value`);
  return { texts, dimensions: asNumber(body.output_dimension), body };
}

/**
 * InvokeModel for the embedding models: Titan Text Embeddings (`{embedding, inputTextTokenCount}`)
 * and Cohere Embed (`{embeddings, id, response_type, texts}`, no token count), each body checked
 * against its model's schema; any other model is AWS's invalid-identifier 400.
 */
const bedrockEmbeddingsApi: MockEmbeddingsApi = {
  read(route, body) {
    const request = asJsonObject(body);
    if (request === undefined) return malformed('expected type: JSONObject');
    const modelId = route.modelId ?? '';
    if (modelId.includes('amazon.titan-embed')) return readTitan(modelId, request);
    if (modelId.includes('cohere.embed')) return readCohereEmbed(request);
    return validation('The provided model identifier is invalid.');
  },
  respond(route, input, vectors, tokens) {
    if (route.modelId?.includes('amazon.titan-embed'))
      return { embedding: vectors[0], inputTextTokenCount: tokens };
    return { embeddings: vectors, id: randomUUID(), response_type: 'embeddings_floats', texts: input.texts };
  },
};

/**
 * bedrock-runtime: `POST /model/{modelId}/converse` and `/converse-stream` (the model id
 * percent-encoded in the path), every request SigV4-signed for the `bedrock` service and checked
 * as AWS checks it (see `verifySigV4`), the body checked as Converse does (unknown members,
 * conversation rules, tool blocks without `toolConfig`), errors in AWS's shape (`{"message"}`
 * with `x-amzn-errortype`), streams as binary AWS event-stream messages with both CRCs. The
 * error messages are modelled on AWS's; `streamErrorAfter` ends a stream with a
 * `throttlingException` message, `status: 429` answers a whole `ThrottlingException`. `/invoke`
 * serves the embedding models (see `bedrockEmbeddingsApi`).
 */
export const bedrockMockProvider: MockProviderDefinition = {
  id: 'bedrock',
  route(method, url) {
    const match = method === 'POST' ? OPERATION_PATH.exec(url.pathname) : null;
    if (!match) return bedrockError(404, 'UnknownOperationException', 'Unknown operation', CORAL_NAMESPACE);
    const modelId = decodeURIComponent(match[1]!);
    if (match[2] === 'invoke') return { operation: 'embeddings', modelId };
    return { operation: 'chat', modelId, streaming: match[2] === 'converse-stream' ? 'always' : 'never' };
  },
  authorize: (headers, _apiKey, request) => verifySigV4(headers, request),
  embeddings: bedrockEmbeddingsApi,
  readInput: readConverseInput,
  respond: (_route, input, reply) => respondConverse(input, reply),
  errorBody: errorReplyFor,
  streamErrorFrame: () =>
    bedrockEventFrame('throttlingException', { message: THROTTLED_MESSAGE }, 'exception'),
};
