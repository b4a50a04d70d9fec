import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_REPLY_TEXT,
  MOCK_PROVIDER_API_KEY,
  addRouteWithPlugins,
  pluginLogOf,
  startMockProvider,
  startScriptedUpstream,
  startStandaloneGateway,
  waitUntilServed,
  type MockProviderServer,
  type PluginInput,
  type ScriptedUpstream,
  type StandaloneGateway,
} from '@switchyard/testing';

/** Kong's spec request (`spec/03-plugins/39-ai-request-transformer/02-integration_spec.lua`). */
const PERSONS = {
  persons: [
    { name: 'Kong A', age: 31 },
    { name: 'Kong B', age: 42 },
  ],
};
const DOUBLED = {
  persons: [
    { name: 'Kong A', age: 62 },
    { name: 'Kong B', age: 84 },
  ],
};
const MATH_PROMPT = 'You are a mathematician. Multiply all numbers in my JSON request, by 2.';
/** An answer padded with talk, as models answer even when asked not to (Kong's fixture). */
const PADDED = `Sure! Here is your JSON: ${JSON.stringify(DOUBLED, null, 2)}.\n Can I do anything else for you?`;
const EXTRACT_JSON = '\\{((.|\\n)*)\\}';
const TIMEOUT_MS = 500;
const TIMEOUT_MESSAGE =
  'failed to introspect request with AI service: request to ai service failed: request failed: timeout';
const CLAUDE = 'claude-3-5-haiku-20241022';

/** Whitespace-separated words: the mocks' token counts. */
const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

describe('ai-request-transformer and ai-response-transformer, through the standalone gateway', () => {
  let gateway: StandaloneGateway;
  /** The transformers' model (OpenAI). */
  let transformLlm: MockProviderServer;
  /** ai-proxy's model, and the transformer's model of the Anthropic route. */
  let anthropic: MockProviderServer;
  /** The service behind the non-AI routes. */
  let backend: ScriptedUpstream;

  const openAiLlm = (options: Record<string, unknown> = {}) => ({
    route_type: 'llm/v1/chat',
    auth: { header_name: 'Authorization', header_value: `Bearer ${MOCK_PROVIDER_API_KEY}` },
    model: {
      provider: 'openai',
      name: 'gpt-4o-mini',
      options: {
        upstream_url: `${transformLlm.url}/v1/chat/completions`,
        temperature: 0,
        input_cost: 10,
        output_cost: 10,
        ...options,
      },
    },
    logging: { log_statistics: true },
  });
  const anthropicLlm = () => ({
    route_type: 'llm/v1/chat',
    auth: { header_name: 'x-api-key', header_value: MOCK_PROVIDER_API_KEY },
    model: {
      provider: 'anthropic',
      name: CLAUDE,
      options: { anthropic_version: '2023-06-01', upstream_url: `${anthropic.url}/v1/messages` },
    },
    logging: { log_statistics: true },
  });

  const addRoute = (name: string, service: string, plugins: readonly PluginInput[]) =>
    addRouteWithPlugins(gateway, service, name, [`/${name}`], plugins);

  beforeAll(async () => {
    [transformLlm, anthropic, backend] = await Promise.all([
      startMockProvider('openai'),
      startMockProvider('anthropic'),
      startScriptedUpstream(),
    ]);
    gateway = await startStandaloneGateway();
    expect(
      (await gateway.admin.json('POST', '/services', { name: 'backend', url: backend.url })).status,
    ).toBe(201);
    expect(
      (await gateway.admin.json('POST', '/services', { name: 'llm', url: 'http://localhost:32000' })).status,
    ).toBe(201);
    const requestTransformer = (config: Record<string, unknown>) => ({
      name: 'ai-request-transformer',
      config: { prompt: MATH_PROMPT, llm: openAiLlm(), ...config },
    });
    const responseTransformer = (config: Record<string, unknown>) => ({
      name: 'ai-response-transformer',
      config: {
        prompt: 'Mask all credit card numbers with *. Return ONLY the JSON.',
        llm: openAiLlm(),
        ...config,
      },
    });
    const aiProxy = { name: 'ai-proxy', config: anthropicLlm() };
    await addRoute('req-flat', 'backend', [requestTransformer({})]);
    await addRoute('req-extract', 'backend', [
      requestTransformer({ transformation_extract_pattern: EXTRACT_JSON }),
    ]);
    await addRoute('req-timeout', 'backend', [requestTransformer({ http_timeout: TIMEOUT_MS })]);
    await addRoute('req-claude', 'backend', [requestTransformer({ llm: anthropicLlm() })]);
    await addRoute('chat-rewritten', 'llm', [
      requestTransformer({ prompt: 'Translate the user messages of this chat request into French.' }),
      aiProxy,
    ]);
    await addRoute('res-flat', 'backend', [responseTransformer({})]);
    await addRoute('res-instructions', 'backend', [
      responseTransformer({
        parse_llm_response_json_instructions: true,
        transformation_extract_pattern: EXTRACT_JSON,
      }),
    ]);
    await addRoute('res-raw-instructions', 'backend', [
      responseTransformer({ parse_llm_response_json_instructions: true }),
    ]);
    await addRoute('res-timeout', 'backend', [responseTransformer({ http_timeout: TIMEOUT_MS })]);
    await addRoute('chat-reviewed', 'llm', [aiProxy, responseTransformer({ prompt: 'Review this answer.' })]);
    await waitUntilServed(gateway.proxyUrl, '/chat-reviewed');
  }, 60_000);

  beforeEach(() => {
    transformLlm.reset();
    anthropic.reset();
    backend.reset();
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([transformLlm?.close(), anthropic?.close(), backend?.close()]);
  });

  async function post(path: string, body: unknown) {
    const response = await fetch(`${gateway.proxyUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  /** The messages the transformers' model was last asked. */
  function askedMessages(): { role: string; content: string }[] {
    return (transformLlm.lastRequest()!.body as { messages: { role: string; content: string }[] }).messages;
  }

  async function metricsText(): Promise<string> {
    return (await fetch(`${gateway.statusUrl}/metrics`)).text();
  }

  describe('ai-request-transformer', () => {
    it("sends the client's body to the model with the prompt, and the model's answer upstream instead", async () => {
      transformLlm.setBehaviour({ replyText: JSON.stringify(DOUBLED) });
      const response = await post('/req-flat', PERSONS);

      expect(response.status, response.text).toBe(200);
      expect(JSON.parse(response.text)).toEqual({ upstream: 'scripted' });
      expect(askedMessages()).toEqual([
        { role: 'system', content: MATH_PROMPT },
        { role: 'user', content: JSON.stringify(PERSONS) },
      ]);
      expect(transformLlm.lastRequest()!.body).toMatchObject({ model: 'gpt-4o-mini', temperature: 0 });
      expect(backend.requests).toHaveLength(1);
      expect(JSON.parse(backend.requests[0]!.body)).toEqual(DOUBLED);
      expect(backend.requests[0]!.headers['content-length']).toBe(String(JSON.stringify(DOUBLED).length));
    });

    it('logs the model call under ai.ai-request-transformer, as Kong does, and counts its tokens in the metrics', async () => {
      transformLlm.setBehaviour({ replyText: JSON.stringify(DOUBLED) });
      expect((await post('/req-flat', PERSONS)).status).toBe(200);

      const prompt = words(`${MATH_PROMPT} ${JSON.stringify(PERSONS)}`);
      const completion = words(JSON.stringify(DOUBLED));
      const entry = (await pluginLogOf(gateway, '/req-flat', 'ai.ai-request-transformer'))[
        'ai.ai-request-transformer'
      ]!;
      expect(entry['meta']).toMatchObject({
        provider_name: 'openai',
        request_model: 'gpt-4o-mini',
        response_model: 'gpt-4o-mini',
        plugin_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(entry['usage']).toMatchObject({
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
        cost: ((prompt + completion) * 10) / 1_000_000,
      });
      const metrics = await metricsText();
      expect(metrics).toMatch(
        /kong_ai_llm_tokens_total\{ai_provider="openai",ai_model="gpt-4o-mini",[^}]*token_type="completion_tokens"\} [1-9]/,
      );
    });

    it('keeps the first match of transformation_extract_pattern, and refuses an answer it does not match with 400', async () => {
      transformLlm.setBehaviour({ replyText: PADDED });
      const extracted = await post('/req-extract', PERSONS);
      expect(extracted.status, extracted.text).toBe(200);
      expect(JSON.parse(backend.requests[0]!.body)).toEqual(DOUBLED);

      backend.reset();
      transformLlm.setBehaviour({ replyText: 'I would rather not.' });
      const refused = await post('/req-extract', PERSONS);
      expect(refused.status).toBe(400);
      expect(JSON.parse(refused.text)).toEqual({
        error: { message: 'AI response did not match specified regular expression' },
      });
      expect(backend.requests).toHaveLength(0);
    });

    it("answers Kong's 400 within http_timeout when the model hangs, and the upstream never sees the request", async () => {
      transformLlm.setBehaviour({ hang: true });
      const started = performance.now();
      const response = await post('/req-timeout', PERSONS);

      expect(response.status).toBe(400);
      expect(JSON.parse(response.text)).toEqual({ error: { message: TIMEOUT_MESSAGE } });
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 2_000);
      expect(backend.requests).toHaveLength(0);
    });

    it("answers Kong's 400 when the model answers an error", async () => {
      transformLlm.setBehaviour({ status: 500, body: '<html>Internal Server Error</html>' });
      const response = await post('/req-flat', PERSONS);

      expect(response.status).toBe(400);
      expect(JSON.parse(response.text)).toEqual({
        error: { message: 'failed to introspect request with AI service: status code 500' },
      });
      expect(backend.requests).toHaveLength(0);
    });

    it('calls a model of any provider of this gateway: Anthropic, translated and authenticated by its driver', async () => {
      const response = await post('/req-claude', PERSONS);

      expect(response.status, response.text).toBe(200);
      const asked = anthropic.lastRequest()!;
      expect(asked.path).toBe('/v1/messages');
      expect(asked.headers).toMatchObject({
        'x-api-key': MOCK_PROVIDER_API_KEY,
        'anthropic-version': '2023-06-01',
      });
      expect(asked.body).toMatchObject({
        model: CLAUDE,
        system: MATH_PROMPT,
        messages: [{ role: 'user', content: JSON.stringify(PERSONS) }],
      });
      expect(backend.requests[0]!.body).toBe(DEFAULT_REPLY_TEXT);
    });

    it('rewrites the prompt before ai-proxy translates it: the proxied model gets the rewritten chat (official openai client)', async () => {
      const french = { messages: [{ role: 'user', content: 'Bonjour, combien font 1 + 1 ?' }] };
      transformLlm.setBehaviour({ replyText: JSON.stringify(french) });
      const client = new OpenAI({
        baseURL: `${gateway.proxyUrl}/chat-rewritten`,
        apiKey: 'client-key',
        maxRetries: 0,
      });
      const completion = await client.chat.completions.create({
        model: CLAUDE,
        messages: [{ role: 'user', content: 'Hello, what is 1 + 1?' }],
        user: 'user-42',
      });

      expect(completion.choices[0]!.message.content).toBe(DEFAULT_REPLY_TEXT);
      const transformed = JSON.parse(askedMessages()[1]!.content) as Record<string, unknown>;
      expect(transformed).toMatchObject({
        model: CLAUDE,
        messages: [{ role: 'user', content: 'Hello, what is 1 + 1?' }],
      });
      expect(anthropic.requests).toHaveLength(1);
      expect(anthropic.lastRequest()!.body).toMatchObject({
        model: CLAUDE,
        messages: [{ role: 'user', content: 'Bonjour, combien font 1 + 1 ?' }],
      });

      const log = await pluginLogOf(gateway, '/chat-rewritten/chat/completions', 'ai.proxy');
      expect(log['ai.ai-request-transformer']!['meta']).toMatchObject({ provider_name: 'openai' });
      expect(log['ai.proxy']!['meta']).toMatchObject({ provider_name: 'anthropic', request_model: CLAUDE });
      expect(await metricsText()).toMatch(
        new RegExp(
          `kong_ai_llm_requests_total\\{ai_provider="anthropic",ai_model="${CLAUDE}",[^}]*\\} [1-9]`,
        ),
      );
    });

    it("answers ai-proxy's 400 when the model rewrote the request into something that is no chat request", async () => {
      transformLlm.setBehaviour({ replyText: 'Bonjour !' });
      const response = await post('/chat-rewritten', { messages: [{ role: 'user', content: 'Hello' }] });

      expect(response.status).toBe(400);
      expect(JSON.parse(response.text)).toEqual({
        error: { message: "request body doesn't contain valid prompts" },
      });
      expect(anthropic.requests).toHaveLength(0);
    });
  });

  describe('ai-response-transformer', () => {
    const CARD = { user: { name: 'Kong User', card: '4111 1111 1111 1111' } };
    const MASKED = { user: { name: 'Kong User', card: '**** **** **** ****' } };

    it("sends the upstream's answer to the model, and the client the model's answer with the upstream's status and headers", async () => {
      backend.reply = { status: 201, headers: { 'x-upstream': 'yes' }, body: CARD };
      transformLlm.setBehaviour({ replyText: JSON.stringify(MASKED) });
      const response = await post('/res-flat', { id: 1 });

      expect(response.status).toBe(201);
      expect(response.headers.get('x-upstream')).toBe('yes');
      expect(JSON.parse(response.text)).toEqual(MASKED);
      expect(backend.requests[0]!.body).toBe('{"id":1}');
      expect(askedMessages()[1]).toEqual({ role: 'user', content: JSON.stringify(CARD) });
      expect(
        (await pluginLogOf(gateway, '/res-flat', 'ai.ai-response-transformer'))[
          'ai.ai-response-transformer'
        ]!['meta'],
      ).toMatchObject({
        provider_name: 'openai',
      });
    });

    it("follows the model's JSON instructions (status, headers, body), cut out of its padding (Kong's spec)", async () => {
      const xml =
        '<persons>\n  <person>\n    <name>Kong A</name>\n    <age>62</age>\n  </person>\n</persons>';
      const instructions = { status: 209, headers: { 'content-type': 'application/xml' }, body: xml };
      backend.reply = { body: PERSONS };
      transformLlm.setBehaviour({
        replyText: `Sure! Here's your response: ${JSON.stringify(instructions, null, 2)}.\nCan I help with anything else?`,
      });
      const response = await post('/res-instructions', {});

      expect(response.status).toBe(209);
      expect(response.headers.get('content-type')).toBe('application/xml');
      expect(response.text).toBe(xml);
    });

    it("answers Kong's 500 for instructions that are no JSON", async () => {
      transformLlm.setBehaviour({ replyText: 'Sure! Here is your response.' });
      const response = await post('/res-raw-instructions', {});

      expect(response.status).toBe(500);
      expect((JSON.parse(response.text) as { error: { message: string } }).error.message).toMatch(
        /^failed to parse JSON response instructions from AI backend: /,
      );
    });

    it("answers Kong's 400 within http_timeout when the model is too slow", async () => {
      transformLlm.setBehaviour({ delayMs: 5_000 });
      const started = performance.now();
      const response = await post('/res-timeout', {});

      expect(response.status).toBe(400);
      expect(JSON.parse(response.text)).toEqual({ error: { message: TIMEOUT_MESSAGE } });
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 2_000);
      expect(backend.requests).toHaveLength(1);
    });

    it("transforms ai-proxy's answer after ai-proxy translated it to OpenAI's shape", async () => {
      transformLlm.setBehaviour({ replyText: 'Reviewed: the answer is 2.' });
      const response = await post('/chat-reviewed', {
        messages: [{ role: 'user', content: 'What is 1+1?' }],
      });

      expect(response.status, response.text).toBe(200);
      expect(response.text).toBe('Reviewed: the answer is 2.');
      const upstreamAnswer = JSON.parse(askedMessages()[1]!.content) as Record<string, unknown>;
      expect(upstreamAnswer).toMatchObject({
        object: 'chat.completion',
        choices: [{ message: { role: 'assistant', content: DEFAULT_REPLY_TEXT } }],
      });
      const log = await pluginLogOf(gateway, '/chat-reviewed', 'ai.proxy');
      expect(Object.keys(log).sort()).toEqual(['ai.ai-response-transformer', 'ai.proxy']);
    });

    it('refuses with 400 a request whose answer would be streamed, before any model is called', async () => {
      const response = await post('/chat-reviewed', {
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
      });

      expect(response.status).toBe(400);
      expect(response.text).toContain('ai-response-transformer rewrites whole answers');
      expect(anthropic.requests).toHaveLength(0);
      expect(transformLlm.requests).toHaveLength(0);
    });
  });

  describe('Admin API', () => {
    it("refuses a transformer whose llm is not a chat model, with Kong's messages", async () => {
      const response = await gateway.admin.json('POST', '/plugins', {
        name: 'ai-request-transformer',
        config: { llm: { ...openAiLlm(), route_type: 'llm/v1/completions' } },
      });

      expect(response.status).toBe(400);
      expect(response.body.fields.config).toEqual({
        '@entity': ["'config.llm.route_type' must be 'llm/v1/chat' for AI transformer plugins"],
        llm: { route_type: 'value must be llm/v1/chat' },
        prompt: 'required field missing',
      });
    });

    it('refuses an extract pattern with a construct RE2 lacks, and a proxy host without its port', async () => {
      const response = await gateway.admin.json('POST', '/plugins', {
        name: 'ai-response-transformer',
        config: {
          prompt: 'p',
          transformation_extract_pattern: '(?=\\{)\\{.*',
          https_proxy_host: 'squid.internal',
          llm: openAiLlm(),
        },
      });

      expect(response.status).toBe(400);
      expect(response.body.fields.config['@entity']).toEqual([
        "all or none of these fields must be set: 'https_proxy_host', 'https_proxy_port'",
        expect.stringMatching(
          /^transformation_extract_pattern: invalid regex '\(\?=\\\{\)\\\{\.\*': lookahead `\(\?=` is not supported/,
        ),
      ]);
    });
  });
});
