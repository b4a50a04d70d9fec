import type { PluginHandler, PluginScope, ProviderRegistry } from '@switchyard/plugin-api';
import {
  checkRequestBodySize,
  compileLlmTransformer,
  currentRequestBody,
  replaceRequestBody,
  type LlmTransformerConfig,
} from '@switchyard/llm';

/** Where Kong logs this plugin's LLM call (`ai.<plugin name>`), beside `ai-proxy`'s `ai.proxy`. */
export const AI_REQUEST_TRANSFORMER_LOG = 'ai.ai-request-transformer';

/**
 * The `access` phase of one `ai-request-transformer` plugin entity: the request body goes to the
 * plugin's model with its prompt, and the model's answer (cut by the extract pattern) goes
 * upstream in its place, where the plugins that run later (the prompt plugins, `ai-proxy`) read
 * it. When the model fails, the client gets Kong's 400 and the upstream is never called.
 */
export function createAiRequestTransformerHandler(
  config: LlmTransformerConfig,
  scope: PluginScope,
  providers: ProviderRegistry,
): PluginHandler {
  const transformer = compileLlmTransformer(
    config,
    { pluginId: scope.pluginId, logNamespace: AI_REQUEST_TRANSFORMER_LOG },
    providers,
  );
  return {
    async access(ctx) {
      checkRequestBodySize(ctx, config.max_request_body_size);
      const body = await transformer.transform(ctx, currentRequestBody(ctx).toString('utf8'));
      replaceRequestBody(ctx, Buffer.from(body));
    },
  };
}
