import { GatewayError, type PluginHandler, type RequestContext } from '@switchyard/plugin-api';

/**
 * Runs a handler's `access` phase on `ctx`: `undefined` when the request goes on, else the status
 * and message of the `GatewayError` the client would get. Anything else thrown is rethrown.
 */
export async function accessFailure(
  handler: PluginHandler,
  ctx: RequestContext,
): Promise<[status: number, message: string] | undefined> {
  try {
    await handler.access!(ctx);
  } catch (error) {
    if (error instanceof GatewayError) return [error.status, error.message];
    throw error;
  }
  return undefined;
}
