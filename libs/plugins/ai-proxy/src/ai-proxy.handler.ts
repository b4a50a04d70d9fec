import type { PluginHandler, PluginScope, ProviderRegistry, RequestContext } from '@switchyard/plugin-api';
import { compileLlmTarget, LOG_NAMESPACE, type LlmExchange } from '@switchyard/llm';
import type { AiProxyConfig } from './ai-proxy.config.js';

/**
 * The phases of one `ai-proxy` plugin entity: the LLM core's target, compiled once per config
 * snapshot, called with the request in `ctx.llm`. What a request needs between its phases (its
 * exchange) is kept per request, keyed by its context, never on shared objects.
 */
export function createAiProxyHandler(
  config: AiProxyConfig,
  scope: PluginScope,
  providers: ProviderRegistry,
): PluginHandler {
  const target = compileLlmTarget(
    {
      pluginId: scope.pluginId,
      config,
      responseStreaming: config.response_streaming,
      modelNameHeader: config.model_name_header,
      clientFormat: config.llm_format,
      maxRequestBodySize: config.max_request_body_size,
    },
    providers,
  );
  const exchanges = new WeakMap<RequestContext, LlmExchange>();

  return {
    access(ctx) {
      const started = target.start(ctx);
      // Most authenticators finish at once: no promise then on the request path.
      if (!(started instanceof Promise)) return void exchanges.set(ctx, started);
      return started.then((exchange) => void exchanges.set(ctx, exchange));
    },

    bufferedResponse(ctx, response) {
      return exchanges.get(ctx)?.answer(ctx, response);
    },

    streamStart(ctx, head) {
      return exchanges.get(ctx)?.stream(ctx, head);
    },

    log(ctx) {
      const exchange = exchanges.get(ctx);
      exchanges.delete(ctx);
      const entry = exchange?.logEntry(ctx.request.body);
      if (entry) ctx.log[LOG_NAMESPACE] = entry;
    },
  };
}
