import type { ClientApi, ProviderDriver, ProviderRegistry, RouteTranslation } from '@switchyard/plugin-api';
import { fakeOpenAiDriver, makeProviderRequest } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import { clientApiFor, clientRouteFor, pivotRouteTypeOf, servesClientFormat } from './client-route.js';
import { createErrorReshaper } from './reshaped-error.js';
import { upstreamErrorMessage } from './upstream-error.js';

/** A client API for specs: `{ask}` bodies, answers wrapped as `{said}`, stream events named `said`. */
const echoApi: ClientApi = {
  format: 'anthropic',
  routeTypes: ['llm/v1/chat'],
  paths: ['/v1/messages'],
  matches: (path) => path.endsWith('/v1/messages'),
  read: (body) => ({ model: body.model, stream: body.stream === true }),
  pivot: {
    toOpenAi: (body) => ({ messages: [{ role: 'user', content: body.ask }] }),
    fromOpenAiResponse: (answer) => ({ ...answer, body: { said: answer.body } }),
    createStreamAdapter: (openAi) => ({
      contentType: 'text/event-stream',
      translate(frame) {
        const step = openAi.translate(frame);
        return { ...step, events: step.events.map((event) => ({ event: 'said', data: String(event) })) };
      },
    }),
  },
  errorBody: (status, message) => ({ failed: { status, message } }),
  streamErrorEvent: (message) => ({ event: 'failed', data: message }),
};

const owner: ProviderDriver = { ...fakeOpenAiDriver('anthropic'), clientApi: echoApi };
const direct: RouteTranslation = owner.routes['llm/v1/chat']!.openai!;
const ownerWithEntry: ProviderDriver = {
  ...owner,
  routes: { 'llm/v1/chat': { openai: direct, anthropic: direct } },
};
const openai = fakeOpenAiDriver('openai');
const registry: ProviderRegistry = new Map([
  ['anthropic', ownerWithEntry],
  ['openai', openai],
]);
const request = makeProviderRequest({ provider: 'openai', name: 'gpt-4o', options: {} });

describe('how a client format is served', () => {
  it("finds a format's client API on the driver that owns it, and none for openai", () => {
    expect(clientApiFor(registry, 'anthropic', 'llm/v1/chat')).toBe(echoApi);
    expect(clientApiFor(registry, 'openai', 'llm/v1/chat')).toBeUndefined();
    expect(clientApiFor(registry, 'gemini', 'llm/v1/chat')).toBeUndefined();
  });

  it("uses the driver's own entry for the format (same provider), else the pivot through its openai entry", () => {
    expect(clientRouteFor(ownerWithEntry, 'llm/v1/chat', 'anthropic', echoApi)).toEqual({
      translation: direct,
    });
    const pivot = clientRouteFor(openai, 'llm/v1/chat', 'anthropic', echoApi);
    expect(pivot?.pivot).toBe(echoApi.pivot);
    // A route type the client API does not serve, or a format without one, is not served.
    expect(clientRouteFor(openai, 'llm/v1/completions', 'anthropic', echoApi)).toBeUndefined();
    expect(clientRouteFor(openai, 'llm/v1/chat', 'gemini', undefined)).toBeUndefined();
  });

  it('finds an openai client API by its route type, and pivots it through the openai entry of its pivot route type', () => {
    const responsesLike: ClientApi = {
      ...echoApi,
      format: 'openai',
      routeTypes: ['llm/v1/responses'],
      pivot: { ...echoApi.pivot!, routeType: 'llm/v1/chat' },
    };
    const owning: ProviderRegistry = new Map([['openai', { ...openai, clientApi: responsesLike }]]);
    expect(clientApiFor(owning, 'openai', 'llm/v1/responses')).toBe(responsesLike);
    expect(clientApiFor(owning, 'openai', 'llm/v1/chat')).toBeUndefined();
    // `openai` has no llm/v1/responses entry: the pivot asks its chat entry.
    const route = clientRouteFor(openai, 'llm/v1/responses', 'openai', responsesLike);
    expect(route?.pivot).toBe(responsesLike.pivot);
    expect(pivotRouteTypeOf(route!.pivot!, 'llm/v1/responses')).toBe('llm/v1/chat');
    const body = { messages: [{ role: 'user', content: 'hi' }], top_k: 3 };
    expect(route!.translation.request(body, request)).toEqual(
      openai.routes['llm/v1/chat']!.openai!.request(body, request),
    );
    const chatless: ProviderDriver = {
      ...openai,
      routes: { 'llm/v1/completions': openai.routes['llm/v1/completions'] },
    };
    expect(clientRouteFor(chatless, 'llm/v1/responses', 'openai', responsesLike)).toBeUndefined();
  });

  it("answers through the client API: whole answers with the OpenAI side's summary, streams step by step", () => {
    const pivot = clientRouteFor(openai, 'llm/v1/chat', 'anthropic', echoApi)!.translation;
    if (!('stream' in pivot)) throw new Error('a chat pivot streams');
    const answer = { choices: [], model: 'gpt-4o-1', usage: { prompt_tokens: 3, completion_tokens: 2 } };
    expect(pivot.response(answer, request)).toEqual({
      body: { said: answer },
      model: 'gpt-4o-1',
      usage: { prompt_tokens: 3, completion_tokens: 2 },
    });
    const step = pivot.stream(request).translate({ data: '{"choices":[{"delta":{"content":"hi"}}]}' });
    expect(step).toEqual({
      events: [{ event: 'said', data: '{"choices":[{"delta":{"content":"hi"}}]}' }],
      text: 'hi',
    });
  });

  it('tells the Admin API which provider, route type and format combinations are served', () => {
    expect(servesClientFormat(registry, 'openai', 'llm/v1/chat', 'anthropic')).toBe(true);
    expect(servesClientFormat(registry, 'openai', 'llm/v1/completions', 'anthropic')).toBe(false);
    expect(servesClientFormat(registry, 'openai', 'llm/v1/chat', 'cohere')).toBe(false);
    expect(servesClientFormat(registry, 'bedrock', 'llm/v1/chat', 'anthropic')).toBe(false);
  });
});

describe("another provider's error answer, for a native client", () => {
  it.each([
    ['{"error":{"message":"Rate limit reached","type":"requests"}}', 'Rate limit reached'],
    ['{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', 'Overloaded'],
    ['{"message":"Too many tokens, please wait."}', 'Too many tokens, please wait.'],
    ['{"Message":"User is not authorized"}', 'User is not authorized'],
    ['{"error":"Model is loading"}', 'Model is loading'],
    ['<html>Bad gateway</html>', '<html>Bad gateway</html>'],
    ['', 'the upstream answered 503'],
  ])('reads the message of %s', (text, message) => {
    expect(upstreamErrorMessage(text, 503)).toBe(message);
  });

  it('reads a streamed error answer whole and sends it at its end in the client shape', () => {
    const seen: string[] = [];
    const reshaper = createErrorReshaper(echoApi, 429, (text) => seen.push(text));
    expect(reshaper.transform(Buffer.from('{"error":{"message":"slow'))).toBe('');
    expect(reshaper.transform(Buffer.from(' down"}}'))).toBe('');
    expect(JSON.parse(reshaper.end().toString())).toEqual({ failed: { status: 429, message: 'slow down' } });
    expect(seen).toEqual(['{"error":{"message":"slow down"}}']);
    expect(reshaper.end()).toBe('');
  });
});
