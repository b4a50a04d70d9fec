import { GatewayError } from '@switchyard/plugin-api';
import type { PluginHandler, PluginScope, ProviderRegistry } from '@switchyard/plugin-api';
import { checkRequestBodySize, compileLlmTransformer, readableAnswerBody } from '@switchyard/llm';
import type { AiResponseTransformerConfig } from './ai-response-transformer.config.js';
import { applyResponseInstructions, parseResponseInstructions } from './json-instructions.js';

/** Where Kong logs this plugin's LLM call (`ai.<plugin name>`), beside `ai-proxy`'s `ai.proxy`. */
export const AI_RESPONSE_TRANSFORMER_LOG = 'ai.ai-response-transformer';

/** A streamed answer cannot be given to a model whole before the client gets it. */
const STREAMED = new GatewayError(
  400,
  "ai-response-transformer rewrites whole answers, and this request's answer would be streamed (a `stream: true` request, ai-proxy's `response_streaming = always`, or its `preserve` route type); send the request without streaming",
);

/**
 * The phases of one `ai-response-transformer` plugin entity. `access` asks for the upstream's
 * answer whole (and uncompressed); `bufferedResponse`, after `ai-proxy` (770) translated it when
 * the route has one, sends its body to the plugin's model with the prompt and gives the client
 * the model's answer instead: as the body (status and headers the upstream's), or, with
 * `parse_llm_response_json_instructions`, as the status, headers and body it names. A model
 * that fails is Kong's 400, unusable instructions Kong's 500.
 */
export function createAiResponseTransformerHandler(
  config: AiResponseTransformerConfig,
  scope: PluginScope,
  providers: ProviderRegistry,
): PluginHandler {
  const transformer = compileLlmTransformer(
    config,
    { pluginId: scope.pluginId, logNamespace: AI_RESPONSE_TRANSFORMER_LOG },
    providers,
  );
  return {
    access(ctx) {
      checkRequestBodySize(ctx, config.max_request_body_size);
      if (ctx.responseMode === 'stream') throw STREAMED;
      ctx.responseMode = 'buffered';
      // The answer is rewritten whole: it may as well come uncompressed.
      ctx.upstream.headers['accept-encoding'] = 'identity';
    },

    async bufferedResponse(ctx, response) {
      const upstreamBody = await readableAnswerBody(
        response,
        ctx.limits.maxResponseBodyBytes,
        ctx.upstream.label,
      );
      const answer = await transformer.transform(ctx, upstreamBody.toString('utf8'));
      // The body is the model's now: it has its own length and no encoding.
      delete response.headers['content-length'];
      delete response.headers['content-encoding'];
      delete response.headers['transfer-encoding'];
      if (config.parse_llm_response_json_instructions)
        applyResponseInstructions(response, parseResponseInstructions(answer));
      else response.body = Buffer.from(answer);
    },
  };
}
