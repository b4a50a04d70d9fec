import type { Authenticator, LlmAuthConfig } from '@switchyard/plugin-api';

/**
 * Kong's placement of `config.auth`, the authenticator of every provider that brings none of its
 * own: the configured header, query parameter or JSON body member is set on the request,
 * unless the client sent its own under the same name and `allow_override` is on. Built once per
 * plugin config. The credential is only ever written upstream, never logged.
 */
export function createCredentialPlacement(auth: LlmAuthConfig | null | undefined): Authenticator {
  const allowOverride = auth?.allow_override === true;
  const headerName = auth?.header_name && auth.header_value ? auth.header_name.toLowerCase() : undefined;
  const headerValue = auth?.header_value ?? '';
  const param =
    auth?.param_name && auth.param_value ? { name: auth.param_name, value: auth.param_value } : undefined;
  const queryParam = auth?.param_location === 'query' ? param : undefined;
  const bodyParam = auth?.param_location === 'body' ? param : undefined;

  return {
    ...(bodyParam && {
      bodyCredential(body, clientBody) {
        if (!(allowOverride && clientBody[bodyParam.name] !== undefined))
          body[bodyParam.name] = bodyParam.value;
      },
    }),
    authenticate(request, client) {
      if (headerName && !(allowOverride && client.headers[headerName] !== undefined)) {
        request.headers[headerName] = headerValue;
      }
      if (queryParam && !(allowOverride && client.query.has(queryParam.name))) {
        request.url.searchParams.set(queryParam.name, queryParam.value);
      }
    },
  };
}
