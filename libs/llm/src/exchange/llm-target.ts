import { GatewayError } from '@switchyard/plugin-api';
import type {
  Authenticator,
  ClientApi,
  ClientFormat,
  ProviderDriver,
  ProviderRegistry,
  RequestContext,
} from '@switchyard/plugin-api';
import { createCredentialPlacement } from '../auth/credential-placement.js';
import type { LlmConfig } from '../config/llm-config.js';
import { checkRequestBodySize } from '../request/llm-request.js';
import { compileModelTemplate, type ModelTemplate } from '../request/template.resolver.js';
import type { MaybePromise } from './authenticated.js';
import type { LlmExchange } from './llm-exchange.js';
import { startPreservedExchange } from './preserved-exchange.js';
import { startTranslatedExchange } from './translated-exchange.js';
import { clientApiFor } from './client-route.js';
import { inClientShape } from './client-errors.js';

/** How a plugin wants its model called, beyond the shared `llm` record. */
export interface LlmTargetSettings {
  /** The plugin entity, for the analytics' `plugin_id`. */
  readonly pluginId: string;
  readonly config: LlmConfig;
  /** Kong's `response_streaming`: honour the client's `stream`, refuse it, or always stream. */
  readonly responseStreaming: 'allow' | 'deny' | 'always';
  /** Kong's `model_name_header`: send `X-Kong-LLM-Model` on answers. */
  readonly modelNameHeader: boolean;
  /** The API shape clients of this route speak. */
  readonly clientFormat: ClientFormat;
  /**
   * The configured model replaces a different `model` in the client's body, instead of Kong's
   * 400 "cannot use own model": a balancer's targets each name their own model, and the client
   * cannot know which one serves it.
   */
  readonly replacesBodyModel?: boolean;
  /** Kong's `max_request_body_size`: a larger request body is a 413 before it is parsed. */
  readonly maxRequestBodySize?: number;
}

/** What one target's config allows to compute once: shared by all its exchanges. */
export interface CompiledTarget {
  readonly settings: LlmTargetSettings;
  /** The provider's driver, when the registry has one. */
  readonly driver: ProviderDriver | undefined;
  /** Kong's "no transformer for <provider>://<route_type>". */
  readonly noTransformer: GatewayError;
  /** The client API of a native `clientFormat` (from the registry); none for `openai`. */
  readonly clientApi: ClientApi | undefined;
  /** The 404 for a request outside the client API's native paths. */
  readonly wrongPath: GatewayError;
  readonly template: ModelTemplate;
  readonly authenticator: Authenticator;
  /** Whether anything is logged (statistics or payloads): only then are analytics recorded. */
  readonly analyticsOn: boolean;
}

/** A model, as one plugin config calls it: `start` prepares a request's upstream call to it. */
export interface LlmTarget {
  /**
   * Points `ctx.upstream` at the model with the request in `ctx.llm` (parsed now if no plugin did)
   * translated and authenticated, sets `ctx.responseMode`, and returns the exchange that handles
   * the answer: at once when the authenticator is synchronous, as a promise when it is not.
   * Throws `GatewayError` for a request the target cannot serve (a 413 past
   * `maxRequestBodySize`), in the client API's error shape for a native `clientFormat`.
   */
  start(ctx: RequestContext): MaybePromise<LlmExchange>;
}

/**
 * Compiles one `llm` config into a target, once per config snapshot: its driver, templates and
 * authenticator (the driver's own, else Kong's credential placement).
 */
export function compileLlmTarget(settings: LlmTargetSettings, providers: ProviderRegistry): LlmTarget {
  const target = compileTarget(settings, providers);
  const routeType = settings.config.route_type;
  const { maxRequestBodySize } = settings;
  const start = (ctx: RequestContext): MaybePromise<LlmExchange> => {
    const startedAt = performance.now();
    if (maxRequestBodySize !== undefined) checkRequestBodySize(ctx, maxRequestBodySize);
    const fields = target.template.resolve(ctx);
    return routeType === 'preserve'
      ? startPreservedExchange(ctx, target, fields, startedAt)
      : startTranslatedExchange(ctx, target, routeType, fields, startedAt);
  };
  const api = target.clientApi;
  if (!api) return { start };
  // A native client gets the gateway's refusals in its API's error shape.
  return {
    start(ctx) {
      try {
        const started = start(ctx);
        return started instanceof Promise
          ? started.catch((error: unknown) => inClientShape(error, api))
          : started;
      } catch (error) {
        return inClientShape(error, api);
      }
    },
  };
}

/**
 * What one `llm` config compiles to, once: its driver, templates and authenticator (the
 * driver's own, else Kong's credential placement). Shared by targets and LLM clients.
 */
export function compileTarget(settings: LlmTargetSettings, providers: ProviderRegistry): CompiledTarget {
  const { config } = settings;
  const driver = providers.get(config.model.provider);
  const clientApi = clientApiFor(providers, settings.clientFormat, config.route_type);
  return {
    settings,
    driver,
    noTransformer: new GatewayError(
      400,
      `no transformer for ${config.model.provider}://${config.route_type}`,
    ),
    clientApi,
    wrongPath: new GatewayError(
      404,
      `${settings.clientFormat === 'openai' ? `route_type '${config.route_type}'` : `llm_format '${settings.clientFormat}'`} serves ${clientApi?.paths.join(', ')} under the route only`,
    ),
    template: compileModelTemplate(config.model),
    authenticator: driver?.createAuthenticator?.(config.auth ?? {}) ?? createCredentialPlacement(config.auth),
    analyticsOn: config.logging.log_statistics || config.logging.log_payloads,
  };
}
