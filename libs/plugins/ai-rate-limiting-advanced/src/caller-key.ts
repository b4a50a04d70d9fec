import type { RequestContext } from '@switchyard/plugin-api';
import type { AiRateLimitingAdvancedConfig } from './ai-rate-limiting-advanced.config.js';

/**
 * Who a request is counted against, as `<kind>:<value>` (Kong's `identifier`): the consumer or
 * credential an authentication plugin found (else, as Kong, the client IP), the service, or a
 * header's value. A request without the header is counted under the client IP.
 */
export function callerKey(ctx: RequestContext, config: AiRateLimitingAdvancedConfig): string {
  const ip = () => `ip:${ctx.clientAddress ?? 'unknown'}`;
  switch (config.identifier) {
    case 'consumer':
      return ctx.consumer ? `consumer:${ctx.consumer.id}` : ip();
    case 'credential':
      return ctx.credential ? `credential:${ctx.credential.id}` : ip();
    case 'service':
      return ctx.service ? `service:${ctx.service.id}` : ip();
    case 'header': {
      const value = ctx.request.headers[config.header_name!.toLowerCase()];
      const first = Array.isArray(value) ? value[0] : value;
      return first ? `header:${first}` : ip();
    }
    case 'ip':
      return ip();
  }
}
