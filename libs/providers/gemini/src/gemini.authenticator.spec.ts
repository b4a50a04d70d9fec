import { generateKeyPairSync } from 'node:crypto';
import { GatewayError } from '@switchyard/plugin-api';
import type { Authenticator, LlmAuthConfig, OutgoingLlmRequest } from '@switchyard/plugin-api';
import {
  freePort,
  startMockGoogleTokenEndpoint,
  type MockGoogleTokenEndpoint,
  type ServiceAccountKeyFile,
} from '@switchyard/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGeminiProvider, type GeminiProviderOptions } from './gemini.provider.js';

const CLIENT = { headers: {}, query: new URLSearchParams() };

function outgoing(): OutgoingLlmRequest {
  return {
    url: new URL(
      'https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/l/publishers/google/models/m:generateContent',
    ),
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    options: {},
  };
}

function authenticator(auth: LlmAuthConfig, options: GeminiProviderOptions = {}): Authenticator {
  const created = createGeminiProvider({ environment: {}, ...options }).createAuthenticator?.(auth);
  if (!created) throw new Error('expected a service account authenticator');
  return created;
}

const serviceAccount = (key: ServiceAccountKeyFile | string): LlmAuthConfig => ({
  gcp_use_service_account: true,
  gcp_service_account_json: typeof key === 'string' ? key : JSON.stringify(key),
});

/** Authenticates one request; resolves to its Authorization header, and whether it had to wait. */
async function authorization(auth: Authenticator): Promise<{ header: string | undefined; waited: boolean }> {
  const request = outgoing();
  const pending = auth.authenticate(request, CLIENT);
  await pending;
  return { header: request.headers.authorization, waited: pending !== undefined };
}

/** The error an authentication fails with. */
async function failure(auth: Authenticator): Promise<GatewayError> {
  try {
    await auth.authenticate(outgoing(), CLIENT);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error('expected the authentication to fail');
}

describe('the Gemini service account authenticator', () => {
  let tokens: MockGoogleTokenEndpoint;
  let key: ServiceAccountKeyFile;

  beforeAll(async () => {
    tokens = await startMockGoogleTokenEndpoint();
    key = tokens.createServiceAccountKey();
  });
  beforeEach(() => {
    tokens.requests.length = 0;
    tokens.expiresInSeconds = 3599;
  });
  afterAll(() => tokens.close());

  it("sends a token from the key's token_uri, asked for the cloud-platform scope", async () => {
    const { header } = await authorization(authenticator(serviceAccount(key)));
    expect(tokens.requests).toEqual([
      {
        issuer: key.client_email,
        scope: 'https://www.googleapis.com/auth/cloud-platform',
        outcome: { token: expect.stringMatching(/^ya29\./) },
      },
    ]);
    expect(header).toBe(`Bearer ${(tokens.requests[0].outcome as { token: string }).token}`);
    expect(tokens.accepts(header!.slice('Bearer '.length))).toBe(true);
  });

  it('fetches one token for many requests: those that arrive during the fetch share it, later ones wait for nothing', async () => {
    const auth = authenticator(serviceAccount(key));
    const concurrent = await Promise.all(Array.from({ length: 20 }, () => authorization(auth)));
    expect(tokens.issued).toBe(1);
    expect(new Set(concurrent.map(({ header }) => header)).size).toBe(1);
    for (let sent = 0; sent < 20; sent += 1) {
      expect(await authorization(auth)).toEqual({ header: concurrent[0].header, waited: false });
    }
    expect(tokens.issued).toBe(1);
  });

  it('fetches a new token once the kept one is within the refresh margin of its expiry', async () => {
    tokens.expiresInSeconds = 2;
    const auth = authenticator(serviceAccount(key), { tokenRefreshMarginMs: 1000 });
    const first = await authorization(auth);
    expect(await authorization(auth)).toEqual({ header: first.header, waited: false });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const renewed = await Promise.all(Array.from({ length: 5 }, () => authorization(auth)));
    expect(tokens.issued).toBe(2);
    expect(renewed.every(({ header, waited }) => header === renewed[0].header && waited)).toBe(true);
    expect(renewed[0].header).not.toBe(first.header);
  });

  it('reads the key from GCP_SERVICE_ACCOUNT when the config holds none, and prefers the config', async () => {
    const other = tokens.createServiceAccountKey();
    const environment = { GCP_SERVICE_ACCOUNT: JSON.stringify(other) };
    await authorization(authenticator({ gcp_use_service_account: true }, { environment }));
    expect(tokens.requests.at(-1)?.issuer).toBe(other.client_email);
    await authorization(authenticator(serviceAccount(key), { environment }));
    expect(tokens.requests.at(-1)?.issuer).toBe(key.client_email);
  });

  it('answers 502 naming the token endpoint, its OAuth error and what to check, never the key, and tries again next time', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = { ...key, private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
    const auth = authenticator(serviceAccount(forged));
    const error = await failure(auth);
    expect(error.status).toBe(502);
    expect(error.message).toBe(
      `could not get a GCP access token for the service account from its token endpoint (${new URL(key.token_uri).host}): it answered 400 (invalid_grant: Invalid JWT Signature.); check the key in auth.gcp_service_account_json: it must be a current key (not deleted or disabled) of a service account that may call Vertex AI`,
    );
    expect(error.message).not.toContain(forged.private_key.split('\n')[1]);
    await failure(auth);
    expect(tokens.requests.filter((request) => 'error' in request.outcome)).toHaveLength(2);
  });

  it('answers 502 when the token endpoint cannot be reached', async () => {
    const port = await freePort();
    const auth = authenticator(serviceAccount({ ...key, token_uri: `http://127.0.0.1:${port}/token` }));
    const error = await failure(auth);
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/token endpoint \(127\.0\.0\.1:\d+\): it could not be reached \(\w+\)/);
  }, 15_000);

  describe('refuses a key it cannot use with a 500 naming the field or variable, never the key', () => {
    it.each([
      [
        'no key anywhere',
        { gcp_use_service_account: true },
        'auth.gcp_use_service_account is on, but neither auth.gcp_service_account_json nor the GCP_SERVICE_ACCOUNT environment variable holds a service account key',
      ],
      [
        'text that is not JSON',
        serviceAccount('{"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEv'),
        "auth.gcp_service_account_json is not JSON; it must hold a service account key file's JSON",
      ],
      [
        'another kind of credential',
        serviceAccount({ type: 'authorized_user', client_id: 'x' } as never),
        "auth.gcp_service_account_json is not a service account key (its type is not 'service_account')",
      ],
      [
        'a private key that is no PEM key',
        serviceAccount({ type: 'service_account', client_email: 'a@b', private_key: 'MIIEvsecret' } as never),
        'auth.gcp_service_account_json has a private_key that is not a PEM private key',
      ],
    ])('%s', async (_case, auth, message) => {
      const error = await failure(authenticator(auth));
      expect(error).toEqual(new GatewayError(500, message));
      expect(error.message).not.toMatch(/MIIEv/);
      expect(tokens.requests).toEqual([]);
    });

    it('a token_uri that would send the signed assertion over plain http to another host', async () => {
      const error = await failure(
        authenticator(serviceAccount({ ...key, token_uri: 'http://oauth2.example.test/token' }), {
          environment: {},
        }),
      );
      expect(error).toEqual(
        new GatewayError(
          500,
          'auth.gcp_service_account_json has a token_uri that is not an https URL (plain http is only taken for a loopback host)',
        ),
      );
    });

    it('names the environment variable when the key came from there', async () => {
      const error = await failure(
        authenticator(
          { gcp_use_service_account: true },
          { environment: { GCP_SERVICE_ACCOUNT: 'not json' } },
        ),
      );
      expect(error.message).toBe(
        "the GCP_SERVICE_ACCOUNT environment variable is not JSON; it must hold a service account key file's JSON",
      );
    });
  });
});
