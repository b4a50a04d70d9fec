import {
  GatewayMessageError,
  type ConsumerIdentity,
  type CredentialIdentity,
  type PluginHandler,
  type RequestContext,
} from '@switchyard/plugin-api';
import type { KeyAuthConfig } from './key-auth.config.js';
import { findRequestKey } from './request-key.js';

/** Kong's headers telling the upstream who called (`kong.constants.HEADERS`). */
const CONSUMER_HEADERS = {
  id: 'x-consumer-id',
  customId: 'x-consumer-custom-id',
  username: 'x-consumer-username',
  credential: 'x-credential-identifier',
  anonymous: 'x-anonymous-consumer',
} as const;

function setOrClear(headers: Record<string, string>, name: string, value: string | null | undefined): void {
  if (value === null || value === undefined) delete headers[name];
  else headers[name] = value;
}

/**
 * Kong's `set_consumer`: the request is the consumer's from now on (`ctx.consumer`, and the
 * credential unless anonymous), and the upstream learns who called from Kong's headers, any
 * the client sent itself replaced or removed.
 */
function identify(ctx: RequestContext, consumer: ConsumerIdentity, credential?: CredentialIdentity): void {
  ctx.consumer = consumer;
  if (credential) ctx.credential = credential;
  const headers = ctx.upstream.headers;
  setOrClear(headers, CONSUMER_HEADERS.id, consumer.id);
  setOrClear(headers, CONSUMER_HEADERS.customId, consumer.custom_id);
  setOrClear(headers, CONSUMER_HEADERS.username, consumer.username);
  setOrClear(headers, CONSUMER_HEADERS.credential, credential?.id);
  setOrClear(headers, CONSUMER_HEADERS.anonymous, credential ? undefined : 'true');
}

/**
 * The phases of one `key-auth` plugin entity (Kong 3.10's `kong/plugins/key-auth/handler.lua`):
 * the key is found (`findRequestKey`) and looked up in the snapshot's credentials by its hash;
 * a request without a valid one is refused with Kong's 401s and `WWW-Authenticate` challenge,
 * or, with `anonymous`, made the anonymous consumer's (Kong's "logical OR": a request another
 * authentication plugin identified already is left as it is).
 */
export function createKeyAuthHandler(config: KeyAuthConfig): PluginHandler {
  const challenge = { 'www-authenticate': config.realm === null ? 'Key' : `Key realm="${config.realm}"` };
  const refusals = {
    none: new GatewayMessageError(401, 'No API key found in request', challenge),
    duplicate: new GatewayMessageError(401, 'Duplicate API key found', challenge),
    // Kong 3.10's wording: it says no more, so that a caller learns nothing of which keys exist.
    invalid: new GatewayMessageError(401, 'Unauthorized', challenge),
  };
  const { anonymous } = config;

  /** Identifies the caller by key; the refusal when it cannot. */
  function authenticate(ctx: RequestContext): GatewayMessageError | undefined {
    const found = findRequestKey(ctx, config);
    if (found.kind !== 'key') return refusals[found.kind];
    const match = ctx.consumers?.findKeyAuth(found.key);
    if (!match) return refusals.invalid;
    identify(ctx, match.consumer, match.credential);
    return undefined;
  }

  return {
    access(ctx) {
      if (!config.run_on_preflight && ctx.request.method === 'OPTIONS') return;
      if (anonymous === null) {
        const refusal = authenticate(ctx);
        if (refusal) throw refusal;
        return;
      }
      if (ctx.credential) return;
      if (authenticate(ctx) === undefined) return;
      const consumer = ctx.consumers?.find(anonymous);
      if (!consumer) {
        throw new GatewayMessageError(
          500,
          `the anonymous consumer '${anonymous}' of this route's key-auth plugin does not exist; create it, or change the plugin's config.anonymous`,
        );
      }
      identify(ctx, consumer);
    },
  };
}
