import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openConfigStore } from '@switchyard/config';
import type { TestResponse } from '@switchyard/testing';
import { startInProcessAdmin } from './in-process-admin.js';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const NUL = 'must not contain the NUL character (\\u0000)';
const SURROGATE = 'must be valid Unicode text (it holds an unpaired UTF-16 surrogate)';

/** A JSON array nested `depth` deep: `[[[...]]]`. */
const nestedArrays = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

describe('Admin API input safety (issue 10)', () => {
  const admin = startInProcessAdmin(() => openConfigStore({ dataDir: 'memory://' }));

  /** Sends a write and checks that it stored nothing (the config version did not move). */
  const refusedWrite = async (write: () => Promise<TestResponse>): Promise<TestResponse> => {
    const version = await admin().store.currentVersion();
    const response = await write();
    expect(await admin().store.currentVersion()).toBe(version);
    return response;
  };
  const send = (method: string, path: string, body: string, type: string) =>
    refusedWrite(() => admin().client.send(method, path, body, type));
  const sendJson = (path: string, body: unknown) =>
    send('POST', path, typeof body === 'string' ? body : JSON.stringify(body), JSON_TYPE);

  const expectPrototypesUntouched = () => {
    expect(typeof Object.prototype.toString).toBe('function');
    expect(Object.hasOwn(Object.prototype, 'x-polluted')).toBe(false);
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
  };
  const expectAdminStillAnswers = async () => {
    expect((await admin().client.get('/status')).status).toBe(200);
    const created = await admin().client.json('POST', '/consumers', { username: `c-${randomUUID()}` });
    expect(created.status).toBe(201);
  };

  describe('keys that reach a prototype are refused with 400 naming them (finding 4)', () => {
    it.each(['/anything', '/services'])('in a urlencoded form on %s', async (path) => {
      const response = await send('POST', path, '__proto__[toString]=x&__proto__[x-polluted]=yes', FORM);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        code: 2,
        name: 'schema violation',
        fields: { '__proto__[toString]': "the key '__proto__' is not allowed" },
      });
      expectPrototypesUntouched();
      await expectAdminStillAnswers();
    });

    it.each([
      ['constructor[prototype][x-polluted]=1', 'constructor'],
      ['config.prototype=1', 'prototype'],
      ['tags[__proto__]=1', '__proto__'],
    ])('anywhere in a form key: %s', async (pair, key) => {
      const response = await send('POST', '/plugins', `name=ai-proxy&${pair}`, FORM);
      expect(response.status).toBe(400);
      expect(response.body.fields).toEqual({ [pair.split('=')[0]!]: `the key '${key}' is not allowed` });
      expectPrototypesUntouched();
    });

    it('in a multipart form', async () => {
      const form = new FormData();
      form.append('host', 'multipart.example');
      form.append('__proto__[x-polluted]', 'yes');
      const response = await refusedWrite(() => admin().client.multipart('POST', '/services', form));
      expect(response.status).toBe(400);
      expect(response.body.fields).toEqual({ '__proto__[x-polluted]': "the key '__proto__' is not allowed" });
      expectPrototypesUntouched();
      await expectAdminStillAnswers();
    });

    it('in a JSON body, at the top and nested', async () => {
      const top = await sendJson('/services', '{"host":"x.example","__proto__":{"x-polluted":"yes"}}');
      expect(top.status).toBe(400);
      expect(Object.keys(top.body.fields)).toEqual(['__proto__']);
      expect(top.body.fields['__proto__']).toBe("the key '__proto__' is not allowed");

      const nested = await sendJson('/plugins', {
        name: 'ai-proxy',
        config: { constructor: { prototype: { polluted: true } } },
      });
      expect(nested.status).toBe(400);
      expect(nested.body.fields).toEqual({ config: { constructor: "the key 'constructor' is not allowed" } });
      expectPrototypesUntouched();
      await expectAdminStillAnswers();
    });
  });

  describe('form keys are bounded (finding 10)', () => {
    it('refuses a key nested 10,000 deep, and one nested 20 deep, naming the key', async () => {
      const huge = `tags${'[a]'.repeat(10_000)}`;
      const tooLong = await send('POST', '/services', `host=x.example&${huge}=v`, FORM);
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.fields).toEqual({ [`${huge.slice(0, 64)}...`]: 'key longer than 1024 characters' });

      const deep = `tags${'[a]'.repeat(20)}`;
      const tooDeep = await send('POST', '/services', `host=x.example&${deep}=v`, FORM);
      expect(tooDeep.status).toBe(400);
      expect(tooDeep.body.fields).toEqual({ [deep]: 'nested more than 16 levels deep' });
    });

    it('refuses a form of more than 1,000 fields', async () => {
      const body = ['host=x.example', ...Array.from({ length: 1_000 }, (_, i) => `tags[]=t${i}`)].join('&');
      const response = await send('POST', '/services', body, FORM);
      expect(response.status).toBe(400);
      expect(response.body.fields).toEqual({ '@entity': ['a form body may have at most 1000 fields'] });
    });
  });

  describe('client mistakes are 400 or 409 naming the field, never 500 (finding 11)', () => {
    it.each([
      ['NUL in a username', '/consumers', { username: 'a\u0000b' }, { username: NUL }],
      [
        'an unpaired surrogate in a username',
        '/consumers',
        '{"username":"a\\ud800b"}',
        { username: SURROGATE },
      ],
      [
        'an unpaired surrogate in a tag',
        '/services',
        '{"host":"x.example","tags":["ok","a\\udc00"]}',
        { tags: [null, SURROGATE] },
      ],
      ['NUL in a route path', '/routes', { paths: ['/a\u0000'] }, { paths: [NUL] }],
      ['NUL in a header value', '/routes', { headers: { 'x-a': ['\u0000'] } }, { headers: { 'x-a': [NUL] } }],
      [
        'NUL in plugin config',
        '/plugins',
        {
          name: 'ai-proxy',
          config: { route_type: 'llm/v1/chat', model: { provider: 'openai', name: 'a\u0000' } },
        },
        { config: { model: { name: NUL } } },
      ],
      [
        'an id that is not a UUID',
        '/services',
        { id: 'abc', host: 'x.example' },
        { id: 'expected a valid UUID' },
      ],
      [
        'a string over 16 KiB in plugin config',
        '/plugins',
        { name: 'ai-proxy', config: { auth: { header_value: 'k'.repeat(16_385) } } },
        { config: { auth: { header_value: 'length must be at most 16384' } } },
      ],
    ])('%s', async (_, path, body, fields) => {
      const response = await sendJson(path, body);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 2, name: 'schema violation', fields });
    });

    it('answers NUL in a header name with 400 naming headers', async () => {
      const response = await sendJson('/routes', { headers: { 'x-\u0000': ['a'] } });
      expect(response.status).toBe(400);
      expect(response.body.fields).toEqual({ headers: { 'x-\u0000': `key: ${NUL}` } });
    });

    it('answers a duplicate id with 409, as a duplicate name', async () => {
      const id = randomUUID();
      expect((await admin().client.json('POST', '/services', { id, host: 'first.example' })).status).toBe(
        201,
      );
      const response = await sendJson('/services', { id, host: 'second.example' });
      expect(response.status).toBe(409);
      expect(response.body).toEqual({
        code: 5,
        name: 'unique constraint violation',
        message: `UNIQUE violation detected on '{id="${id}"}'`,
        fields: { id },
      });
    });

    it('answers NUL in the URL path or a query parameter with 400 naming it', async () => {
      const byKey = await admin().client.get('/services/%00');
      expect(byKey.status).toBe(400);
      expect(byKey.body).toEqual({ message: `invalid URL path: ${NUL}` });
      const nested = await sendJson('/routes/%00/plugins', { name: 'ai-proxy' });
      expect(nested.status).toBe(400);
      const byTag = await admin().client.get('/services?tags=%00');
      expect(byTag.status).toBe(400);
      expect(byTag.body).toEqual({ message: `invalid query parameter 'tags': ${NUL}` });
    });

    it('answers NUL in a PATCH and in a foreign key name with 400 naming the field', async () => {
      await admin().client.json('POST', '/services', { name: 'patched', host: 'patched.example' });
      const patch = await refusedWrite(() =>
        admin().client.json('PATCH', '/services/patched', { path: '/\u0000' }),
      );
      expect(patch.status).toBe(400);
      expect(patch.body.fields).toEqual({ path: NUL });
      const reference = await sendJson('/routes', { paths: ['/fk'], service: { name: '\u0000' } });
      expect(reference.status).toBe(400);
      expect(reference.body.fields).toEqual({ service: { name: NUL } });
    });

    it.each([
      ['paths[x]=/a&paths[]=/b', 'paths[]', "'paths' is given both as a map and as a list"],
      ['paths[]=/a&paths[x]=/b', 'paths[x]', "'paths' is given both as a list and as a map"],
      ['paths=/a&paths[x]=/b', 'paths[x]', "'paths' is given both as a value and as a map"],
      ['[]=/a', '[]', 'a form key must start with a name'],
    ])('answers the form %s with 400 naming the key', async (body, key, message) => {
      const response = await send('POST', '/routes', body, FORM);
      expect(response.status).toBe(400);
      expect(response.body.fields).toEqual({ [key]: message });
    });
  });

  describe('what the Admin API stores, a proxy can serve (finding 3)', () => {
    it('refuses a header regex the router cannot compile, naming headers', async () => {
      const response = await send('POST', '/routes', 'headers.x-a=~*(', FORM);
      expect(response.status).toBe(400);
      expect(response.body.fields.headers).toContain("invalid header 'x-a' regex '~*('");
    });

    it('refuses sources nested 4,000 deep, naming sources', async () => {
      const response = await sendJson('/routes', { paths: ['/deep'], sources: nestedArrays(4_000) });
      expect(response.status).toBe(400);
      expect(response.body.fields).toEqual({ sources: 'nested more than 16 levels deep' });
    });

    it("accepts sources and destinations in Kong's shape, from JSON and from a form", async () => {
      const json = await admin().client.json('POST', '/routes', {
        paths: ['/sources'],
        sources: [{ ip: '10.0.0.0/8' }, { ip: '192.168.1.1', port: 80 }],
        destinations: [{ port: 443 }],
      });
      expect(json.status).toBe(201);
      expect(json.body.sources).toEqual([{ ip: '10.0.0.0/8' }, { ip: '192.168.1.1', port: 80 }]);
      const form = await admin().client.send(
        'POST',
        '/routes',
        'paths[]=/form-sources&sources[1].ip=10.0.0.1&sources[1].port=8080',
        FORM,
      );
      expect(form.status).toBe(201);
      expect(form.body.sources).toEqual([{ ip: '10.0.0.1', port: 8080 }]);
    });

    it.each([
      [{ sources: [{ ip: 'not-an-ip' }] }, { sources: "ip: invalid ip or cidr range: 'not-an-ip'" }],
      [{ sources: [[]] }, { sources: 'expected a record' }],
      [{ name: 'n'.repeat(1_025) }, { name: 'length must be at most 1024' }],
      [{ tags: Array.from({ length: 257 }, (_, i) => `t${i}`) }, { tags: 'length must be at most 256' }],
    ])('bounds and shapes every route field: %j', async (fields, errors) => {
      const response = await sendJson('/routes', { paths: ['/bounded'], ...fields });
      expect(response.status).toBe(400);
      expect(response.body.fields).toEqual(errors);
    });
  });
});
