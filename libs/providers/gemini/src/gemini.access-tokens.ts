import { GatewayError } from '@switchyard/plugin-api';
import { isRecord } from '@switchyard/provider-openai-compatible';
import type { JWT } from 'google-auth-library';
import type { ServiceAccountKey } from './gemini.service-account.js';

/** The scope Vertex AI (and the Gemini API) take OAuth access tokens for. */
const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** How long one token request may take before it fails (and the requests waiting on it with it). */
const TOKEN_REQUEST_TIMEOUT_MS = 10_000;

/** A short, safe piece of text from a token endpoint's answer, for a message. */
function clip(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, 200) : undefined;
}

/**
 * What went wrong with a token request, from the error google-auth-library (gaxios) throws:
 * the endpoint's status and OAuth error (`invalid_grant: Invalid JWT Signature.`), or the
 * network error's code. Built from those members only: the request (and its signed assertion)
 * is never quoted.
 */
function failureDetail(error: unknown): string {
  const failure = isRecord(error) ? error : {};
  const response = isRecord(failure.response) ? failure.response : undefined;
  if (response && typeof response.status === 'number') {
    const data = isRecord(response.data) ? response.data : {};
    const oauth = [clip(data.error), clip(data.error_description)].filter(Boolean).join(': ');
    return `it answered ${response.status}${oauth ? ` (${oauth})` : ''}`;
  }
  const cause = isRecord(failure.cause) ? failure.cause : {};
  const code = clip(failure.code) ?? clip(cause.code) ?? clip(failure.name) ?? 'unknown error';
  return `it could not be reached (${code})`;
}

/**
 * The OAuth access tokens of one service account key, from `google-auth-library`'s JWT client
 * (it signs the assertion and posts it to the token endpoint): one token is kept and used until
 * it is within `refreshMarginMs` of its expiry, and requests that need a token while one is
 * being fetched share that fetch (the client's own single flight). The key's `token_uri` is
 * honoured, which the library alone does not do. Created once per plugin config, so that
 * tokens are never fetched per request; the library is imported on the first fetch, so that a
 * gateway without a service-account route never loads it.
 */
export class ServiceAccountTokens {
  readonly #key: ServiceAccountKey;
  readonly #tokenHost: string;
  readonly #origin: string;
  readonly #refreshMarginMs: number;
  /** The JWT client, once made (the first fetch makes it). */
  #client: JWT | undefined;
  #making: Promise<JWT> | undefined;

  /**
   * @param key the service account key
   * @param origin where the key came from, for messages (`auth.gcp_service_account_json`)
   * @param refreshMarginMs how long before its expiry a token is replaced (more than 0)
   */
  constructor(key: ServiceAccountKey, origin: string, refreshMarginMs: number) {
    this.#key = key;
    this.#origin = origin;
    this.#refreshMarginMs = refreshMarginMs;
    this.#tokenHost = key.token_uri.host;
  }

  async #makeClient(): Promise<JWT> {
    const { JWT } = await import('google-auth-library');
    const key = this.#key;
    const client = new JWT({
      email: key.client_email,
      key: key.private_key,
      keyId: key.private_key_id,
      scopes: [CLOUD_PLATFORM_SCOPE],
      eagerRefreshThresholdMillis: this.#refreshMarginMs,
      transporterOptions: { timeout: TOKEN_REQUEST_TIMEOUT_MS },
    });
    // This client only ever requests tokens, which google-auth-library always sends to Google's
    // endpoint: they go to the key's own `token_uri`.
    const tokenUri = key.token_uri.href;
    client.transporter.interceptors.request.add({
      resolved: async (config) => {
        config.url = new URL(tokenUri);
        return config;
      },
    });
    this.#client = client;
    return client;
  }

  /**
   * The kept token while it is fresh (no I/O, no promise), else `undefined`: the client's own
   * rule, a token within the refresh margin of its expiry is due for replacement.
   */
  current(): string | undefined {
    if (!this.#client) return undefined;
    const { access_token: token, expiry_date: expiry } = this.#client.credentials;
    return token && typeof expiry === 'number' && expiry > Date.now() + this.#refreshMarginMs
      ? token
      : undefined;
  }

  /**
   * A fresh token: the kept one, or a new one from the token endpoint. Rejects with a 502
   * `GatewayError` naming the endpoint's host, what it said and what to check, never the key.
   */
  async fetch(): Promise<string> {
    let token: string | null | undefined;
    try {
      const client = this.#client ?? (await (this.#making ??= this.#makeClient()));
      ({ token } = await client.getAccessToken());
    } catch (error) {
      throw new GatewayError(
        502,
        `could not get a GCP access token for the service account from its token endpoint (${this.#tokenHost}): ${failureDetail(error)}; check the key in ${this.#origin}: it must be a current key (not deleted or disabled) of a service account that may call Vertex AI`,
      );
    }
    if (!token)
      throw new GatewayError(
        502,
        `the GCP token endpoint (${this.#tokenHost}) answered without an access token`,
      );
    return token;
  }
}
