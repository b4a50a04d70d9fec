import type { LlmRequest, ProviderRequest, TranslatedRequest } from '@switchyard/plugin-api';

/**
 * The OpenAI-format upstream body for a client body (Kong's openai `to_format`): every client
 * field is kept, `model` is the resolved model, `stream` is explicit, `top_k` is dropped (OpenAI
 * has none). When the stream's usage is wanted, `stream_options.include_usage` is turned on
 * unless the client set it either way.
 */
export function translateOpenAiRequest(body: LlmRequest, request: ProviderRequest): TranslatedRequest {
  const { top_k: _unsupported, ...kept } = body;
  const upstream: LlmRequest = { ...kept, model: request.model.name, stream: request.stream };
  if (request.stream && request.wantsUsage && upstream.stream_options?.include_usage === undefined) {
    upstream.stream_options = { ...upstream.stream_options, include_usage: true };
  }
  return { body: upstream };
}
