import { generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MockAccessTokens } from './mock-provider.types.js';

/** A service account key file as GCP issues it (`type: service_account`). */
export interface ServiceAccountKeyFile {
  readonly type: 'service_account';
  readonly project_id: string;
  readonly private_key_id: string;
  /** PEM, PKCS#8. */
  readonly private_key: string;
  readonly client_email: string;
  readonly client_id: string;
  readonly auth_uri: string;
  readonly token_uri: string;
  readonly universe_domain: string;
}

/** One token request as the endpoint saw it. */
export interface TokenRequestRecord {
  /** The assertion's issuer (the service account's email), when it could be read. */
  readonly issuer?: string;
  /** The assertion's `scope` claim. */
  readonly scope?: string;
  /** The access token issued, or the OAuth error refused with. */
  readonly outcome: { readonly token: string } | { readonly error: string };
}

/** The audience Google's token endpoint wants in an assertion, whatever its key's `token_uri`. */
export const GOOGLE_TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token';
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** How long an assertion may live (Google: "a short-lived token (60 minutes)"), and the clock skew allowed. */
const MAX_ASSERTION_LIFETIME_S = 3600;
const CLOCK_SKEW_S = 300;

class OAuthRefusal {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {}
}

function decodeSegment(segment: string): Record<string, unknown> {
  const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
  return value as Record<string, unknown>;
}

/**
 * A mock of Google's OAuth 2.0 token endpoint (`POST /token`) for service accounts, on 127.0.0.1
 * and an ephemeral port: it takes the JWT-bearer grant, verifies the assertion's RS256 signature
 * with the public key of the service account it names (keys made by
 * {@link createServiceAccountKey}, whose `token_uri` points here), its audience, lifetime and
 * scope, and issues `ya29.` access tokens that expire after `expiresInSeconds`. Refusals are
 * Google's OAuth errors (`invalid_grant`, `invalid_scope`, `unsupported_grant_type`). A mock
 * provider given this endpoint as its `accessTokens` accepts exactly the tokens it issued and
 * that have not expired.
 */
export class MockGoogleTokenEndpoint implements MockAccessTokens {
  /** Every token request since start, oldest first. */
  readonly requests: TokenRequestRecord[] = [];
  /** The `expires_in` of the tokens issued from now on, in seconds. */
  expiresInSeconds: number;

  readonly #server: Server;
  readonly #publicKeys = new Map<string, KeyObject>();
  readonly #tokens = new Map<string, number>();
  #url = '';

  private constructor(expiresInSeconds: number) {
    this.expiresInSeconds = expiresInSeconds;
    this.#server = createServer((req, res) => this.#receive(req, res));
  }

  /** Starts the endpoint; tokens it issues expire after `expiresInSeconds` (default 3599, as Google's). */
  static async start(options: { readonly expiresInSeconds?: number } = {}): Promise<MockGoogleTokenEndpoint> {
    const endpoint = new MockGoogleTokenEndpoint(options.expiresInSeconds ?? 3599);
    await new Promise<void>((resolve, reject) => {
      endpoint.#server.once('error', reject);
      endpoint.#server.listen(0, '127.0.0.1', () => resolve());
    });
    endpoint.#url = `http://127.0.0.1:${(endpoint.#server.address() as AddressInfo).port}`;
    return endpoint;
  }

  /** The token endpoint's URL, a key's `token_uri`. */
  get tokenUri(): string {
    return `${this.#url}/token`;
  }

  /** How many access tokens were issued. */
  get issued(): number {
    return this.requests.filter((request) => 'token' in request.outcome).length;
  }

  /**
   * A new service account key (a 2048-bit RSA key pair made now), registered here by its
   * email, its `token_uri` this endpoint.
   */
  createServiceAccountKey(
    email = `gateway-${randomBytes(4).toString('hex')}@switchyard-test.iam.gserviceaccount.com`,
  ): ServiceAccountKeyFile {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.#publicKeys.set(email, publicKey);
    return {
      type: 'service_account',
      project_id: 'switchyard-test',
      private_key_id: randomBytes(20).toString('hex'),
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: email,
      client_id: String(randomBytes(8).readBigUInt64BE()),
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: this.tokenUri,
      universe_domain: 'googleapis.com',
    };
  }

  /** Whether `token` was issued here and has not expired. */
  accepts(token: string): boolean {
    const expiresAt = this.#tokens.get(token);
    return expiresAt !== undefined && Date.now() < expiresAt;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.close((error) => (error ? reject(error) : resolve()));
      this.#server.closeAllConnections();
    });
  }

  #receive(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => this.#answer(req, res, Buffer.concat(chunks).toString('utf8')));
  }

  #answer(req: IncomingMessage, res: ServerResponse, body: string): void {
    const send = (status: number, payload: unknown): void => {
      res
        .writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
        .end(JSON.stringify(payload));
    };
    if (req.method !== 'POST' || new URL(req.url ?? '/', this.#url).pathname !== '/token')
      return send(404, { error: 'not_found', error_description: 'Not Found' });
    const form = new URLSearchParams(body);
    let claims: Record<string, unknown> | undefined;
    try {
      claims = this.#verifiedClaims(form);
      const token = `ya29.${randomBytes(24).toString('base64url')}`;
      this.#tokens.set(token, Date.now() + this.expiresInSeconds * 1000);
      this.#record(claims, { token });
      send(200, { access_token: token, expires_in: this.expiresInSeconds, token_type: 'Bearer' });
    } catch (error) {
      if (!(error instanceof OAuthRefusal)) throw error;
      this.#record(claims, { error: error.error });
      send(error.status, { error: error.error, error_description: error.description });
    }
  }

  #record(claims: Record<string, unknown> | undefined, outcome: TokenRequestRecord['outcome']): void {
    this.requests.push({
      ...(typeof claims?.iss === 'string' && { issuer: claims.iss }),
      ...(typeof claims?.scope === 'string' && { scope: claims.scope }),
      outcome,
    });
  }

  /** The assertion's claims once Google's checks pass; throws the `OAuthRefusal` Google would answer. */
  #verifiedClaims(form: URLSearchParams): Record<string, unknown> {
    const grant = form.get('grant_type');
    if (grant !== JWT_BEARER_GRANT)
      throw new OAuthRefusal('unsupported_grant_type', `Invalid grant_type: ${grant ?? ''}`);
    const segments = (form.get('assertion') ?? '').split('.');
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      if (segments.length !== 3) throw new Error('not three segments');
      header = decodeSegment(segments[0]);
      claims = decodeSegment(segments[1]);
    } catch {
      throw new OAuthRefusal('invalid_grant', 'Invalid JWT: the assertion is not a JWT.');
    }
    if (header.alg !== 'RS256')
      throw new OAuthRefusal('invalid_grant', 'Invalid JWT: the signing algorithm must be RS256.');
    const publicKey = typeof claims.iss === 'string' ? this.#publicKeys.get(claims.iss) : undefined;
    if (!publicKey) throw new OAuthRefusal('invalid_grant', 'Invalid grant: account not found');
    const signed = Buffer.from(`${segments[0]}.${segments[1]}`);
    if (!verify('sha256', signed, publicKey, Buffer.from(segments[2], 'base64url')))
      throw new OAuthRefusal('invalid_grant', 'Invalid JWT Signature.');
    if (claims.aud !== GOOGLE_TOKEN_AUDIENCE)
      throw new OAuthRefusal(
        'invalid_grant',
        'Invalid JWT: audience must be https://oauth2.googleapis.com/token.',
      );
    const now = Date.now() / 1000;
    const { iat, exp } = claims;
    if (
      typeof iat !== 'number' ||
      typeof exp !== 'number' ||
      exp - iat > MAX_ASSERTION_LIFETIME_S ||
      iat > now + CLOCK_SKEW_S ||
      exp < now - CLOCK_SKEW_S
    )
      throw new OAuthRefusal(
        'invalid_grant',
        'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
      );
    if (typeof claims.scope !== 'string' || claims.scope.trim() === '')
      throw new OAuthRefusal('invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
    return claims;
  }
}

/** Starts a mock Google token endpoint on 127.0.0.1 and an ephemeral port. */
export function startMockGoogleTokenEndpoint(options?: {
  readonly expiresInSeconds?: number;
}): Promise<MockGoogleTokenEndpoint> {
  return MockGoogleTokenEndpoint.start(options);
}
