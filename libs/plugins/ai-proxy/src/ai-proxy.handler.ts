import { GatewayError } from '@switchyard/plugin-api';
import type { PluginHandler, PluginScope, ProviderRegistry, RequestContext } from '@switchyard/plugin-api';
import type { AiProxyConfig } from './ai-proxy.config.js';
import { LOG_NAMESPACE } from './analytics.js';
import { createAuthInjector } from './auth-injector.js';
import { rewriteBufferedAnswer } from './buffered-answer.js';
import type { ExchangeState } from './exchange-state.js';
import type { HandlerSetup } from './handler-setup.js';
import { readPreservedAnswer, startPreservedExchange, startPreservedStream } from './preserved-exchange.js';
import { compileModelTemplate } from './template.resolver.js';
import { startTranslatedExchange, startTranslatedStream } from './translated-exchange.js';

function bodyTooLarge(limit: number): GatewayError {
  // Kong hands this limit to `get_body`, which only enforces it once nginx has spooled the body
  // to disk, and then answers with its bad-JSON 400; every body over the limit gets a 413 here.
  return new GatewayError(
    413,
    `request body is larger than max_request_body_size (${limit} bytes); raise config.max_request_body_size or send a smaller request`,
  );
}

/**
 * The phases of one `ai-proxy` plugin entity. Everything its config allows is computed here,
 * once per config snapshot; what a request needs between its phases is kept per request (keyed
 * by its context, so it goes with it), never on shared objects.
 */
export function createAiProxyHandler(
  config: AiProxyConfig,
  scope: PluginScope,
  providers: ProviderRegistry,
): PluginHandler {
  const provider = config.model.provider;
  const setup: HandlerSetup = {
    config,
    scope,
    driver: providers.get(provider),
    noTransformer: new GatewayError(400, `no transformer for ${provider}://${config.route_type}`),
    template: compileModelTemplate(config.model),
    auth: createAuthInjector(config.auth),
    analyticsOn: config.logging.log_statistics || config.logging.log_payloads,
  };
  const tooLarge = bodyTooLarge(config.max_request_body_size);
  const nativeFormat =
    config.llm_format === 'openai'
      ? undefined
      : new GatewayError(
          400,
          `llm_format '${config.llm_format}' (native ${config.llm_format} requests) is not supported by this gateway yet; set config.llm_format to 'openai'`,
        );
  const exchanges = new WeakMap<RequestContext, ExchangeState>();

  return {
    access(ctx) {
      const startedAt = performance.now();
      if (ctx.request.body.length > config.max_request_body_size) throw tooLarge;
      if (nativeFormat) throw nativeFormat;
      const fields = setup.template.resolve(ctx);
      const exchange =
        config.route_type === 'preserve'
          ? startPreservedExchange(ctx, setup, fields, startedAt)
          : startTranslatedExchange(ctx, setup, config.route_type, fields, startedAt);
      exchanges.set(ctx, exchange);
    },

    async bufferedResponse(ctx, response) {
      const exchange = exchanges.get(ctx);
      if (exchange?.kind !== 'translated' || !setup.driver) return;
      exchange.analytics?.responded();
      await rewriteBufferedAnswer(response, {
        driver: setup.driver,
        request: exchange.request,
        clientAcceptsGzip: exchange.clientAcceptsGzip,
        modelHeader: exchange.modelHeader,
        analytics: exchange.analytics,
        trace: exchange.trace,
        maxBodyBytes: ctx.limits.maxResponseBodyBytes,
      });
    },

    streamStart(ctx, head) {
      const exchange = exchanges.get(ctx);
      if (!exchange) return undefined;
      exchange.analytics?.responded();
      if (exchange.kind === 'preserved') return startPreservedStream(ctx, head, exchange, setup);
      return setup.driver && startTranslatedStream(ctx, head, exchange, setup.driver);
    },

    log(ctx) {
      const exchange = exchanges.get(ctx);
      exchanges.delete(ctx);
      if (!exchange?.analytics) return;
      if (exchange.kind === 'preserved') readPreservedAnswer(exchange);
      const entry = exchange.analytics.entry(ctx.request.body);
      if (entry) ctx.log[LOG_NAMESPACE] = entry;
    },
  };
}
