import type { ProviderId, RequestContext } from '@switchyard/plugin-api';

/**
 * The `X-Kong-LLM-Model` value (`<provider>/<model>`) for a request, or `undefined` when it is
 * not sent: Kong sends it when `model_name_header` is on or the client sent `Kong-Debug`.
 */
export function modelHeaderFor(
  provider: ProviderId,
  modelNameHeader: boolean,
  ctx: RequestContext,
  model: string | undefined,
): string | undefined {
  if (model === undefined) return undefined;
  if (!modelNameHeader && ctx.request.headers['kong-debug'] === undefined) return undefined;
  return `${provider}/${model}`;
}
