import { GatewayError } from '@switchyard/plugin-api';
import { describe, expect, it } from 'vitest';
import { resolveModelName } from './model-resolver.js';
import { buildRequestContext } from '@switchyard/testing';
import { llmRequestOf } from './llm-request.js';
import {
  checkPrompts,
  checkRouteFormat,
  clientWantsStreamUsage,
  decideStreaming,
  withTuningOptions,
} from './request-normalizer.js';

function failure(run: () => unknown): [number, string] {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return [error.status, error.message];
    throw error;
  }
  throw new Error('expected a GatewayError');
}

const chat = { messages: [{ role: 'user', content: 'hi' }] };
const NO_PROMPTS: [number, string] = [400, "request body doesn't contain valid prompts"];

/** The prompt check of a raw body, as `ai-proxy` runs it: parsed into `ctx.llm`, then checked. */
function checkRaw(raw: string): void {
  checkPrompts(llmRequestOf(buildRequestContext({ body: raw })).body);
}

describe('llmRequestOf and checkPrompts', () => {
  it('reads a chat body and a completions body', () => {
    expect(llmRequestOf(buildRequestContext({ body: chat })).body).toEqual(chat);
    expect(() => checkRaw('{"prompt":"hi"}')).not.toThrow();
  });

  it('parses the body once: every plugin sees the same object in ctx.llm', () => {
    const ctx = buildRequestContext({ body: chat });
    const first = llmRequestOf(ctx);
    first.body.messages = [{ role: 'user', content: 'changed' }];
    expect(llmRequestOf(ctx)).toBe(first);
    expect(ctx.llm).toEqual({ format: 'openai', body: { messages: [{ role: 'user', content: 'changed' }] } });
  });

  it.each([
    ['bad JSON', '{"messages": ['],
    ['an empty body', ''],
    ['a JSON array', '[1]'],
    ['empty messages', '{"messages": []}'],
    ['messages that are not a list', '{"messages": {"role": "user"}}'],
    ['a prompt that is not a string', '{"prompt": ["a", "b"]}'],
    [
      "Kong's 'segassem' fixture",
      '{"segassem": [{"role": "system", "content": "You are a mathematician."}]}',
    ],
  ])('rejects %s with 400 "request body doesn\'t contain valid prompts"', (_, body) => {
    expect(failure(() => checkRaw(body))).toEqual(NO_PROMPTS);
  });
});

describe('checkRouteFormat', () => {
  it('accepts a chat body on a chat route and a prompt on a completions route', () => {
    expect(() => checkRouteFormat(chat, 'llm/v1/chat')).not.toThrow();
    expect(() => checkRouteFormat({ prompt: 'hi' }, 'llm/v1/completions')).not.toThrow();
  });

  it('rejects a chat body on a completions route with 400', () => {
    expect(failure(() => checkRouteFormat(chat, 'llm/v1/completions'))).toEqual([
      400,
      '[llm/v1/chat] message format is not compatible with [llm/v1/completions] route type',
    ]);
  });

  it('rejects a completions body on a chat route with 400', () => {
    expect(failure(() => checkRouteFormat({ prompt: 'hi' }, 'llm/v1/chat'))).toEqual([
      400,
      '[llm/v1/completions] message format is not compatible with [llm/v1/chat] route type',
    ]);
  });

  it('rejects a body with both prompt and messages with 400', () => {
    expect(failure(() => checkRouteFormat({ ...chat, prompt: 'Hi world' }, 'llm/v1/completions'))).toEqual([
      400,
      'request matches multiple LLM request formats',
    ]);
  });
});

describe('resolveModelName', () => {
  it('uses the configured model when the body names none or the same', () => {
    expect(resolveModelName('gpt-4o', {})).toBe('gpt-4o');
    expect(resolveModelName('gpt-4o', { model: 'gpt-4o' })).toBe('gpt-4o');
  });

  it("uses the body's model when none is configured", () => {
    expect(resolveModelName(undefined, { model: 'gpt-4o-mini' })).toBe('gpt-4o-mini');
  });

  it('rejects a different body model with 400 naming the configured one', () => {
    expect(failure(() => resolveModelName('gpt-3.5-turbo', { model: 'try-to-override-the-model' }))).toEqual([
      400,
      'cannot use own model - must be: gpt-3.5-turbo',
    ]);
  });

  it("replaces a different body model with the configured one for a balancer's target, and keeps the body's when none is configured", () => {
    expect(resolveModelName('claude-3-5-haiku-latest', { model: 'gpt-4o' }, true)).toBe(
      'claude-3-5-haiku-latest',
    );
    expect(resolveModelName(undefined, { model: 'gpt-4o' }, true)).toBe('gpt-4o');
  });

  it('ignores an empty or non-string body model', () => {
    expect(resolveModelName('gpt-4o', { model: '' })).toBe('gpt-4o');
    expect(resolveModelName('gpt-4o', { model: null })).toBe('gpt-4o');
  });

  it('rejects a request with no model anywhere with 400', () => {
    expect(failure(() => resolveModelName(undefined, { model: null }))).toEqual([
      400,
      'model parameter not found in request, nor in gateway configuration',
    ]);
  });
});

describe('withTuningOptions', () => {
  it("overrides the client's max_tokens, temperature, top_p and top_k with configured ones, in a new body", () => {
    const body = { ...chat, max_tokens: 10, temperature: 0.1, top_p: 0.2, top_k: 3, seed: 7 };
    const merged = withTuningOptions(body, { max_tokens: 512, temperature: 0.5, top_p: 1, top_k: 40 });
    expect(merged).toEqual({ ...chat, max_tokens: 512, temperature: 0.5, top_p: 1, top_k: 40, seed: 7 });
    expect(body).toEqual({ ...chat, max_tokens: 10, temperature: 0.1, top_p: 0.2, top_k: 3, seed: 7 });
  });

  it("keeps the client's body itself where nothing is configured", () => {
    const body = { ...chat, max_tokens: 10, temperature: 0.1 };
    expect(withTuningOptions(body, { max_tokens: null, azure_instance: 'x' })).toBe(body);
  });
});

describe('clientWantsStreamUsage', () => {
  it('is true only when the client turned stream_options.include_usage on', () => {
    expect(clientWantsStreamUsage({ ...chat, stream_options: { include_usage: true } })).toBe(true);
    expect(clientWantsStreamUsage({ ...chat, stream_options: { include_usage: false } })).toBe(false);
    expect(clientWantsStreamUsage({ ...chat, stream_options: null })).toBe(false);
    expect(clientWantsStreamUsage(chat)).toBe(false);
  });
});

describe('decideStreaming', () => {
  it('streams when the client asks and streaming is allowed', () => {
    expect(decideStreaming({ ...chat, stream: true }, 'allow')).toBe(true);
    expect(decideStreaming({ ...chat, stream: false }, 'allow')).toBe(false);
    expect(decideStreaming({ ...chat }, 'allow')).toBe(false);
  });

  it('always streams with response_streaming = always, leaving the body as it is', () => {
    const body = { ...chat };
    expect(decideStreaming(body, 'always')).toBe(true);
    expect(body).toEqual(chat);
  });

  it('rejects a stream request with response_streaming = deny with 400', () => {
    expect(failure(() => decideStreaming({ ...chat, stream: true }, 'deny'))).toEqual([
      400,
      'response streaming is not enabled for this LLM',
    ]);
    expect(decideStreaming({ ...chat }, 'deny')).toBe(false);
  });
});
