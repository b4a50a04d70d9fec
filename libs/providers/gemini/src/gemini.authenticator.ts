import { GatewayError } from '@switchyard/plugin-api';
import type { Authenticator, LlmAuthConfig } from '@switchyard/plugin-api';
import { ServiceAccountTokens } from './gemini.access-tokens.js';
import { readServiceAccountKey, ServiceAccountKeyError } from './gemini.service-account.js';

/** The environment variable Kong reads the service account key from when the config holds none. */
export const GCP_SERVICE_ACCOUNT_VARIABLE = 'GCP_SERVICE_ACCOUNT';

/** What the service account authenticator is built from, besides `config.auth`. */
export interface ServiceAccountSettings {
  /** How long before its expiry an access token is replaced, in ms (more than 0). */
  readonly refreshMarginMs: number;
  /** Where `GCP_SERVICE_ACCOUNT` is read, once per plugin config. */
  readonly environment: Readonly<Record<string, string | undefined>>;
}

/** An authenticator that refuses every request with a 500 naming what to fix in the config. */
function misconfigured(message: string): Authenticator {
  const error = new GatewayError(500, message);
  return {
    authenticate() {
      throw error;
    },
  };
}

/**
 * Kong's `auth.gcp_use_service_account`: every request gets `Authorization: Bearer <token>`, the
 * token obtained for the service account key in `auth.gcp_service_account_json`, else in the
 * `GCP_SERVICE_ACCOUNT` environment variable (read once, here). The key is read and the token
 * source built once per plugin config; a request waits only when no fresh token is kept. A key
 * that is missing or unusable answers every request with a 500 that names the field or the
 * variable to fix, never the key. `undefined` when the config does not use a service account
 * (Kong's header/query placement of the API key then applies).
 */
export function createServiceAccountAuthenticator(
  auth: LlmAuthConfig,
  settings: ServiceAccountSettings,
): Authenticator | undefined {
  if (auth.gcp_use_service_account !== true) return undefined;
  const configured = auth.gcp_service_account_json;
  const json = configured || settings.environment[GCP_SERVICE_ACCOUNT_VARIABLE];
  const origin = configured
    ? 'auth.gcp_service_account_json'
    : `the ${GCP_SERVICE_ACCOUNT_VARIABLE} environment variable`;
  if (!json)
    return misconfigured(
      `auth.gcp_use_service_account is on, but neither auth.gcp_service_account_json nor the ${GCP_SERVICE_ACCOUNT_VARIABLE} environment variable holds a service account key`,
    );
  let tokens: ServiceAccountTokens;
  try {
    tokens = new ServiceAccountTokens(readServiceAccountKey(json, origin), origin, settings.refreshMarginMs);
  } catch (error) {
    if (error instanceof ServiceAccountKeyError) return misconfigured(error.message);
    throw error;
  }
  return {
    authenticate(request) {
      const kept = tokens.current();
      if (kept !== undefined) {
        request.headers.authorization = `Bearer ${kept}`;
        return;
      }
      return tokens.fetch().then((token) => {
        request.headers.authorization = `Bearer ${token}`;
      });
    },
  };
}
