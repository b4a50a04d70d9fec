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

/** A text-generation server's error body: `{"error", "error_type"}`. */
function tgiError(error: string, errorType: string): unknown {
  return { error, error_type: errorType };
}

/** One SSE event as TGI writes it (`data:` without a space). */
function tgiFrame(data: unknown): string {
  return `data:${JSON.stringify(data)}\n\n`;
}

/** `POST /` streams when the body says so; `/generate` never; `/generate_stream` always. */
const ROUTES: Readonly<Record<string, MockRoute>> = {
  '/': { operation: 'completions' },
  '/generate': { operation: 'completions', streaming: 'never' },
  '/generate_stream': { operation: 'completions', streaming: 'always' },
};

const invalid = (message: string) => new ProviderErrorReply(422, tgiError(message, 'validation'));

/** The parameter checks of a text-generation server, with its messages. */
const PARAMETER_CHECKS: readonly [name: string, accepts: (value: number) => boolean, message: string][] = [
  ['temperature', (value) => value > 0, '`temperature` must be strictly positive'],
  ['top_p', (value) => value > 0 && value < 1, '`top_p` must be > 0.0 and < 1.0'],
  ['top_k', (value) => value > 0, '`top_k` must be strictly positive'],
  ['max_new_tokens', (value) => value > 0, '`max_new_tokens` must be strictly positive'],
];

function readInput(_route: MockRoute, body: unknown): MockInput | ProviderErrorReply {
  const request = asJsonObject(body);
  if (request === undefined || typeof request.inputs !== 'string')
    return invalid('Failed to deserialize the JSON body into the target type: missing field `inputs`');
  const parameters = asJsonObject(request.parameters) ?? {};
  for (const [name, accepts, message] of PARAMETER_CHECKS) {
    const value = parameters[name];
    if (value !== undefined && value !== null && !(typeof value === 'number' && accepts(value)))
      return invalid(message);
  }
  return {
    inputs: [request.inputs],
    maxTokens: asNumber(parameters.max_new_tokens),
    stream: request.stream === true,
    body: request,
  };
}

/**
 * A generation: `[{generated_text}]` on `POST /` (TGI's compatibility route), `{generated_text}`
 * on `/generate`, with `details` (`finish_reason` `length` or `eos_token`, `generated_tokens`
 * counting the end token) when `parameters.details` asks; the prompt first when
 * `return_full_text` asks (the Hugging Face Inference API's default). A stream (`stream: true`
 * on `/`, or `/generate_stream`) is one SSE event per token and a last one, the end token
 * (`special`), carrying `generated_text` and `details`. No tool calls: a raw prompt has none.
 */
function respond(route: MockRoute, input: MockInput, reply: MockReply): MockResponse {
  const parameters = asJsonObject(input.body.parameters) ?? {};
  const generatedTokens = reply.pieces.length + (reply.truncated ? 0 : 1);
  const details =
    parameters.details === true
      ? {
          details: {
            finish_reason: reply.truncated ? 'length' : 'eos_token',
            generated_tokens: generatedTokens,
            seed: null,
          },
        }
      : {};
  const prompt = parameters.return_full_text === true ? (input.body.inputs as string) : '';
  const streamed = route.streaming === undefined ? input.stream : route.streaming === 'always';
  if (!streamed) {
    const generation = { generated_text: `${prompt}${reply.text}`, ...details };
    return { kind: 'json', body: route.streaming === 'never' ? generation : [generation] };
  }
  const token = (index: number, text: string, special = false) => ({
    id: 1000 + index,
    text,
    logprob: -0.25,
    special,
  });
  const frames = reply.pieces.map((piece, index) =>
    tgiFrame({ index: index + 1, token: token(index, piece), generated_text: null, details: null }),
  );
  const last = reply.truncated ? reply.pieces.length : reply.pieces.length + 1;
  frames.push(
    tgiFrame({
      index: last,
      token: reply.truncated ? token(last, '') : token(last, '</s>', true),
      generated_text: reply.text,
      details: details.details ?? null,
    }),
  );
  return { kind: 'stream', contentType: 'text/event-stream', frames };
}

/**
 * A text-generation server for llama2's `raw` format (Hugging Face TGI's API): `{inputs,
 * parameters, stream}` on `POST /`, `/generate` and `/generate_stream`, with its parameter
 * checks (422 `{"error", "error_type": "validation"}`) and `Authorization: Bearer <key>` (as
 * Inference Endpoints, or TGI's `--api-key`).
 */
export const llama2MockProvider: MockProviderDefinition = {
  id: 'llama2',
  route(method, url) {
    const route = method === 'POST' ? ROUTES[url.pathname] : undefined;
    return route ?? new ProviderErrorReply(404, tgiError('Not Found', 'not_found'));
  },
  authorize(headers, apiKey) {
    return bearerToken(headers) === apiKey
      ? undefined
      : new ProviderErrorReply(401, tgiError('Unauthorized', 'unauthorized'));
  },
  readInput,
  respond,
  errorBody: (status) =>
    status >= 500
      ? tgiError('Request failed during generation: Server error', 'generation')
      : tgiError('Bad request', 'validation'),
  streamErrorFrame: () =>
    tgiFrame(tgiError('Request failed during generation: Server error: CUDA out of memory', 'generation')),
};
