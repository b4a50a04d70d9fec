import { GatewayError, ShapedGatewayError } from '@switchyard/plugin-api';
import type { ClientApi } from '@switchyard/plugin-api';

/** Rethrows a `GatewayError` answered in the client API's error shape (status, message and headers kept); anything else as it is. */
export function inClientShape(error: unknown, api: ClientApi): never {
  if (!(error instanceof GatewayError) || error instanceof ShapedGatewayError) throw error;
  throw new ShapedGatewayError(
    error.status,
    error.message,
    api.errorBody(error.status, error.message),
    error.headers,
  );
}
