import type { ClientBody, ProviderRequest, TranslatedRequest } from '@switchyard/plugin-api';
import { isRecord } from './json-shapes.js';

/**
 * The OpenAI-format upstream body for a client body (Kong's openai `to_format`): every client
 * field is kept, `model` is the resolved model, `stream` is explicit, `top_k` is dropped (OpenAI
 * has none). When the gateway wants the stream's usage, `stream_options.include_usage` is turned
 * on unless the client set it either way; the usage chunk then reaches the client only if it
 * asked (see the stream translator). A new object: the client's body is never changed.
 */
export function translateOpenAiRequest(body: ClientBody, request: ProviderRequest): TranslatedRequest {
  const { top_k: _notOpenAi, ...kept } = body;
  const upstream: Record<string, unknown> = { ...kept, model: request.model.name, stream: request.stream };
  const streamOptions = isRecord(body.stream_options) ? body.stream_options : undefined;
  if (request.stream && request.wantsUsage && streamOptions?.include_usage === undefined) {
    upstream.stream_options = { ...streamOptions, include_usage: true };
  }
  return { body: upstream };
}
