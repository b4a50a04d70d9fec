import { GatewayError } from '@switchyard/plugin-api';
import type { ClientBody } from '@switchyard/plugin-api';
import { isPrintableAscii } from './printable-ascii.js';

/**
 * The model that serves a request (Kong's `normalize-request`): the configured name wins and a
 * different, non-empty body `model` is a 400; the body's model is used only when none is
 * configured; with neither, a 400. A model name goes into the `X-Kong-LLM-Model` header, so it
 * must be printable ASCII: any other is a 400, before the provider is called. With
 * `replacesBodyModel` (a balancer, whose targets name different models), the configured name
 * replaces a different body `model` instead.
 */
export function resolveModelName(
  configured: string | undefined,
  body: ClientBody,
  replacesBodyModel = false,
): string {
  const requested = typeof body.model === 'string' && body.model !== '' ? body.model : undefined;
  const name = configured || requested;
  if (!name)
    throw new GatewayError(400, 'model parameter not found in request, nor in gateway configuration');
  if (requested !== undefined && requested !== name && !(replacesBodyModel && configured)) {
    throw new GatewayError(400, `cannot use own model - must be: ${name}`);
  }
  if (!isPrintableAscii(name)) {
    throw new GatewayError(
      400,
      `model name ${JSON.stringify(name)} is not allowed: a model name is printable ASCII only (no CR, LF, NUL, other control characters or non-ASCII text)`,
    );
  }
  return name;
}
