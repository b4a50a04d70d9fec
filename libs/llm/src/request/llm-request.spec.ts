import { GatewayError } from '@switchyard/plugin-api';
import { buildRequestContext } from '@switchyard/testing';
import { describe, expect, it } from 'vitest';
import {
  checkRequestBodySize,
  currentRequestBody,
  llmRequestOf,
  promptRequestOf,
  replaceRequestBody,
  rewriteLlmRequest,
} from './llm-request.js';

function failure(run: () => unknown): [number, string] {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return [error.status, error.message];
    throw error;
  }
  throw new Error('expected a GatewayError');
}

const CLIENT = { messages: [{ role: 'user', content: 'hi' }] };
const REWRITTEN = { messages: [{ role: 'user', content: 'bonjour' }] };

describe('currentRequestBody', () => {
  it('is the body the plugins before forward: one key-auth rewrote as a string, read and measured as sent', () => {
    const ctx = buildRequestContext({ body: { ...CLIENT, apikey: 'secret-key' } });
    // key-auth's hide_credentials: the key's member gone from what goes upstream.
    ctx.upstream.body = JSON.stringify({ ...CLIENT, note: 'é' });

    expect(JSON.parse(currentRequestBody(ctx).toString())).toEqual({ ...CLIENT, note: 'é' });
    expect(llmRequestOf(ctx).body).toEqual({ ...CLIENT, note: 'é' });
    const bytes = Buffer.byteLength(JSON.stringify({ ...CLIENT, note: 'é' }));
    expect(failure(() => checkRequestBodySize(ctx, bytes - 1))[0]).toBe(413);
    expect(() => checkRequestBodySize(ctx, bytes)).not.toThrow();
  });
});

describe('replaceRequestBody', () => {
  it('sends the new body upstream, with its own length and no encoding', () => {
    const ctx = buildRequestContext({ body: CLIENT, headers: { 'content-length': '42' } });
    replaceRequestBody(ctx, Buffer.from(JSON.stringify(REWRITTEN)));

    expect(JSON.parse(ctx.upstream.body.toString())).toEqual(REWRITTEN);
    expect(ctx.upstream.headers['content-length']).toBeUndefined();
    expect(ctx.upstream.headers['content-encoding']).toBeUndefined();
  });

  it('makes the AI plugins that run later parse the new body, even when one parsed the old one before', () => {
    const ctx = buildRequestContext({ body: CLIENT });
    expect(llmRequestOf(ctx).body).toEqual(CLIENT);
    replaceRequestBody(ctx, Buffer.from(JSON.stringify(REWRITTEN)));

    expect(llmRequestOf(ctx).body).toEqual(REWRITTEN);
    expect(currentRequestBody(ctx).toString()).toBe(JSON.stringify(REWRITTEN));
  });

  it("answers Kong's 400 when the new body is no LLM request (a model that did not answer JSON)", () => {
    const ctx = buildRequestContext({ body: CLIENT });
    replaceRequestBody(ctx, Buffer.from('Sure! Here is your JSON: {}'));

    expect(failure(() => llmRequestOf(ctx))).toEqual([400, "request body doesn't contain valid prompts"]);
  });

  it("reads the new body whatever encoding the client's had: it is the gateway's own", () => {
    const ctx = buildRequestContext({ body: 'gzip bytes', headers: { 'content-encoding': 'gzip' } });
    expect(failure(() => currentRequestBody(ctx))[0]).toBe(415);
    replaceRequestBody(ctx, Buffer.from(JSON.stringify(REWRITTEN)));

    expect(llmRequestOf(ctx).body).toEqual(REWRITTEN);
  });
});

describe('checkRequestBodySize', () => {
  it('answers 413 naming max_request_body_size for a body over it, and lets one at it through', () => {
    const ctx = buildRequestContext({ body: 'x'.repeat(65) });
    expect(failure(() => checkRequestBodySize(ctx, 64))).toEqual([
      413,
      'request body is larger than max_request_body_size (64 bytes); raise config.max_request_body_size or send a smaller request',
    ]);
    expect(() => checkRequestBodySize(ctx, 65)).not.toThrow();
  });

  it('measures the body the plugins see now: a rewritten one', () => {
    const ctx = buildRequestContext({ body: 'x'.repeat(10) });
    replaceRequestBody(ctx, Buffer.from('y'.repeat(100)));

    expect(failure(() => checkRequestBodySize(ctx, 64))[0]).toBe(413);
  });
});

describe('promptRequestOf', () => {
  it("answers Kong's prompt-plugin 400 for a body that is not a JSON object", () => {
    for (const body of ['not json', '[1,2]', 'null'])
      expect(failure(() => promptRequestOf(buildRequestContext({ body })))).toEqual([
        400,
        'this LLM route only supports application/json requests',
      ]);
  });

  it('is the same ctx.llm the other AI plugins read', () => {
    const ctx = buildRequestContext({ body: CLIENT });
    expect(promptRequestOf(ctx)).toBe(llmRequestOf(ctx));
  });
});

describe('llmRequestOf', () => {
  it("refuses a native client's request that a prompt plugin read as OpenAI's, naming llm_format", () => {
    const ctx = buildRequestContext({ body: { model: 'claude', max_tokens: 10, messages: [] } });
    promptRequestOf(ctx);
    const [status, message] = failure(() => llmRequestOf(ctx, 'anthropic'));
    expect(status).toBe(400);
    expect(message).toContain('config.llm_format');
    expect(message).toContain('read the request as openai');
  });

  it('is the parsed request again for a plugin of the same format', () => {
    const ctx = buildRequestContext({ body: CLIENT });
    expect(llmRequestOf(ctx, 'anthropic')).toBe(llmRequestOf(ctx, 'anthropic'));
  });
});

describe('rewriteLlmRequest', () => {
  it('sends the new request upstream as JSON and hands the same object to the plugins that run later', () => {
    const ctx = buildRequestContext({
      body: CLIENT,
      headers: { 'content-type': 'text/plain', 'content-length': '42' },
    });
    llmRequestOf(ctx, 'anthropic');
    rewriteLlmRequest(ctx, REWRITTEN);

    expect(JSON.parse(ctx.upstream.body.toString())).toEqual(REWRITTEN);
    expect(ctx.upstream.headers['content-type']).toBe('application/json');
    expect(ctx.upstream.headers['content-length']).toBeUndefined();
    expect(llmRequestOf(ctx, 'anthropic')).toEqual({ format: 'anthropic', body: REWRITTEN });
  });
});
