import { randomUUID } from 'node:crypto';
import {
  asJsonObject,
  asNumber,
  bearerToken,
  ProviderErrorReply,
  type MockInput,
  type MockProviderDefinition,
  type MockRoute,
} from './mock-provider-definition.js';
import type { MockReply } from './mock-reply.js';
import { ndjsonFrame, pieceFrames } from './stream-frames.js';

/** Cohere's error envelope: `{"message": "..."}`. */
function cohereError(status: number, message: string): ProviderErrorReply {
  return new ProviderErrorReply(status, { message });
}

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
};

/** Cohere v1 streams are NDJSON, one event object per line. */
const STREAM_CONTENT_TYPE = 'application/stream+json';

function readCohereInput(route: MockRoute, body: unknown): MockInput | ProviderErrorReply {
  const request = asJsonObject(body);
  if (request === undefined) return cohereError(400, 'invalid request: could not parse the JSON body');
  const inputs: string[] = [];
  if (route.operation === 'chat') {
    if (typeof request.message !== 'string' || request.message === '') {
      return cohereError(
        400,
        'invalid request: message must be at least 1 token long or tool results must be specified.',
      );
    }
    if (typeof request.preamble === 'string') inputs.push(request.preamble);
    for (const turn of chatHistory(request)) inputs.push(turn.message);
    inputs.push(request.message);
  } else {
    if (typeof request.prompt !== 'string' || request.prompt === '') {
      return cohereError(400, 'invalid request: prompt must be at least 1 token long.');
    }
    inputs.push(request.prompt);
  }
  return { inputs, maxTokens: asNumber(request.max_tokens), stream: request.stream === true, body: request };
}

interface ChatTurn {
  readonly role: string;
  readonly message: string;
}

function chatHistory(request: Readonly<Record<string, unknown>>): ChatTurn[] {
  if (!Array.isArray(request.chat_history)) return [];
  return request.chat_history.flatMap((entry) => {
    const turn = asJsonObject(entry);
    return typeof turn?.role === 'string' && typeof turn.message === 'string'
      ? [{ role: turn.role, message: turn.message }]
      : [];
  });
}

/**
 * Chat: `{response_id, text, generation_id, chat_history, finish_reason, meta}`; streamed as NDJSON
 * `stream-start`, one `text-generation` per piece, then `stream-end` carrying the whole response.
 * Generate: `{id, generations:[{id, text, finish_reason}], prompt, meta}`; streamed as `{"text", "is_finished":false}`
 * lines and a last `{"is_finished":true, "finish_reason", "response"}`. v1 replies name no model.
 */
function respondCohere(route: MockRoute, input: MockInput, reply: MockReply) {
  const finishReason = reply.truncated ? 'MAX_TOKENS' : 'COMPLETE';
  const billedUnits = { input_tokens: reply.promptTokens, output_tokens: reply.completionTokens };
  const apiVersion = { version: '1' };
  const generationId = randomUUID();

  if (route.operation === 'chat') {
    const response = {
      response_id: randomUUID(),
      text: reply.text,
      generation_id: generationId,
      chat_history: [
        ...chatHistory(input.body),
        { role: 'USER', message: input.body.message },
        { role: 'CHATBOT', message: reply.text },
      ],
      finish_reason: finishReason,
      meta: { api_version: apiVersion, billed_units: billedUnits, tokens: billedUnits },
    };
    if (!input.stream) return { kind: 'json', body: response } as const;
    const frames = [
      ndjsonFrame({ is_finished: false, event_type: 'stream-start', generation_id: generationId }),
      ...pieceFrames(
        ndjsonFrame,
        (text) => ({ is_finished: false, event_type: 'text-generation', text }),
        reply.pieces,
      ),
      ndjsonFrame({ is_finished: true, event_type: 'stream-end', finish_reason: finishReason, response }),
    ];
    return { kind: 'stream', contentType: STREAM_CONTENT_TYPE, frames } as const;
  }

  const response = {
    id: randomUUID(),
    generations: [{ id: generationId, text: reply.text, finish_reason: finishReason }],
    prompt: input.body.prompt,
    meta: { api_version: apiVersion, billed_units: billedUnits },
  };
  if (!input.stream) return { kind: 'json', body: response } as const;
  const frames = [
    ...pieceFrames(ndjsonFrame, (text) => ({ text, is_finished: false }), reply.pieces),
    ndjsonFrame({ is_finished: true, finish_reason: finishReason, response }),
  ];
  return { kind: 'stream', contentType: STREAM_CONTENT_TYPE, frames } as const;
}

/** api.cohere.com v1: `POST /v1/chat` and `/v1/generate`, `Authorization: Bearer <key>`. */
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
  readInput: readCohereInput,
  respond: respondCohere,
  errorBody: (status) => ({
    message: STATUS_MESSAGES[status] ?? (status >= 500 ? STATUS_MESSAGES[500] : STATUS_MESSAGES[400]),
  }),
};
