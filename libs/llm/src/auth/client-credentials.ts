import type { IncomingHttpHeaders } from 'node:http';
import type { LlmAuthConfig } from '@switchyard/plugin-api';

/**
 * Request headers that carry a client's credentials: for the gateway itself (basic or bearer
 * auth, Kong's key-auth `apikey`, session cookies) or a key of the client's own for some
 * provider (`api-key` of Azure, `x-api-key` of Anthropic, `x-goog-api-key` of Gemini).
 * (`Proxy-Authorization` is hop-by-hop: the gateway drops it on every route.)
 */
export const CLIENT_CREDENTIAL_HEADERS: readonly string[] = [
  'authorization',
  'cookie',
  'apikey',
  'api-key',
  'x-api-key',
  'x-goog-api-key',
];

/**
 * Removes the client's credentials from the upstream headers, but `kept` (the configured auth
 * header, when `allow_override` lets the client's own value through).
 */
export function dropClientCredentials(headers: Record<string, string>, kept: string | undefined): void {
  for (const name of CLIENT_CREDENTIAL_HEADERS) if (name !== kept) delete headers[name];
}

/**
 * The client's own credential header that `config.auth` lets through to the provider: the
 * configured header, when `allow_override` is on and the client sent it; else none.
 */
export function overridingClientHeader(
  auth: LlmAuthConfig | null | undefined,
  clientHeaders: IncomingHttpHeaders,
): string | undefined {
  const name = auth?.header_name?.toLowerCase();
  return name && auth?.allow_override === true && clientHeaders[name] !== undefined ? name : undefined;
}
