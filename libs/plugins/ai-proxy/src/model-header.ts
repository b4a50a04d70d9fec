import type { RequestContext } from '@switchyard/plugin-api';
import type { HandlerSetup } from './handler-setup.js';

/**
 * The `X-Kong-LLM-Model` value (`<provider>/<model>`) for a request, or `undefined` when it is
 * not sent: Kong sends it when `model_name_header` is on or the client sent `Kong-Debug`.
 */
export function modelHeaderFor(
  setup: HandlerSetup,
  ctx: RequestContext,
  model: string | undefined,
): string | undefined {
  if (model === undefined) return undefined;
  if (!setup.config.model_name_header && ctx.request.headers['kong-debug'] === undefined) return undefined;
  return `${setup.config.model.provider}/${model}`;
}
