import type { RequestContext } from '@switchyard/plugin-api';
import type { AiProxyAuthConfig } from './ai-proxy.config.js';
import { dropClientCredentials } from './client-credentials.js';

/**
 * Places the configured provider credential on the upstream request: a header, a query
 * parameter or a JSON body member. Built once per plugin entity. The credential is only ever
 * written upstream, never logged. The client's own credentials (`CLIENT_CREDENTIAL_HEADERS`)
 * never reach the provider, but in the configured header when `allow_override` keeps it.
 */
export interface AuthInjector {
  /** Sets the header and query credentials on `ctx.upstream` and drops the client's credential headers. */
  applyToRequest(ctx: RequestContext): void;
  /** Whether a body credential is configured (the body must then be a JSON object). */
  readonly placesInBody: boolean;
  /** Sets the body credential on the upstream body; `clientBody` is what the client sent. */
  applyToBody(upstreamBody: Record<string, unknown>, clientBody: Readonly<Record<string, unknown>>): void;
}

/** The credential placement of `config.auth` (none when it is null). */
export function createAuthInjector(auth: AiProxyAuthConfig | null | undefined): AuthInjector {
  // Kong's rule, for every placement: the configured value is set unless the client sent its
  // own under the same name and `allow_override` is on.
  const allowOverride = auth?.allow_override === true;
  const headerName = auth?.header_name && auth.header_value ? auth.header_name.toLowerCase() : undefined;
  const headerValue = auth?.header_value ?? '';
  const param =
    auth?.param_name && auth.param_value ? { name: auth.param_name, value: auth.param_value } : undefined;
  const queryParam = auth?.param_location === 'query' ? param : undefined;
  const bodyParam = auth?.param_location === 'body' ? param : undefined;

  return {
    placesInBody: bodyParam !== undefined,
    applyToRequest(ctx) {
      const clientOverrides = headerName && allowOverride && ctx.request.headers[headerName] !== undefined;
      dropClientCredentials(ctx.upstream.headers, clientOverrides ? headerName : undefined);
      if (headerName && !clientOverrides) ctx.upstream.headers[headerName] = headerValue;
      if (queryParam && !(allowOverride && ctx.request.query.has(queryParam.name))) {
        ctx.upstream.url.searchParams.set(queryParam.name, queryParam.value);
      }
    },
    applyToBody(upstreamBody, clientBody) {
      if (bodyParam && !(allowOverride && clientBody[bodyParam.name] !== undefined)) {
        upstreamBody[bodyParam.name] = bodyParam.value;
      }
    },
  };
}
