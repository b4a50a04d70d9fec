import type { IncomingHttpHeaders } from 'node:http';
import { TranslationError } from '@switchyard/plugin-api';
import type {
  ChatCompletionRequest,
  LlmRequest,
  LlmResponse,
  PluginHandler,
  ProviderDriver,
  ProviderId,
  ProviderRegistry,
  ProviderRequest,
  RequestContext,
  StreamStep,
  StreamTransformer,
} from '@switchyard/plugin-api';
import type { AiProxyConfig } from './ai-proxy.config.js';
import { createAiProxyPlugin } from './ai-proxy.plugin.js';

/** Test support for the plugin's specs (drivers and contexts that the gateway would provide). */

export interface ContextOptions {
  readonly method?: string;
  /** Path and query string, e.g. `/chat?x=1`. */
  readonly url?: string;
  readonly headers?: IncomingHttpHeaders;
  /** An object is sent as JSON, a string as is. */
  readonly body?: unknown;
  readonly uriCaptures?: Record<string, string>;
  /** `ctx.limits.maxResponseBodyBytes`; default 1 MiB. */
  readonly maxResponseBodyBytes?: number;
}

/** A request context as the gateway builds it before the plugins' `access`. */
export function requestContext(options: ContextOptions = {}): RequestContext {
  const url = new URL(options.url ?? '/openai/chat', 'http://proxy.test');
  const body =
    options.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
  const headers: IncomingHttpHeaders = { 'content-type': 'application/json', ...options.headers };
  const forwarded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) forwarded[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    request: { method: options.method ?? 'POST', path: url.pathname, query: url.searchParams, headers, body },
    route: { id: 'route-1', name: null },
    service: { id: 'service-1', name: 'llm' },
    uriCaptures: options.uriCaptures ?? {},
    upstream: {
      url: new URL(`http://service.test${url.pathname}${url.search}`),
      method: options.method ?? 'POST',
      headers: forwarded,
      body,
      label: 'llm',
    },
    responseMode: 'passthrough',
    signal: new AbortController().signal,
    timings: { startedAt: performance.now() },
    log: {},
    limits: { maxResponseBodyBytes: options.maxResponseBodyBytes ?? 1024 * 1024 },
  };
}

type ConfigOverrides = Partial<Omit<AiProxyConfig, 'model' | 'logging'>> & {
  readonly model?: Partial<AiProxyConfig['model']>;
  readonly logging?: Partial<AiProxyConfig['logging']>;
};

/** A defaults-filled config: OpenAI chat with `gpt-4o`, bearer auth, nothing logged. */
export function aiProxyConfig(overrides: ConfigOverrides = {}): AiProxyConfig {
  return {
    route_type: 'llm/v1/chat',
    auth: { header_name: 'Authorization', header_value: 'Bearer sk-configured', allow_override: false },
    response_streaming: 'allow',
    max_request_body_size: 8192,
    model_name_header: true,
    llm_format: 'openai',
    ...overrides,
    model: { provider: 'openai', name: 'gpt-4o', options: null, ...overrides.model },
    logging: { log_statistics: false, log_payloads: false, ...overrides.logging },
  };
}

/** An OpenAI-format driver like the real one: bodies pass through, the answer is the same object, SSE events unchanged. */
export function fakeOpenAiDriver(id: ProviderId = 'openai'): ProviderDriver {
  return {
    id,
    routeTypes: ['llm/v1/chat', 'llm/v1/completions'],
    streamFraming: 'sse',
    streamReportsUsage: false,
    upstreamUrl: (request) => {
      const url = new URL(
        request.routeType === 'llm/v1/chat' ? '/v1/chat/completions' : '/v1/completions',
        `https://${id}.example`,
      );
      if (id === 'azure')
        url.searchParams.set('api-version', request.clientQuery.get('api-version') ?? '2023-05-15');
      return url;
    },
    translateRequest(body, request) {
      const { top_k: _dropped, ...kept } = body;
      return { body: { ...kept, model: request.model.name, stream: request.stream } };
    },
    translateResponse(body, request) {
      if (typeof body === 'object' && body !== null && Array.isArray((body as LlmResponse).choices))
        return body as LlmResponse;
      throw new TranslationError(`'choices' not in ${request.routeType} response`);
    },
    createStreamTranslator: () => ({
      translate(frame): StreamStep {
        if (frame.data === '[DONE]') return { events: ['[DONE]'] };
        const chunk = JSON.parse(frame.data) as {
          model?: string;
          usage?: { prompt_tokens: number; completion_tokens: number };
          choices?: { delta?: { content?: string }; finish_reason?: string | null }[];
        };
        const choice = chunk.choices?.[0];
        return {
          events: [frame.data],
          ...(choice?.delta?.content && { text: choice.delta.content }),
          ...(chunk.usage && { usage: chunk.usage }),
          ...(chunk.model && { model: chunk.model }),
          ...(choice?.finish_reason && { finishReason: choice.finish_reason }),
        };
      },
    }),
  };
}

/**
 * A Cohere-like driver: its own request and answer shapes, an NDJSON stream
 * (`{"event_type":"text-generation","text":…}` … `{"event_type":"stream-end",…}`) with token counts.
 * A request whose last message is `untranslatable` fails translation.
 */
export function fakeNdjsonDriver(): ProviderDriver {
  const chunk = (text: string) =>
    JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: text } }] });
  return {
    id: 'cohere',
    routeTypes: ['llm/v1/chat'],
    streamFraming: 'ndjson',
    streamReportsUsage: true,
    upstreamUrl: () => new URL('https://cohere.example/v1/chat'),
    translateRequest(body: LlmRequest, request: ProviderRequest) {
      const messages = (body as ChatCompletionRequest).messages;
      const message = messages.at(-1)?.content;
      if (message === 'untranslatable')
        throw new TranslationError('the last message cannot be sent to cohere');
      return {
        body: { model: request.model.name, message, stream: request.stream, p: body.top_p },
        headers: { 'X-Client-Name': 'switchyard' },
      };
    },
    translateResponse(body, request) {
      const answer = body as {
        text?: unknown;
        meta?: { billed_units?: { input_tokens: number; output_tokens: number } };
      };
      if (typeof answer.text !== 'string')
        throw new TranslationError("'text' or 'generations' missing from cohere response body");
      const units = answer.meta?.billed_units;
      return {
        id: 'c-1',
        object: 'chat.completion',
        created: 1,
        model: request.model.name,
        choices: [{ index: 0, message: { role: 'assistant', content: answer.text }, finish_reason: 'stop' }],
        ...(units && {
          usage: {
            prompt_tokens: units.input_tokens,
            completion_tokens: units.output_tokens,
            total_tokens: units.input_tokens + units.output_tokens,
          },
        }),
      };
    },
    createStreamTranslator: () => ({
      translate(frame): StreamStep {
        let event: {
          event_type?: string;
          text?: string;
          response?: { meta?: { billed_units?: { input_tokens: number; output_tokens: number } } };
        };
        try {
          event = JSON.parse(frame.data);
        } catch (error) {
          throw new TranslationError(`failed to decode event frame from cohere: ${(error as Error).message}`);
        }
        if (event.event_type === 'text-generation')
          return { events: [chunk(event.text ?? '')], text: event.text ?? '' };
        if (event.event_type === 'stream-end') {
          const units = event.response?.meta?.billed_units;
          return {
            events: [chunk(''), '[DONE]'],
            finishReason: 'stop',
            ...(units && {
              usage: { prompt_tokens: units.input_tokens, completion_tokens: units.output_tokens },
            }),
          };
        }
        return { events: [] };
      },
    }),
  };
}

/** A registry of the given drivers, by id. */
export function registryOf(...drivers: ProviderDriver[]): ProviderRegistry {
  return new Map(drivers.map((driver) => [driver.id, driver]));
}

/** The handler the proxy would build for `config` (plugin id `plugin-1`). */
export function handlerFor(
  config: AiProxyConfig,
  providers: ProviderRegistry = registryOf(fakeOpenAiDriver()),
): Required<PluginHandler> {
  const handler = createAiProxyPlugin(providers).createHandler(config, {
    pluginId: 'plugin-1',
    routeId: 'route-1',
    serviceId: null,
  });
  return handler as Required<PluginHandler>;
}

/** Runs `access` and returns the error it answers with, if any. */
export async function accessError(handler: PluginHandler, ctx: RequestContext): Promise<unknown> {
  try {
    await handler.access?.(ctx);
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Feeds `chunks` through a transformer as the gateway does, then `end()`; the client's bytes as text. */
export function runStream(transformer: StreamTransformer, chunks: readonly (string | Buffer)[]): string {
  let out = '';
  for (const chunk of chunks)
    out += transformer.transform(typeof chunk === 'string' ? Buffer.from(chunk) : chunk).toString();
  return out + transformer.end().toString();
}

/** The JSON body of the upstream request `access` prepared. */
export function upstreamJson(ctx: RequestContext): Record<string, unknown> {
  return JSON.parse(ctx.upstream.body.toString()) as Record<string, unknown>;
}
