import type {
  BufferedResponse,
  RequestContext,
  ResponseHead,
  StreamTransformer,
} from '@switchyard/plugin-api';
import type { AiProxyLogEntry } from '../telemetry/analytics.js';
import type { MaybePromise } from './authenticated.js';

/**
 * One request's call to a model, from the moment `ctx.upstream` was prepared for it: what the
 * response phases do with the answer, and what the log phase records. Created per request (per
 * attempt), so its state never outlives the request.
 */
export interface LlmExchange {
  /**
   * `responseMode` `buffered`: the whole answer, rewritten for the client in place (read and
   * inflated within `ctx.limits`), at once unless something must be waited for. Throws `GatewayError` for an answer the client cannot be given.
   */
  answer(ctx: RequestContext, response: BufferedResponse): MaybePromise<void>;
  /**
   * `responseMode` `stream`: the head arrived; the transformer for the body, if it needs one. A
   * stream that ends in an error event is marked on `ctx.failure`.
   */
  stream(ctx: RequestContext, head: ResponseHead): StreamTransformer | undefined;
  /** The `ai.proxy` analytics entry, when the config logs any (`requestBody` is what the client sent). */
  logEntry(requestBody: Buffer): AiProxyLogEntry | undefined;
}
