import type { RecordField } from './config-schema.js';
import type { PluginName } from './ids.js';
import type { RequestContext, ResponseHead, BufferedResponse, StreamTransformer } from './request-context.js';

/**
 * A gateway plugin, as Kong defines one: a name, a priority (higher runs first) and the schema
 * of its `config`. The Admin API validates every plugin entity's `config` against `schema`
 * (filling defaults). This is all the control plane needs to know of a plugin.
 */
export interface PluginDefinition {
  readonly name: PluginName;
  /** Kong's priority: plugins run in descending order. */
  readonly priority: number;
  /** The schema of `config`: a record whose fields are the plugin's options. */
  readonly schema: RecordField;
}

/** Where a plugin entity is attached; ids are `null` when not scoped to that entity. */
export interface PluginScope {
  readonly pluginId: string;
  readonly routeId: string | null;
  readonly serviceId: string | null;
}

/**
 * A plugin as the proxy runs it: the definition plus a factory that turns one plugin entity's
 * (validated, defaults-filled) `config` into its phase handlers. The factory runs when a config
 * snapshot is swapped in, never per request: precompute there whatever the config allows.
 */
export interface GatewayPlugin<Config = Record<string, unknown>> extends PluginDefinition {
  createHandler(config: Config, scope: PluginScope): PluginHandler;
}

/**
 * One plugin entity's phase functions. Each is optional; each runs in priority order across the
 * route's chain. Throwing `GatewayError` from any phase before the response has started answers
 * the client with it; anything else thrown is a 500.
 */
export interface PluginHandler {
  /**
   * Before the upstream call: read and rewrite the request (`ctx.upstream`), choose how the
   * response will be handled (`ctx.responseMode`), or answer right away by throwing `GatewayError`.
   */
  access?(ctx: RequestContext): void | Promise<void>;
  /**
   * `responseMode` `buffered`: the whole upstream response, which the handler may rewrite
   * (status, headers, body) before it is sent.
   */
  bufferedResponse?(ctx: RequestContext, response: BufferedResponse): void | Promise<void>;
  /**
   * `responseMode` `stream`: the upstream status and headers have arrived; the handler may
   * rewrite them and return a transformer for the body, created per request.
   */
  streamStart?(ctx: RequestContext, head: ResponseHead): StreamTransformer | void;
  /** After the response is complete (or the client went away); must not block or throw. */
  log?(ctx: RequestContext): void;
}
