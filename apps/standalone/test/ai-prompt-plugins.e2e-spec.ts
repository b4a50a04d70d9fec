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
  type ScriptedUpstream,
  type StandaloneGateway,
} from '@switchyard/testing';

const CLAUDE = 'claude-3-5-haiku-20241022';
const TEACHER = 'You are a patient teacher.';
const BRIEF = 'Answer in two sentences.';
/** The operator's template: the whole request, with two placeholders in a user message. */
const EXPLAIN = '{"messages": [{"role": "user", "content": "Explain {{topic}} to a {{audience}}."}]}';
const HOSTILE_PROMPT = `${'a'.repeat(5000)}!`;

/** The prompt plugins of every AI route here: template (773), decorator (772), guard (771). */
const PROMPT_PLUGINS = [
  {
    name: 'ai-prompt-template',
    config: {
      templates: [{ name: 'explain', template: EXPLAIN }],
      allow_untemplated_requests: false,
      log_original_request: true,
    },
  },
  {
    name: 'ai-prompt-decorator',
    config: {
      prompts: {
        prepend: [{ role: 'system', content: TEACHER }],
        append: [{ role: 'user', content: BRIEF }],
      },
    },
  },
  { name: 'ai-prompt-guard', config: { deny_patterns: ['(?i)\\bpasswords?\\b', '(a+)+$'] } },
];

describe('ai-prompt-template, ai-prompt-decorator and ai-prompt-guard before ai-proxy, through the standalone gateway', () => {
  let gateway: StandaloneGateway;
  let openai: MockProviderServer;
  let anthropic: MockProviderServer;
  let backend: ScriptedUpstream;

  const openAiProxy = () => ({
    name: 'ai-proxy',
    config: {
      route_type: 'llm/v1/chat',
      auth: { header_name: 'Authorization', header_value: `Bearer ${MOCK_PROVIDER_API_KEY}` },
      model: {
        provider: 'openai',
        name: 'gpt-4o-mini',
        options: { upstream_url: `${openai.url}/v1/chat/completions` },
      },
    },
  });
  const anthropicProxy = () => ({
    name: 'ai-proxy',
    config: {
      route_type: 'llm/v1/chat',
      auth: { header_name: 'x-api-key', header_value: MOCK_PROVIDER_API_KEY },
      model: {
        provider: 'anthropic',
        name: CLAUDE,
        options: {
          anthropic_version: '2023-06-01',
          max_tokens: 256,
          upstream_url: `${anthropic.url}/v1/messages`,
        },
      },
    },
  });

  beforeAll(async () => {
    [openai, anthropic, backend] = await Promise.all([
      startMockProvider('openai'),
      startMockProvider('anthropic'),
      startScriptedUpstream(),
    ]);
    gateway = await startStandaloneGateway();
    for (const [name, url] of [
      ['llm', 'http://localhost:32000'],
      ['backend', backend.url],
    ])
      expect((await gateway.admin.json('POST', '/services', { name, url })).status).toBe(201);
    await addRouteWithPlugins(
      gateway,
      'llm',
      'prompt-openai',
      ['/prompt-openai'],
      [...PROMPT_PLUGINS, openAiProxy()],
    );
    await addRouteWithPlugins(
      gateway,
      'llm',
      'prompt-anthropic',
      ['/prompt-anthropic'],
      [...PROMPT_PLUGINS, anthropicProxy()],
    );
    await addRouteWithPlugins(
      gateway,
      'llm',
      'hostile-guard',
      ['/hostile-guard'],
      [
        {
          name: 'ai-prompt-guard',
          config: {
            deny_patterns: ['(a+)+$'],
            allow_patterns: ['(a|aa)+b'],
            allow_all_conversation_history: true,
          },
        },
        openAiProxy(),
      ],
    );
    await addRouteWithPlugins(gateway, 'backend', 'hostile-path', ['~/r/(a+)+$'], []);
    await waitUntilServed(gateway.proxyUrl, '/r/aaa');
  }, 60_000);

  beforeEach(() => {
    openai.reset();
    anthropic.reset();
    backend.reset();
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([openai?.close(), anthropic?.close(), backend?.close()]);
  });

  /** The official client, with the template call it sends as the chat (not a type the SDK knows). */
  function templatedChat(route: string, properties: Record<string, string>) {
    const client = new OpenAI({
      baseURL: `${gateway.proxyUrl}/${route}`,
      apiKey: 'client-key',
      maxRetries: 0,
    });
    const params = { model: 'any', messages: '{template://explain}', properties, user: 'user-42' };
    return client.chat.completions.create(params as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
  }

  async function post(path: string, body: unknown) {
    const response = await fetch(`${gateway.proxyUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  }

  const RENDERED = 'Explain "tail calls" to a C programmer.';

  it('renders the template, decorates it, checks it and sends it to OpenAI as exactly these messages', async () => {
    const completion = await templatedChat('prompt-openai', {
      topic: '"tail calls"',
      audience: 'C programmer',
    });

    expect(completion.choices[0]!.message.content).toBe(DEFAULT_REPLY_TEXT);
    expect(openai.requests).toHaveLength(1);
    // Kong's template replaces the whole request: the client's model and user went with it
    // (ai-proxy adds the configured model and `stream`).
    expect(openai.lastRequest()!.body).toEqual({
      model: 'gpt-4o-mini',
      stream: false,
      messages: [
        { role: 'system', content: TEACHER },
        { role: 'user', content: RENDERED },
        { role: 'user', content: BRIEF },
      ],
    });
    const log = await pluginLogOf(gateway, '/prompt-openai/chat/completions', 'ai.payload');
    expect(JSON.parse((log['ai.payload'] as { original_request: string }).original_request)).toMatchObject({
      messages: '{template://explain}',
      properties: { topic: '"tail calls"' },
    });
  });

  it('sends the same rendered and decorated chat to Anthropic, translated: the system message apart, the user turns joined', async () => {
    const completion = await templatedChat('prompt-anthropic', {
      topic: '"tail calls"',
      audience: 'C programmer',
    });

    expect(completion.choices[0]!.message.content).toBe(DEFAULT_REPLY_TEXT);
    expect(anthropic.requests).toHaveLength(1);
    expect(anthropic.lastRequest()!.body).toMatchObject({
      model: CLAUDE,
      max_tokens: 256,
      system: TEACHER,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: RENDERED },
            { type: 'text', text: BRIEF },
          ],
        },
      ],
    });
    expect(openai.requests).toHaveLength(0);
  });

  it("refuses a prompt the guard denies with Kong's 400: no provider sees it, the log names the pattern and message only", async () => {
    for (const route of ['prompt-openai', 'prompt-anthropic']) {
      const refused = templatedChat(route, { topic: 'my bank password', audience: 'thief' });
      await expect(refused).rejects.toMatchObject({ status: 400, error: { message: 'bad request' } });
    }
    expect(openai.requests).toHaveLength(0);
    expect(anthropic.requests).toHaveLength(0);

    const log = await pluginLogOf(gateway, '/prompt-anthropic/chat/completions', 'ai.ai-prompt-guard');
    // After decoration the rendered message is the second one (index 1).
    expect(log['ai.ai-prompt-guard']).toEqual({
      blocked: 'prompt pattern is blocked',
      pattern: '(?i)\\bpasswords?\\b',
      matched: { message: 1, role: 'user' },
    });
  });

  it("answers Kong's template errors before any provider is called", async () => {
    expect(await post('/prompt-openai', { messages: '{template://nope}' })).toEqual({
      status: 400,
      body: { error: { message: 'could not find template name [nope]' } },
    });
    expect(
      await post('/prompt-openai', { messages: '{template://explain}', properties: { topic: 'x' } }),
    ).toEqual({
      status: 400,
      body: { error: { message: 'missing template parameters: [audience]' } },
    });
    expect(await post('/prompt-openai', { messages: [{ role: 'user', content: 'Hi' }] })).toEqual({
      status: 400,
      body: { error: { message: 'this LLM route only supports templated requests' } },
    });
    expect(openai.requests).toHaveLength(0);
  });

  it('keeps answering while a guard runs (a+)+$ on 5,000 a and a !, and routes a path that would backtrack the same way', async () => {
    const started = performance.now();
    const [hostile, denied, path, other] = await Promise.all([
      post('/hostile-guard', { messages: [{ role: 'user', content: HOSTILE_PROMPT }] }),
      post('/hostile-guard', { messages: [{ role: 'user', content: 'a'.repeat(5000) }] }),
      fetch(`${gateway.proxyUrl}/r/${HOSTILE_PROMPT}`),
      templatedChat('prompt-openai', { topic: 'regular expressions', audience: 'child' }),
    ]);
    expect(performance.now() - started).toBeLessThan(2_000);

    // No allow pattern matched the first, the deny pattern matched the second; neither reached OpenAI.
    expect(hostile).toEqual({ status: 400, body: { error: { message: 'bad request' } } });
    expect(denied).toEqual({ status: 400, body: { error: { message: 'bad request' } } });
    expect(path.status).toBe(404);
    expect(other.choices[0]!.message.content).toBe(DEFAULT_REPLY_TEXT);
    expect(openai.requests).toHaveLength(1);
    expect((await fetch(`${gateway.proxyUrl}/r/aaa`)).status).toBe(200);
  });

  it('refuses through the Admin API a guard pattern RE2 cannot run, naming it, and a decorator without messages', async () => {
    const guard = await gateway.admin.json('POST', '/routes/hostile-guard/plugins', {
      name: 'ai-prompt-guard',
      config: { deny_patterns: ['(\\w+)\\s\\1'] },
    });
    expect(guard.status).toBe(400);
    expect((guard.body as { fields: unknown }).fields).toEqual({
      config: {
        '@entity': [
          "deny_patterns: invalid regex '(\\w+)\\s\\1': backreference `\\1` is not supported (user regexes run on RE2, which matches in linear time and has no lookaround, backreferences, atomic groups or possessive quantifiers)",
        ],
      },
    });
    const decorator = await gateway.admin.json('POST', '/routes/hostile-guard/plugins', {
      name: 'ai-prompt-decorator',
      config: { prompts: { prepend: [] } },
    });
    expect(decorator.status).toBe(400);
    expect((decorator.body as { fields: unknown }).fields).toEqual({
      config: {
        '@entity': [
          "at least one of these fields must be non-empty: 'config.prompts.prepend', 'config.prompts.append'",
        ],
      },
    });
  });

  it("takes the README's form-encoded decorator: indexed records of a list", async () => {
    await addRouteWithPlugins(gateway, 'llm', 'form-decorated', ['/form-decorated'], []);
    const created = await gateway.admin.form('POST', '/routes/form-decorated/plugins', [
      ['name', 'ai-prompt-decorator'],
      ['config.prompts.prepend[1].role', 'system'],
      ['config.prompts.prepend[1].content', TEACHER],
      ['config.prompts.append[1].role', 'user'],
      ['config.prompts.append[1].content', BRIEF],
    ]);
    expect(created.status, created.text).toBe(201);
    expect(created.body.config.prompts).toEqual({
      prepend: [{ role: 'system', content: TEACHER }],
      append: [{ role: 'user', content: BRIEF }],
    });
  });
});
