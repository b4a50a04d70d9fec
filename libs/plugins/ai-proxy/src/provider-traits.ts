import type { ProviderId } from '@switchyard/plugin-api';

/** Providers whose `Set-Cookie` never reaches the client (Kong's `clear_response_headers`). */
export const COOKIE_STRIPPED: ReadonlySet<ProviderId> = new Set([
  'openai',
  'azure',
  'mistral',
  'gemini',
  'bedrock',
]);

/** The `Accept-Encoding` Kong's drivers send upstream (openai and azure: no brotli; gemini: none). */
export const UPSTREAM_ACCEPT_ENCODING: Readonly<Partial<Record<ProviderId, string>>> = {
  openai: 'gzip, identity',
  azure: 'gzip, identity',
  gemini: 'identity',
};
