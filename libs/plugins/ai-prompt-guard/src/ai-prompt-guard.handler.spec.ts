import { llmRequestOf } from '@switchyard/llm';
import { accessFailure, buildRequestContext } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import type { AiPromptGuardConfig } from './ai-prompt-guard.config.js';
import { AI_PROMPT_GUARD_LOG, createAiPromptGuardHandler } from './ai-prompt-guard.handler.js';

const config = (overrides: Partial<AiPromptGuardConfig>): AiPromptGuardConfig => ({
  allow_patterns: null,
  deny_patterns: null,
  allow_all_conversation_history: false,
  max_request_body_size: 8192,
  match_all_roles: false,
  ...overrides,
});

const chat = (...messages: [role: string, content: unknown][]) => ({
  messages: messages.map(([role, content]) => ({ role, content })),
});

const BLOCKED: [number, string] = [400, 'bad request'];

describe('ai-prompt-guard access', () => {
  const denyCard = createAiPromptGuardHandler(config({ deny_patterns: ['\\d{4}-\\d{4}-\\d{4}-\\d{4}'] }));

  it("refuses with Kong's 400 'bad request' a prompt a deny pattern matches, and logs which message matched, not the prompt", async () => {
    const ctx = buildRequestContext({
      body: chat(
        ['system', 'You help.'],
        ['user', 'My card is 1234-5678-9012-3456, buy it'],
        ['assistant', 'No.'],
        ['user', 'Please'],
      ),
    });
    expect(await accessFailure(denyCard, ctx)).toEqual(BLOCKED);
    expect(ctx.log[AI_PROMPT_GUARD_LOG]).toEqual({
      blocked: 'prompt pattern is blocked',
      pattern: '\\d{4}-\\d{4}-\\d{4}-\\d{4}',
      matched: { message: 1, role: 'user' },
    });
    expect(JSON.stringify(ctx.log)).not.toContain('1234-5678');
  });

  it('lets through a prompt no deny pattern matches, unchanged and without a log entry', async () => {
    const body = chat(['user', 'What is a credit card?']);
    const ctx = buildRequestContext({ body });
    expect(await accessFailure(denyCard, ctx)).toBeUndefined();
    expect(llmRequestOf(ctx).body).toEqual(body);
    expect(ctx.log).toEqual({});
  });

  it("checks every user message by default (Kong's allow_all_conversation_history = false), but not other roles", async () => {
    const history = chat(['user', 'card 1234-5678-9012-3456'], ['assistant', 'ok'], ['user', 'thanks']);
    expect(await accessFailure(denyCard, buildRequestContext({ body: history }))).toEqual(BLOCKED);
    const inSystem = chat(['system', 'card 1234-5678-9012-3456'], ['user', 'hello']);
    expect(await accessFailure(denyCard, buildRequestContext({ body: inSystem }))).toBeUndefined();
  });

  it('checks only the latest user message with allow_all_conversation_history = true', async () => {
    const latestOnly = createAiPromptGuardHandler(
      config({ deny_patterns: ['1234'], allow_all_conversation_history: true }),
    );
    const history = chat(['user', 'card 1234'], ['assistant', 'ok'], ['user', 'thanks']);
    expect(await accessFailure(latestOnly, buildRequestContext({ body: history }))).toBeUndefined();
    const latest = chat(['user', 'hello'], ['user', 'card 1234'], ['assistant', 'ok']);
    expect(await accessFailure(latestOnly, buildRequestContext({ body: latest }))).toEqual(BLOCKED);
  });

  it('checks the messages of every role with match_all_roles', async () => {
    const allRoles = createAiPromptGuardHandler(config({ deny_patterns: ['secret'], match_all_roles: true }));
    const ctx = buildRequestContext({ body: chat(['system', 'the secret is 42'], ['user', 'hello']) });
    expect(await accessFailure(allRoles, ctx)).toEqual(BLOCKED);
    expect(ctx.log[AI_PROMPT_GUARD_LOG]).toMatchObject({ matched: { message: 0, role: 'system' } });
  });

  it('requires a match of one allow pattern when some are set, deny patterns first', async () => {
    const guard = createAiPromptGuardHandler(
      config({ allow_patterns: ['(?i)\\bcats?\\b', 'dogs'], deny_patterns: ['tigers'] }),
    );
    expect(
      await accessFailure(guard, buildRequestContext({ body: chat(['user', 'Tell me about Cats']) })),
    ).toBeUndefined();
    const off = buildRequestContext({ body: chat(['user', 'Tell me about birds']) });
    expect(await accessFailure(guard, off)).toEqual(BLOCKED);
    expect(off.log[AI_PROMPT_GUARD_LOG]).toEqual({ blocked: "prompt doesn't match any allowed pattern" });
    const denied = buildRequestContext({ body: chat(['user', 'cats and tigers']) });
    expect(await accessFailure(guard, denied)).toEqual(BLOCKED);
    expect(denied.log[AI_PROMPT_GUARD_LOG]).toMatchObject({
      blocked: 'prompt pattern is blocked',
      pattern: 'tigers',
    });
  });

  it('matches across messages as Kong does: the latest first, each followed by a space', async () => {
    const guard = createAiPromptGuardHandler(config({ deny_patterns: ['^second first $'] }));
    const ctx = buildRequestContext({ body: chat(['user', 'first'], ['user', 'second']) });
    expect(await accessFailure(guard, ctx)).toEqual(BLOCKED);
    expect(ctx.log[AI_PROMPT_GUARD_LOG]).toMatchObject({ matched: { message: 1, role: 'user' } });
  });

  it('checks the prompt of a completions request', async () => {
    const ctx = buildRequestContext({ body: { prompt: 'card 1111-2222-3333-4444' } });
    expect(await accessFailure(denyCard, ctx)).toEqual(BLOCKED);
    expect(ctx.log[AI_PROMPT_GUARD_LOG]).toMatchObject({ matched: { field: 'prompt' } });
  });

  it("refuses with the same 'bad request' a body it cannot read: no prompt, a role that is no string, multimodal content", async () => {
    for (const body of [
      { input: 'x' },
      { messages: [{ content: 'hi' }] },
      chat(['user', [{ type: 'text', text: 'hi' }]]),
    ]) {
      const ctx = buildRequestContext({ body });
      expect(await accessFailure(denyCard, ctx), JSON.stringify(body)).toEqual(BLOCKED);
      expect(ctx.log[AI_PROMPT_GUARD_LOG]).toEqual({
        blocked: 'ai-prompt-guard only supports llm/v1/chat or llm/v1/completions prompts',
      });
    }
  });

  it("answers Kong's 400 for a body that is not JSON, and 413 for one over max_request_body_size", async () => {
    expect(await accessFailure(denyCard, buildRequestContext({ body: 'hello' }))).toEqual([
      400,
      'this LLM route only supports application/json requests',
    ]);
    const small = createAiPromptGuardHandler(config({ deny_patterns: ['x'], max_request_body_size: 10 }));
    expect(
      (await accessFailure(small, buildRequestContext({ body: chat(['user', 'hello there']) })))?.[0],
    ).toBe(413);
  });

  it('checks the request as the plugins before it left it (a decorated chat)', async () => {
    const ctx = buildRequestContext({ body: chat(['user', 'hello']) });
    llmRequestOf(ctx).body = chat(['user', 'card 1234-5678-9012-3456'], ['user', 'hello']);
    expect(await accessFailure(denyCard, ctx)).toEqual(BLOCKED);
  });

  it('answers at once on patterns that backtrack catastrophically elsewhere: (a+)+$ against 5,000 a and a !', async () => {
    const guard = createAiPromptGuardHandler(
      config({
        deny_patterns: ['(a+)+$'],
        allow_patterns: ['(a|aa)+b'],
        allow_all_conversation_history: true,
      }),
    );
    const hostile = buildRequestContext({ body: chat(['user', `${'a'.repeat(5000)}!`]) });
    const started = performance.now();
    // The deny pattern finds no match (the text ends with '!'), nor does the allow pattern (no b).
    expect(await accessFailure(guard, hostile)).toEqual(BLOCKED);
    expect(hostile.log[AI_PROMPT_GUARD_LOG]).toEqual({ blocked: "prompt doesn't match any allowed pattern" });
    const denied = buildRequestContext({ body: chat(['user', 'a'.repeat(5000)]) });
    expect(await accessFailure(guard, denied)).toEqual(BLOCKED);
    expect(denied.log[AI_PROMPT_GUARD_LOG]).toMatchObject({ pattern: '(a+)+$' });
    expect(performance.now() - started).toBeLessThan(250);
  });
});
