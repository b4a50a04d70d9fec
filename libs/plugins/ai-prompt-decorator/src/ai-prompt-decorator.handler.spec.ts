import { llmRequestOf } from '@switchyard/llm';
import { accessFailure, buildRequestContext } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import type { AiPromptDecoratorConfig } from './ai-prompt-decorator.config.js';
import { createAiPromptDecoratorHandler } from './ai-prompt-decorator.handler.js';

const SYSTEM = { role: 'system', content: 'You are a pirate.' } as const;
const SECOND = { role: 'assistant', content: 'Arr.' } as const;
const REMINDER = { role: 'user', content: 'Answer in one sentence.' } as const;

const decorator = (prompts: AiPromptDecoratorConfig['prompts'], max_request_body_size = 8192) =>
  createAiPromptDecoratorHandler({ prompts, max_request_body_size });

describe('ai-prompt-decorator access', () => {
  const both = decorator({ prepend: [SYSTEM, SECOND], append: [REMINDER] });

  it("puts prepend before and append after the client's messages, in order, and keeps the rest of the request", async () => {
    const client = {
      model: 'gpt-4o',
      temperature: 0.2,
      messages: [{ role: 'user', content: 'Hi', name: 'ann' }],
    };
    const ctx = buildRequestContext({ body: client });
    expect(await accessFailure(both, ctx)).toBeUndefined();

    const decorated = { ...client, messages: [SYSTEM, SECOND, ...client.messages, REMINDER] };
    // What ai-proxy translates, and what a service without ai-proxy receives.
    expect(llmRequestOf(ctx).body).toEqual(decorated);
    expect(JSON.parse(ctx.upstream.body.toString())).toEqual(decorated);
    expect(ctx.upstream.headers['content-type']).toBe('application/json');
  });

  it('adds only what is configured: prepend alone, append alone', async () => {
    const client = { messages: [{ role: 'user', content: 'Hi' }] };
    const prependOnly = buildRequestContext({ body: client });
    decorator({ prepend: [SYSTEM], append: null }).access!(prependOnly);
    expect(llmRequestOf(prependOnly).body['messages']).toEqual([SYSTEM, client.messages[0]]);
    const appendOnly = buildRequestContext({ body: client });
    decorator({ prepend: null, append: [REMINDER] }).access!(appendOnly);
    expect(llmRequestOf(appendOnly).body['messages']).toEqual([client.messages[0], REMINDER]);
  });

  it('decorates the request as the plugins before it left it (a rendered template), each request anew', async () => {
    const ctx = buildRequestContext({ body: { messages: [{ role: 'user', content: 'raw' }] } });
    llmRequestOf(ctx).body = { messages: [{ role: 'user', content: 'rendered' }] };
    both.access!(ctx);
    expect(llmRequestOf(ctx).body['messages']).toEqual([
      SYSTEM,
      SECOND,
      { role: 'user', content: 'rendered' },
      REMINDER,
    ]);

    const next = buildRequestContext({ body: { messages: [{ role: 'user', content: 'again' }] } });
    both.access!(next);
    expect(llmRequestOf(next).body['messages']).toHaveLength(4);
  });

  it("answers Kong's 400 for a request without chat messages: a completions prompt, an empty chat", async () => {
    for (const body of [{ prompt: 'Hi' }, { messages: [] }, { messages: 'Hi' }])
      expect(await accessFailure(both, buildRequestContext({ body })), JSON.stringify(body)).toEqual([
        400,
        'this LLM route only supports llm/chat type requests',
      ]);
  });

  it("answers Kong's 400 for a body that is not JSON, and 413 for one over max_request_body_size", async () => {
    expect(await accessFailure(both, buildRequestContext({ body: 'Hi' }))).toEqual([
      400,
      'this LLM route only supports application/json requests',
    ]);
    const small = decorator({ prepend: [SYSTEM], append: null }, 10);
    expect(
      (
        await accessFailure(
          small,
          buildRequestContext({ body: { messages: [{ role: 'user', content: 'Hi' }] } }),
        )
      )?.[0],
    ).toBe(413);
  });
});
