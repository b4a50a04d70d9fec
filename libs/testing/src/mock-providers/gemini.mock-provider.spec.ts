import { sign } from 'node:crypto';
import { ApiError, GoogleGenAI, Type, type Tool } from '@google/genai';
import { JWT } from 'google-auth-library';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  GOOGLE_TOKEN_AUDIENCE,
  startMockGoogleTokenEndpoint,
  type MockGoogleTokenEndpoint,
  type ServiceAccountKeyFile,
} from './google-token-endpoint.js';
import { postJson } from './mock-provider.spec-helpers.js';
import { startMockProvider, type MockProviderServer } from './mock-provider-server.js';
import { DEFAULT_REPLY_TEXT, MOCK_PROVIDER_API_KEY } from './mock-provider.types.js';

const MODEL = 'gemini-2.0-flash';
const QUESTION = 'What is 1 + 1?';
const SYSTEM = 'You are terse.';
// "You are terse." + "What is 1 + 1?" = 3 + 5 words; the default reply is 8 words.
const PROMPT_TOKENS = 8;
const REPLY_TOKENS = 8;
const TOOL_CALLS = [
  { name: 'get_weather', arguments: { city: 'Oslo' } },
  { name: 'get_time', arguments: { zone: 'Europe/Oslo' } },
];
const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';
const VERTEX_PATH = `/v1/projects/p/locations/us-central1/publishers/google/models/${MODEL}`;
const CHAT = {
  systemInstruction: { parts: [{ text: SYSTEM }] },
  contents: [{ role: 'user', parts: [{ text: QUESTION }] }],
};

/** An access token for `key` from its token endpoint, through google-auth-library's JWT client. */
async function accessToken(key: ServiceAccountKeyFile): Promise<string> {
  const client = new JWT({ email: key.client_email, key: key.private_key, scopes: [CLOUD_PLATFORM] });
  client.transporter.interceptors.request.add({
    resolved: async (config) => {
      config.url = new URL(key.token_uri);
      return config;
    },
  });
  const { token } = await client.getAccessToken();
  return token!;
}

/** A JWT-bearer grant for `claims`, signed RS256 with `privateKey` (to make assertions the real client never would). */
function grant(privateKey: string, claims: Record<string, unknown>): URLSearchParams {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signed = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(claims)}`;
  const signature = sign('sha256', Buffer.from(signed), privateKey).toString('base64url');
  return new URLSearchParams({
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    assertion: `${signed}.${signature}`,
  });
}

/** The elements of Google's streamed JSON array, parsed whole. */
async function arrayChunks(response: Response): Promise<Record<string, unknown>[]> {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return JSON.parse(await response.text()) as Record<string, unknown>[];
}

describe('Gemini mock provider', () => {
  let tokens: MockGoogleTokenEndpoint;
  let mock: MockProviderServer;
  let ai: GoogleGenAI;

  beforeAll(async () => {
    tokens = await startMockGoogleTokenEndpoint();
    mock = await startMockProvider('gemini', { accessTokens: tokens });
    // The version the gateway calls (the SDK's default is v1).
    ai = new GoogleGenAI({
      apiKey: MOCK_PROVIDER_API_KEY,
      httpOptions: { baseUrl: mock.url, apiVersion: 'v1beta' },
    });
  });
  beforeEach(() => mock.reset());
  afterAll(async () => {
    await mock.close();
    await tokens.close();
  });

  describe('the Gemini API, driven by @google/genai', () => {
    it('answers generateContent that the SDK reads, counting words as tokens', async () => {
      const response = await ai.models.generateContent({
        model: MODEL,
        contents: QUESTION,
        config: { systemInstruction: SYSTEM },
      });
      expect(response.text).toBe(DEFAULT_REPLY_TEXT);
      expect(response.candidates?.[0]?.finishReason).toBe('STOP');
      expect(response.modelVersion).toBe(MODEL);
      expect(response.usageMetadata).toMatchObject({
        promptTokenCount: PROMPT_TOKENS,
        candidatesTokenCount: REPLY_TOKENS,
        totalTokenCount: PROMPT_TOKENS + REPLY_TOKENS,
      });
      const received = mock.lastRequest()!;
      expect(received.path).toBe(`/v1beta/models/${MODEL}:generateContent`);
      expect(received.headers['x-goog-api-key']).toBe(MOCK_PROVIDER_API_KEY);
    });

    it('streams SSE chunks (alt=sse) that the SDK reads, the last with the finish reason and usage', async () => {
      const stream = await ai.models.generateContentStream({ model: MODEL, contents: QUESTION });
      const texts: string[] = [];
      const finishes: unknown[] = [];
      for await (const chunk of stream) {
        texts.push(chunk.text ?? '');
        finishes.push(chunk.candidates?.[0]?.finishReason);
      }
      expect(texts.join('')).toBe(DEFAULT_REPLY_TEXT);
      expect(texts).toHaveLength(REPLY_TOKENS);
      expect(finishes.at(-1)).toBe('STOP');
      expect(finishes.slice(0, -1).every((finish) => finish === undefined)).toBe(true);
      expect(mock.lastRequest()!.path).toBe(`/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`);
    });

    it('calls several tools, whole and streamed, as the SDK reads them', async () => {
      mock.setBehaviour({ replyText: '', toolCalls: TOOL_CALLS });
      const tools: Tool[] = [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } } },
            },
            {
              name: 'get_time',
              parameters: { type: Type.OBJECT, properties: { zone: { type: Type.STRING } } },
            },
          ],
        },
      ];
      const whole = await ai.models.generateContent({ model: MODEL, contents: QUESTION, config: { tools } });
      const expected = TOOL_CALLS.map((call) => ({ name: call.name, args: call.arguments }));
      expect(whole.functionCalls).toEqual(expected);
      const stream = await ai.models.generateContentStream({
        model: MODEL,
        contents: QUESTION,
        config: { tools },
      });
      const streamed: unknown[] = [];
      for await (const chunk of stream) streamed.push(...(chunk.functionCalls ?? []));
      expect(streamed).toEqual(expected);
    });

    it("refuses a missing key with 403 and a wrong one with 400, in Google's error shape", async () => {
      const unregistered = await postJson(`${mock.url}/v1beta/models/${MODEL}:generateContent`, CHAT);
      expect(unregistered.status).toBe(403);
      expect(await unregistered.json()).toMatchObject({ error: { code: 403, status: 'PERMISSION_DENIED' } });
      const wrong = new GoogleGenAI({ apiKey: 'not-the-key', httpOptions: { baseUrl: mock.url } });
      const failure = await wrong.models
        .generateContent({ model: MODEL, contents: QUESTION })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ApiError);
      expect(failure).toMatchObject({
        status: 400,
        message: expect.stringContaining('API key not valid. Please pass a valid API key.'),
      });
    });
  });

  describe('the wire, with plain fetch', () => {
    const url = (operation: string, query = `key=${MOCK_PROVIDER_API_KEY}`) =>
      `${mock.url}/v1beta/models/${MODEL}:${operation}?${query}`;

    it('takes the key in the key query parameter and streams a JSON array, as Kong reads it', async () => {
      const response = await postJson(url('streamGenerateContent'), CHAT);
      expect(response.status).toBe(200);
      const chunks = await arrayChunks(response);
      expect(chunks).toHaveLength(REPLY_TOKENS);
      expect(chunks.at(-1)).toMatchObject({
        candidates: [{ finishReason: 'STOP', index: 0 }],
        usageMetadata: { candidatesTokenCount: REPLY_TOKENS, totalTokenCount: PROMPT_TOKENS + REPLY_TOKENS },
      });
      expect(new Set(chunks.map((chunk) => chunk.responseId)).size).toBe(1);
    });

    it('refuses what Gemini refuses: unknown names, JSON Schema keywords in declarations, empty parts', async () => {
      const refusal = async (body: unknown) => {
        const response = await postJson(url('generateContent'), body);
        expect(response.status).toBe(400);
        return ((await response.json()) as { error: { message: string; status: string } }).error;
      };
      expect(await refusal({ ...CHAT, stream_options: { include_usage: true } })).toEqual({
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: 'Invalid JSON payload received. Unknown name "stream_options": Cannot find field.',
      });
      const strictTool = {
        name: 'f',
        parameters: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false },
      };
      expect((await refusal({ ...CHAT, tools: [{ functionDeclarations: [strictTool] }] })).message).toBe(
        'Invalid JSON payload received. Unknown name "additionalProperties" at \'tools[0].function_declarations[0].parameters\': Cannot find field.',
      );
      const noParameters = { name: 'f', parameters: { type: 'object', properties: {} } };
      expect((await refusal({ ...CHAT, tools: [{ functionDeclarations: [noParameters] }] })).message).toMatch(
        /parameters\.properties: should be non-empty for OBJECT type/,
      );
      expect((await refusal({ contents: [{ role: 'user', parts: [] }] })).message).toMatch(
        /contents\.parts must not be empty/,
      );
      expect((await refusal({ contents: [{ role: 'assistant', parts: [{ text: 'hi' }] }] })).message).toBe(
        'Please use a valid role: user, model.',
      );
    });

    it('wants as many function responses as the calls they answer', async () => {
      const call = (name: string) => ({ functionCall: { name, args: {} } });
      const result = (name: string) => ({ functionResponse: { name, response: { output: 'ok' } } });
      const conversation = (results: unknown[]) => ({
        contents: [
          { role: 'user', parts: [{ text: QUESTION }] },
          { role: 'model', parts: [call('a'), call('b')] },
          { role: 'user', parts: results },
        ],
      });
      expect((await postJson(url('generateContent'), conversation([result('a'), result('b')]))).status).toBe(
        200,
      );
      const short = await postJson(url('generateContent'), conversation([result('a')]));
      expect(short.status).toBe(400);
      expect(await short.json()).toMatchObject({
        error: {
          message:
            'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.',
        },
      });
    });

    it('blocks the prompt or the answer for safety when told to', async () => {
      mock.setBehaviour({ safetyBlock: 'prompt' });
      const prompt = (await (await postJson(url('generateContent'), CHAT)).json()) as Record<string, unknown>;
      expect(prompt).not.toHaveProperty('candidates');
      expect(prompt).toMatchObject({ promptFeedback: { blockReason: 'SAFETY' } });
      mock.setBehaviour({ safetyBlock: 'answer' });
      const answer = (await (await postJson(url('generateContent'), CHAT)).json()) as Record<string, unknown>;
      expect(answer).toMatchObject({ candidates: [{ finishReason: 'SAFETY', index: 0 }] });
      expect((answer.candidates as Record<string, unknown>[])[0]).not.toHaveProperty('content');
    });

    it("puts Google's error object into the stream after some chunks, and closes the array", async () => {
      mock.setBehaviour({ streamErrorAfter: 2 });
      const chunks = await arrayChunks(await postJson(url('streamGenerateContent'), CHAT));
      expect(chunks).toHaveLength(3);
      expect(chunks[2]).toEqual({ error: { code: 500, message: expect.any(String), status: 'INTERNAL' } });
      const sse = await (
        await postJson(url('streamGenerateContent', `alt=sse&key=${MOCK_PROVIDER_API_KEY}`), CHAT)
      ).text();
      expect(sse.split('\r\n\r\n').filter(Boolean).at(-1)).toMatch(/^data: \{"error":\{"code":500,/);
    });
  });

  describe('Vertex AI and the Google token endpoint', () => {
    const vertex = (operation: string) => `${mock.url}${VERTEX_PATH}:${operation}`;

    it('answers a token from the endpoint, and refuses an API key or any other token with a Google 401', async () => {
      const key = tokens.createServiceAccountKey();
      const token = await accessToken(key);
      expect(token).toMatch(/^ya29\./);
      expect(tokens.requests.at(-1)).toEqual({
        issuer: key.client_email,
        scope: CLOUD_PLATFORM,
        outcome: { token },
      });
      const answered = await postJson(vertex('generateContent'), CHAT, { authorization: `Bearer ${token}` });
      expect(answered.status).toBe(200);
      expect(await answered.json()).toMatchObject({
        candidates: [{ content: { parts: [{ text: DEFAULT_REPLY_TEXT }] } }],
      });
      const others: Record<string, string>[] = [
        { authorization: 'Bearer ya29.forged' },
        { 'x-goog-api-key': MOCK_PROVIDER_API_KEY },
      ];
      for (const credential of others) {
        const refused = await postJson(vertex('generateContent'), CHAT, credential);
        expect(refused.status).toBe(401);
        expect(await refused.json()).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
      }
    });

    it('refuses a token once it has expired', async () => {
      tokens.expiresInSeconds = 1;
      try {
        const token = await accessToken(tokens.createServiceAccountKey());
        expect(tokens.accepts(token)).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 1100));
        expect(tokens.accepts(token)).toBe(false);
        const refused = await postJson(vertex('generateContent'), CHAT, { authorization: `Bearer ${token}` });
        expect(refused.status).toBe(401);
      } finally {
        tokens.expiresInSeconds = 3599;
      }
    });

    it("refuses an assertion not signed by the account's key, for another audience, or without a scope", async () => {
      const key = tokens.createServiceAccountKey();
      const impostor = tokens.createServiceAccountKey();
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        iss: key.client_email,
        scope: CLOUD_PLATFORM,
        aud: GOOGLE_TOKEN_AUDIENCE,
        iat: now,
        exp: now + 3600,
      };
      const post = async (form: URLSearchParams) => {
        const response = await fetch(key.token_uri, { method: 'POST', body: form });
        return { status: response.status, body: await response.json() };
      };
      expect(await post(grant(key.private_key, claims))).toMatchObject({
        status: 200,
        body: { token_type: 'Bearer' },
      });
      expect(await post(grant(impostor.private_key, claims))).toEqual({
        status: 400,
        body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' },
      });
      expect((await post(grant(key.private_key, { ...claims, aud: key.token_uri }))).body).toMatchObject({
        error: 'invalid_grant',
      });
      expect((await post(grant(key.private_key, { ...claims, exp: now + 7200 }))).body).toMatchObject({
        error: 'invalid_grant',
      });
      expect((await post(grant(key.private_key, { ...claims, scope: undefined }))).body).toMatchObject({
        error: 'invalid_scope',
      });
      expect((await post(grant(key.private_key, { ...claims, iss: 'nobody@example.test' }))).body).toEqual({
        error: 'invalid_grant',
        error_description: 'Invalid grant: account not found',
      });
    });
  });
});
