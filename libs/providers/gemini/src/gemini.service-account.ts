import { createPrivateKey } from 'node:crypto';
import { isRecord } from '@switchyard/provider-openai-compatible';

/** Google's OAuth 2.0 token endpoint: a key's `token_uri` when it names none. */
export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

/** The members of a service account key (the JSON file GCP issues) that a token request needs. */
export interface ServiceAccountKey {
  readonly client_email: string;
  /** PEM, PKCS#8. */
  readonly private_key: string;
  readonly private_key_id?: string;
  /** Where the key's tokens are issued. */
  readonly token_uri: URL;
}

/** A key that cannot be used: the message names where it came from and what is wrong, never its content. */
export class ServiceAccountKeyError extends Error {}

/** Loopback hosts, the only ones a `token_uri` may reach over plain `http:` (a local token endpoint). */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function tokenUri(value: unknown, origin: string): URL {
  if (value === undefined) return new URL(GOOGLE_TOKEN_URI);
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  // The signed assertion is sent there: never in clear text over a network.
  if (url && (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))))
    return url;
  throw new ServiceAccountKeyError(
    `${origin} has a token_uri that is not an https URL (plain http is only taken for a loopback host)`,
  );
}

/**
 * Reads a service account key from its JSON text. `origin` names where the text came from
 * (`auth.gcp_service_account_json`, the `GCP_SERVICE_ACCOUNT` environment variable), for the
 * messages. Throws `ServiceAccountKeyError` for JSON that is not a usable key: not JSON, not
 * of type `service_account`, without `client_email`, with a `private_key` that is no PEM private
 * key, or a `token_uri` that is not https. No message quotes the text (JSON.parse's would).
 */
export function readServiceAccountKey(json: string, origin: string): ServiceAccountKey {
  let key: unknown;
  try {
    key = JSON.parse(json);
  } catch {
    throw new ServiceAccountKeyError(`${origin} is not JSON; it must hold a service account key file's JSON`);
  }
  if (!isRecord(key))
    throw new ServiceAccountKeyError(`${origin} is not a JSON object; it must hold a service account key`);
  if (key.type !== undefined && key.type !== 'service_account')
    throw new ServiceAccountKeyError(
      `${origin} is not a service account key (its type is not 'service_account')`,
    );
  if (typeof key.client_email !== 'string' || key.client_email === '')
    throw new ServiceAccountKeyError(`${origin} has no client_email`);
  if (typeof key.private_key !== 'string') throw new ServiceAccountKeyError(`${origin} has no private_key`);
  try {
    createPrivateKey(key.private_key);
  } catch {
    throw new ServiceAccountKeyError(`${origin} has a private_key that is not a PEM private key`);
  }
  return {
    client_email: key.client_email,
    private_key: key.private_key,
    ...(typeof key.private_key_id === 'string' && { private_key_id: key.private_key_id }),
    token_uri: tokenUri(key.token_uri, origin),
  };
}
