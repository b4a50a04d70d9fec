import { describe, expect, it } from 'vitest';
import {
  buildKeyAuthCredential,
  compileConsumerDirectory,
  validatePluginConfig,
  type Consumer,
} from '@switchyard/config';
import { GatewayError, type RequestContext } from '@switchyard/plugin-api';
import { buildRequestContext, type RequestContextOptions } from '@switchyard/testing';
import type { KeyAuthConfig } from './key-auth.config.js';
import { createKeyAuthHandler } from './key-auth.handler.js';
import { keyAuthSchema } from './key-auth.schema.js';

const NOW = Math.floor(Date.now() / 1000);

function consumer(id: string, username: string | null, custom_id: string | null = null): Consumer {
  return { id, username, custom_id, created_at: NOW, updated_at: NOW, tags: null };
}

const alice = consumer('11111111-1111-4111-8111-111111111111', 'alice', 'crm-7');
const guest = consumer('22222222-2222-4222-8222-222222222222', 'guest');
const aliceKey = buildKeyAuthCredential({ consumer: { id: alice.id }, key: 'alice-key' }, NOW);
const expiredKey = buildKeyAuthCredential({ consumer: { id: alice.id }, key: 'old-key', ttl: 60 }, NOW - 120);
const directory = compileConsumerDirectory([alice, guest], [aliceKey.credential, expiredKey.credential]);

/** The config the Admin API would store for `input` (defaults filled by the real schema). */
function config(input: Record<string, unknown> = {}): KeyAuthConfig {
  const result = validatePluginConfig(keyAuthSchema, input);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value as unknown as KeyAuthConfig;
}

function request(options: RequestContextOptions = {}): RequestContext {
  return buildRequestContext({ consumers: directory, ...options });
}

/** Runs `access`; the GatewayError it threw, if any. */
async function access(conf: KeyAuthConfig, ctx: RequestContext): Promise<GatewayError | undefined> {
  try {
    await createKeyAuthHandler(conf).access!(ctx);
    return undefined;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
}

describe('key-auth access', () => {
  it('refuses a request without a key with 401, Kong’s message and a Key challenge', async () => {
    const refusal = await access(config(), request());
    expect(refusal?.status).toBe(401);
    expect(refusal?.toBody()).toEqual({ message: 'No API key found in request' });
    expect(refusal?.headers).toEqual({ 'www-authenticate': 'Key' });
  });

  it('names the configured realm in the challenge', async () => {
    const refusal = await access(config({ realm: 'llm' }), request());
    expect(refusal?.headers).toEqual({ 'www-authenticate': 'Key realm="llm"' });
  });

  it('refuses a wrong key with 401 Unauthorized (Kong 3.10), and an empty one as no key', async () => {
    const wrong = await access(config(), request({ headers: { apikey: 'nope' } }));
    expect(wrong?.status).toBe(401);
    expect(wrong?.toBody()).toEqual({ message: 'Unauthorized' });
    const empty = await access(config(), request({ url: '/chat?apikey=' }));
    expect(empty?.toBody()).toEqual({ message: 'No API key found in request' });
  });

  it('identifies the consumer of a good key, in a header, and tells the upstream who called', async () => {
    const ctx = request({ headers: { apikey: 'alice-key', 'x-consumer-username': 'forged' } });
    expect(await access(config(), ctx)).toBeUndefined();
    expect(ctx.consumer).toEqual({ id: alice.id, username: 'alice', custom_id: 'crm-7' });
    expect(ctx.credential).toEqual({ id: aliceKey.credential.id, consumerId: alice.id });
    expect(ctx.upstream.headers).toMatchObject({
      'x-consumer-id': alice.id,
      'x-consumer-username': 'alice',
      'x-consumer-custom-id': 'crm-7',
      'x-credential-identifier': aliceKey.credential.id,
    });
    expect(ctx.upstream.headers['x-anonymous-consumer']).toBeUndefined();
    // Without hide_credentials the key goes on, as in Kong.
    expect(ctx.upstream.headers['apikey']).toBe('alice-key');
  });

  it('takes the key from the query, then the body, only where the config allows', async () => {
    expect(await access(config(), request({ url: '/chat?apikey=alice-key' }))).toBeUndefined();
    expect(
      (await access(config({ key_in_query: false }), request({ url: '/chat?apikey=alice-key' })))?.status,
    ).toBe(401);
    expect(
      (await access(config({ key_in_header: false }), request({ headers: { apikey: 'alice-key' } })))?.status,
    ).toBe(401);
    const json = request({ body: { apikey: 'alice-key', messages: [] } });
    expect((await access(config(), json))?.status).toBe(401);
    expect(await access(config({ key_in_body: true }), json)).toBeUndefined();
    const form = request({
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'apikey=alice-key&q=1',
    });
    expect(await access(config({ key_in_body: true }), form)).toBeUndefined();
  });

  it('tries each key name in order and answers a key sent twice as a duplicate', async () => {
    const names = config({ key_names: ['x-team-key', 'apikey'] });
    expect(await access(names, request({ headers: { apikey: 'alice-key' } }))).toBeUndefined();
    const twice = await access(config(), request({ url: '/chat?apikey=a&apikey=b' }));
    expect(twice?.toBody()).toEqual({ message: 'Duplicate API key found' });
    const listInBody = await access(config({ key_in_body: true }), request({ body: { apikey: ['a', 'b'] } }));
    expect(listInBody?.toBody()).toEqual({ message: 'Duplicate API key found' });
  });

  it('refuses a key whose ttl ran out', async () => {
    const refusal = await access(config(), request({ headers: { apikey: 'old-key' } }));
    expect(refusal?.toBody()).toEqual({ message: 'Unauthorized' });
  });

  it('with hide_credentials, removes the key from the upstream header, query and body', async () => {
    const hide = config({ hide_credentials: true, key_in_body: true });
    const header = request({ url: '/chat?x=1', headers: { apikey: 'alice-key' } });
    expect(await access(hide, header)).toBeUndefined();
    expect(header.upstream.headers['apikey']).toBeUndefined();
    expect(header.upstream.url.search).toBe('?x=1');

    const query = request({ url: '/chat?apikey=alice-key&x=1' });
    expect(await access(hide, query)).toBeUndefined();
    expect(query.upstream.query.toString()).toBe('x=1');
    expect(query.upstream.url.search).toBe('?x=1');

    const body = request({
      body: { apikey: 'alice-key', model: 'gpt-4o' },
      headers: { 'content-length': '40' },
    });
    expect(await access(hide, body)).toBeUndefined();
    expect(JSON.parse(body.upstream.body.toString())).toEqual({ model: 'gpt-4o' });
    expect(body.upstream.headers['content-length']).toBeUndefined();

    const form = request({
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'q=1&apikey=alice-key',
    });
    expect(await access(hide, form)).toBeUndefined();
    expect(form.upstream.body).toBe('q=1');
  });

  it('makes a request without a valid key the anonymous consumer’s, by username or id', async () => {
    for (const anonymous of ['guest', guest.id]) {
      const ctx = request({ headers: { apikey: 'nope' } });
      expect(await access(config({ anonymous }), ctx)).toBeUndefined();
      expect(ctx.consumer?.id).toBe(guest.id);
      expect(ctx.credential).toBeUndefined();
      expect(ctx.upstream.headers['x-anonymous-consumer']).toBe('true');
      expect(ctx.upstream.headers['x-credential-identifier']).toBeUndefined();
    }
    const good = request({ headers: { apikey: 'alice-key' } });
    expect(await access(config({ anonymous: 'guest' }), good)).toBeUndefined();
    expect(good.consumer?.id).toBe(alice.id);
  });

  it('answers 500 naming an anonymous consumer that does not exist', async () => {
    const refusal = await access(config({ anonymous: 'ghost' }), request());
    expect(refusal?.status).toBe(500);
    expect(refusal?.message).toContain("anonymous consumer 'ghost'");
  });

  it('leaves a request another authentication plugin identified alone when anonymous is set (logical OR)', async () => {
    const ctx = request();
    ctx.consumer = { id: alice.id, username: 'alice', custom_id: null };
    ctx.credential = { id: 'other-credential', consumerId: alice.id };
    expect(await access(config({ anonymous: 'guest' }), ctx)).toBeUndefined();
    expect(ctx.consumer.id).toBe(alice.id);
  });

  it('lets OPTIONS through unauthenticated only when run_on_preflight is false', async () => {
    expect((await access(config(), request({ method: 'OPTIONS' })))?.status).toBe(401);
    expect(await access(config({ run_on_preflight: false }), request({ method: 'OPTIONS' }))).toBeUndefined();
  });
});

describe('key-auth config', () => {
  it("has Kong's defaults", () => {
    expect(config()).toEqual({
      key_names: ['apikey'],
      hide_credentials: false,
      anonymous: null,
      key_in_header: true,
      key_in_query: true,
      key_in_body: false,
      run_on_preflight: true,
      realm: null,
    });
  });

  it("refuses a key name that cannot be a header, with Kong's message", () => {
    const result = validatePluginConfig(keyAuthSchema, { key_names: ['ok', 'not ok'] });
    expect(result).toEqual({
      ok: false,
      errors: { '@entity': ["bad header name 'not ok', allowed characters are A-Z, a-z, 0-9, '_', and '-'"] },
    });
  });
});
