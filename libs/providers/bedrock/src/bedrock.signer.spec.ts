import { GatewayError } from '@switchyard/plugin-api';
import type { LlmAuthConfig, OutgoingLlmRequest } from '@switchyard/plugin-api';
import {
  buildRequestContext,
  MOCK_AWS_CREDENTIALS,
  SIGNATURE_MISMATCH_MESSAGE,
  startMockProvider,
  type MockProviderServer,
} from '@switchyard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { bedrockCredentials, createBedrockAuthenticator } from './bedrock.signer.js';

const KEYS: LlmAuthConfig = {
  aws_access_key_id: MOCK_AWS_CREDENTIALS.accessKeyId,
  aws_secret_access_key: MOCK_AWS_CREDENTIALS.secretAccessKey,
};
const MODEL_PATH = '/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse';
const BODY = JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'What is 1 + 1?' }] }] });
const client = buildRequestContext().request;

describe('the bedrock authenticator', () => {
  let mock: MockProviderServer;

  beforeAll(async () => {
    mock = await startMockProvider('bedrock');
  });
  afterAll(() => mock.close());
  afterEach(() => {
    vi.useRealTimers();
    mock.reset();
  });

  /** The request as the core hands it over: a client's headers forwarded, the gateway's body. */
  function outgoing(headers: Record<string, string> = {}): OutgoingLlmRequest {
    return {
      url: new URL(`${mock.url}${MODEL_PATH}`),
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'OpenAI/JS 6.49.0',
        'x-forwarded-for': '10.1.1.1, 127.0.0.1',
        'x-forwarded-proto': 'http',
        'accept-encoding': 'identity',
        ...headers,
      },
      body: BODY,
      options: { bedrock: { aws_region: 'us-east-1' } },
    };
  }

  /** Sends the request as the gateway would (what the authenticator left), and then a traceparent it adds later. */
  async function send(request: OutgoingLlmRequest): Promise<Response> {
    return fetch(request.url, {
      method: request.method,
      headers: { ...request.headers, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      body: request.body,
    });
  }

  it('signs host, content-type and its own x-amz headers, which AWS (the mock) accepts', async () => {
    const request = outgoing();
    await createBedrockAuthenticator(KEYS, {}).authenticate(request, client);
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    const answer = await send(request);
    expect(answer.status, await answer.clone().text()).toBe(200);
  });

  it('signs each attempt anew: two attempts, two valid signatures at their own dates', async () => {
    const authenticator = createBedrockAuthenticator(KEYS, {});
    vi.useFakeTimers({ toFake: ['Date'], now: new Date() });
    const first = outgoing();
    await authenticator.authenticate(first, client);
    vi.setSystemTime(Date.now() + 61_000);
    const second = outgoing();
    await authenticator.authenticate(second, client);

    expect(second.headers['x-amz-date']).not.toBe(first.headers['x-amz-date']);
    expect(second.headers.authorization).not.toBe(first.headers.authorization);
    expect((await send(second)).status).toBe(200);
    // The first, signed a minute before the clock now: still within AWS's five minutes.
    expect((await send(first)).status).toBe(200);
  });

  it('drops the client’s own x-amz headers, which AWS would read unsigned', async () => {
    const request = outgoing({
      'x-amz-security-token': 'client-token',
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    });
    await createBedrockAuthenticator(KEYS, {}).authenticate(request, client);
    expect(request.headers).not.toHaveProperty('x-amz-security-token');
    expect(request.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect((await send(request)).status).toBe(200);
  });

  it('is refused with AWS’s 403 when signed with another secret, or when the body changed after signing', async () => {
    const wrong = outgoing();
    await createBedrockAuthenticator({ ...KEYS, aws_secret_access_key: 'another-secret' }, {}).authenticate(
      wrong,
      client,
    );
    const refused = await send(wrong);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-amzn-errortype')).toMatch(/^InvalidSignatureException:/);
    expect(await refused.json()).toEqual({ message: SIGNATURE_MISMATCH_MESSAGE });

    const changed = outgoing();
    await createBedrockAuthenticator(KEYS, {}).authenticate(changed, client);
    expect((await send({ ...changed, body: BODY.replace('1 + 1', '2 + 2') })).status).toBe(403);
  });

  it('uses the environment’s credentials and session token when the config has none', async () => {
    const env = {
      AWS_ACCESS_KEY_ID: 'ASIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'env-secret',
      AWS_SESSION_TOKEN: 'env-session-token',
    };
    expect(bedrockCredentials({}, env)).toEqual({
      accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'env-secret',
      sessionToken: 'env-session-token',
    });
    // The config's static key wins, and a session token belongs to the environment's key only.
    expect(bedrockCredentials(KEYS, env)).toEqual(MOCK_AWS_CREDENTIALS);

    const session = await startMockProvider('bedrock', {
      awsCredentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        sessionToken: env.AWS_SESSION_TOKEN,
      },
    });
    try {
      const request = { ...outgoing(), url: new URL(`${session.url}${MODEL_PATH}`) };
      await createBedrockAuthenticator({}, env).authenticate(request, client);
      expect(request.headers['x-amz-security-token']).toBe('env-session-token');
      expect(request.headers.authorization).toContain(
        'SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token,',
      );
      expect((await send(request)).status).toBe(200);
    } finally {
      await session.close();
    }
  });

  it('signs for the region of the request, the environment’s when the config names none', async () => {
    const request = { ...outgoing(), options: {} };
    await createBedrockAuthenticator(KEYS, { AWS_DEFAULT_REGION: 'ap-south-1' }).authenticate(
      request,
      client,
    );
    expect(request.headers.authorization).toContain('/ap-south-1/bedrock/aws4_request');
  });

  it('fails every request with a 500 that says where credentials go, when there are none', () => {
    const authenticator = createBedrockAuthenticator({ aws_access_key_id: 'AKIA-ONLY-THE-ID' }, {});
    expect(() => authenticator.authenticate(outgoing(), client)).toThrow(
      new GatewayError(
        500,
        "bedrock needs AWS credentials: set config.auth.aws_access_key_id and config.auth.aws_secret_access_key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials) in the gateway's environment",
      ),
    );
  });
});
