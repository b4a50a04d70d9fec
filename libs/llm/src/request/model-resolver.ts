import { GatewayError } from '@switchyard/plugin-api';
import type { ClientBody } from '@switchyard/plugin-api';

/**
 * The model that serves a request (Kong's `normalize-request`): the configured name wins and a
 * different, non-empty body `model` is a 400; the body's model is used only when none is
 * configured; with neither, a 400.
 */
export function resolveModelName(configured: string | undefined, body: ClientBody): string {
  const requested = typeof body.model === 'string' && body.model !== '' ? body.model : undefined;
  const name = configured || requested;
  if (!name)
    throw new GatewayError(400, 'model parameter not found in request, nor in gateway configuration');
  if (requested !== undefined && requested !== name) {
    throw new GatewayError(400, `cannot use own model - must be: ${name}`);
  }
  return name;
}
