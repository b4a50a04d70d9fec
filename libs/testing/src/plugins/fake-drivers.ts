import { TranslationError } from '@switchyard/plugin-api';
import type {
  ChatMessage,
  FinishReason,
  ProviderDriver,
  ProviderId,
  ProviderRegistry,
  StreamStep,
  StreamTransformer,
} from '@switchyard/plugin-api';

/**
 * An OpenAI-format driver like the real one, for core and plugin specs: bodies pass through
 * with the resolved model, the answer is the same object, SSE events unchanged. Its URL is
 * `https://<id>.example/v1/chat/completions` (or `/v1/completions`); Azure's carries `api-version`.
 */
export function fakeOpenAiDriver(id: ProviderId = 'openai'): ProviderDriver {
  const translation = {
    request(body: Readonly<Record<string, unknown>>, request: { model: { name: string }; stream: boolean }) {
      const { top_k: _dropped, ...kept } = body;
      return { body: { ...kept, model: request.model.name, stream: request.stream } };
    },
    response(body: unknown, request: { routeType: string }) {
      if (
        typeof body === 'object' &&
        body !== null &&
        Array.isArray((body as { choices?: unknown }).choices)
      ) {
        const answer = body as {
          model?: string;
          usage?: { prompt_tokens: number; completion_tokens: number };
        };
        return {
          body,
          ...(answer.model && { model: answer.model }),
          ...(answer.usage && { usage: answer.usage }),
        };
      }
      throw new TranslationError(`'choices' not in ${request.routeType} response`);
    },
    stream: () => ({
      contentType: 'text/event-stream; charset=utf-8',
      translate(frame: { data: string }): StreamStep {
        if (frame.data === '[DONE]') return { events: ['[DONE]'], final: true };
        const chunk = JSON.parse(frame.data) as {
          model?: string;
          usage?: { prompt_tokens: number; completion_tokens: number };
          choices?: { delta?: { content?: string }; finish_reason?: FinishReason | null }[];
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
  return {
    id,
    telemetryName: id,
    traits: {
      streamFraming: 'sse',
      streamReportsUsage: false,
      dropsSetCookie: true,
      acceptEncoding: 'gzip, identity',
    },
    routes: { 'llm/v1/chat': { openai: translation }, 'llm/v1/completions': { openai: translation } },
    upstreamUrl: (request) => {
      const url = new URL(
        request.routeType === 'llm/v1/chat' ? '/v1/chat/completions' : '/v1/completions',
        `https://${id}.example`,
      );
      if (id === 'azure')
        url.searchParams.set('api-version', request.clientQuery.get('api-version') ?? '2023-05-15');
      return url;
    },
  };
}

/**
 * A Cohere-like driver for specs: its own request and answer shapes, an NDJSON stream
 * (`{"event_type":"text-generation","text":…}` … `{"event_type":"stream-end",…}`) with token
 * counts. A request whose last message is `untranslatable` fails translation.
 */
export function fakeNdjsonDriver(): ProviderDriver {
  const chunk = (text: string) =>
    JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: text } }] });
  return {
    id: 'cohere',
    telemetryName: 'cohere',
    traits: { streamFraming: 'ndjson', streamReportsUsage: true, dropsSetCookie: false },
    upstreamUrl: () => new URL('https://cohere.example/v1/chat'),
    routes: {
      'llm/v1/chat': {
        openai: {
          request(body, request) {
            const message = (body.messages as ChatMessage[]).at(-1)?.content;
            if (message === 'untranslatable')
              throw new TranslationError('the last message cannot be sent to cohere');
            return {
              body: { model: request.model.name, message, stream: request.stream, p: body.top_p },
              headers: { 'X-Client-Name': 'switchyard' },
            };
          },
          response(body, request) {
            const answer = body as {
              text?: unknown;
              meta?: { billed_units?: { input_tokens: number; output_tokens: number } };
            };
            if (typeof answer.text !== 'string')
              throw new TranslationError("'text' or 'generations' missing from cohere response body");
            const units = answer.meta?.billed_units;
            const usage = units && {
              prompt_tokens: units.input_tokens,
              completion_tokens: units.output_tokens,
              total_tokens: units.input_tokens + units.output_tokens,
            };
            return {
              body: {
                id: 'c-1',
                object: 'chat.completion',
                created: 1,
                model: request.model.name,
                choices: [
                  { index: 0, message: { role: 'assistant', content: answer.text }, finish_reason: 'stop' },
                ],
                ...(usage && { usage }),
              },
              model: request.model.name,
              ...(usage && { usage }),
            };
          },
          stream: () => ({
            contentType: 'text/event-stream; charset=utf-8',
            translate(frame): StreamStep {
              let event: {
                event_type?: string;
                text?: string;
                response?: { meta?: { billed_units?: { input_tokens: number; output_tokens: number } } };
              };
              try {
                event = JSON.parse(frame.data);
              } catch (error) {
                throw new TranslationError(
                  `failed to decode event frame from cohere: ${(error as Error).message}`,
                );
              }
              if (event.event_type === 'text-generation')
                return { events: [chunk(event.text ?? '')], text: event.text ?? '' };
              if (event.event_type === 'stream-end') {
                const units = event.response?.meta?.billed_units;
                return {
                  events: [chunk(''), '[DONE]'],
                  finishReason: 'stop',
                  final: true,
                  ...(units && {
                    usage: { prompt_tokens: units.input_tokens, completion_tokens: units.output_tokens },
                  }),
                };
              }
              return { events: [] };
            },
          }),
        },
      },
    },
  };
}

/** A registry of the given drivers, by id. */
export function registryOf(...drivers: ProviderDriver[]): ProviderRegistry {
  return new Map(drivers.map((driver) => [driver.id, driver]));
}

/** Feeds `chunks` through a transformer as the gateway does, then `end()`; the client's bytes as text. */
export function runStream(transformer: StreamTransformer, chunks: readonly (string | Buffer)[]): string {
  let out = '';
  for (const chunk of chunks)
    out += transformer.transform(typeof chunk === 'string' ? Buffer.from(chunk) : chunk).toString();
  return out + transformer.end().toString();
}
