import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BEARER_AUTH, postJson } from './mock-provider.spec-helpers.js';
import { startMockProvider, type MockProviderServer } from './mock-provider-server.js';
import { DEFAULT_REPLY_TEXT } from './mock-provider.types.js';

const INPUTS = '<s>[INST] <<SYS>> You are terse. <</SYS>> What is 1 + 1? [/INST]';

/** The `data:` payloads of a text-generation server's SSE body (`data:` without a space, as TGI writes it). */
function tgiEvents(text: string): Record<string, unknown>[] {
  return text
    .trimEnd()
    .split('\n\n')
    .map((event) => {
      expect(event.startsWith('data:')).toBe(true);
      return JSON.parse(event.slice('data:'.length)) as Record<string, unknown>;
    });
}

/** Plain fetch: text-generation servers have no client of their own on npm. */
describe('text-generation server mock (llama2 raw)', () => {
  let mock: MockProviderServer;
  const post = (path: string, body: unknown, headers: Record<string, string> = BEARER_AUTH) =>
    postJson(`${mock.url}${path}`, body, headers);

  beforeAll(async () => {
    mock = await startMockProvider('llama2');
  });
  beforeEach(() => mock.reset());
  afterAll(() => mock.close());

  it('answers POST / with [{generated_text, details}], and /generate with the object', async () => {
    const body = { inputs: INPUTS, parameters: { details: true, max_new_tokens: 64 } };
    const list = await post('/', body);
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual([
      {
        generated_text: DEFAULT_REPLY_TEXT,
        details: { finish_reason: 'eos_token', generated_tokens: 9, seed: null },
      },
    ]);
    expect(await (await post('/generate', { inputs: INPUTS })).json()).toEqual({
      generated_text: DEFAULT_REPLY_TEXT,
    });
  });

  it('returns the prompt with the answer when return_full_text asks, and length when max_new_tokens cuts it', async () => {
    const [generation] = (await (
      await post('/', {
        inputs: INPUTS,
        parameters: { return_full_text: true, max_new_tokens: 2, details: true },
      })
    ).json()) as unknown[];
    expect(generation).toEqual({
      generated_text: `${INPUTS}The answer`,
      details: { finish_reason: 'length', generated_tokens: 2, seed: null },
    });
  });

  it('streams tokens as SSE, the last event carrying generated_text and details', async () => {
    const response = await post('/', { inputs: INPUTS, parameters: { details: true }, stream: true });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events = tgiEvents(await response.text());
    expect(
      events
        .slice(0, -1)
        .map((event) => (event.token as { text: string }).text)
        .join(''),
    ).toBe(DEFAULT_REPLY_TEXT);
    expect(events.at(-1)).toMatchObject({
      token: { text: '</s>', special: true },
      generated_text: DEFAULT_REPLY_TEXT,
      details: { finish_reason: 'eos_token', generated_tokens: 9 },
    });
    expect(tgiEvents(await (await post('/generate_stream', { inputs: INPUTS })).text()).at(-1)).toMatchObject(
      { details: null },
    );
  });

  it('refuses the parameter values a text-generation server refuses, and a body without inputs', async () => {
    const refused = await post('/', { inputs: INPUTS, parameters: { top_p: 1.0 } });
    expect([refused.status, await refused.json()]).toEqual([
      422,
      { error: '`top_p` must be > 0.0 and < 1.0', error_type: 'validation' },
    ]);
    expect((await post('/', { inputs: INPUTS, parameters: { temperature: 0 } })).status).toBe(422);
    expect((await post('/', { messages: [] })).status).toBe(422);
  });

  it('ends a stream with an error event, and answers a wrong key with 401', async () => {
    mock.setBehaviour({ streamErrorAfter: 1 });
    const events = tgiEvents(await (await post('/', { inputs: INPUTS, stream: true })).text());
    expect(events.at(-1)).toEqual({
      error: 'Request failed during generation: Server error: CUDA out of memory',
      error_type: 'generation',
    });
    expect((await post('/', { inputs: INPUTS }, { authorization: 'Bearer nope' })).status).toBe(401);
  });
});
