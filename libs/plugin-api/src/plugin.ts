import type { RecordField } from './config-schema.js';
import type { PluginCounters } from './counter-store.js';
import type { ProviderRegistry } from './provider-driver.js';
import type { RequestContext, ResponseHead, BufferedResponse, StreamTransformer } from './request-context.js';

/**
 * What the gateway gives every plugin: the one way a plugin reaches providers and shared
 * counters. Built once by the catalog.
 */
export interface PluginEnvironment {
  /** The provider drivers of this build, by id. */
  readonly providers: ProviderRegistry;
  /** The process's counters; absent where no request is served (the control plane). */
  readonly counters?: PluginCounters;
}

/**
 * A gateway plugin, as Kong defines one: a name, a priority (higher runs first) and the schema
 * of its `config`. The Admin API validates every plugin entity's `config` against `schema`
 * (filling defaults). This is all the control plane needs to know of a plugin.
 */
export interface PluginDefinition {
  readonly name: string;
  /** Kong's priority: plugins run in descending order. */
  readonly priority: number;
  /** The schema of `config`: a record whose fields are the plugin's options. */
  readonly schema: RecordField;
  /**
   * Kong's `typedefs.no_consumer`: the plugin cannot be scoped to a consumer (an authentication
   * plugin runs before any consumer is known). The Admin API refuses a `consumer` with
   * "value must be null".
   */
  readonly noConsumer?: boolean;
  /**
   * What one plugin entity counts for one caller (a rate limiter's windows), for the Admin API's
   * `GET /plugins/{id}/usage?identifier=...`; absent for plugins that count nothing. Rejects
   * with `GatewayError` (its status and message answered) when it cannot be read.
   */
  readonly readUsage?: (
    config: Readonly<Record<string, unknown>>,
    pluginId: string,
    identifier: string,
  ) => Promise<Readonly<Record<string, unknown>>>;
}

/** Where a plugin entity is attached; ids are `null` when not scoped to that entity. */
export interface PluginScope {
  readonly pluginId: string;
  readonly routeId: string | null;
  readonly serviceId: string | null;
  /** Set for a plugin scoped to a consumer: it runs only for that consumer's requests. */
  readonly consumerId?: string | null;
}

/**
 * A plugin as the proxy runs it: the definition plus a factory that turns one plugin entity's
 * (validated, defaults-filled) `config` into its phase handlers. The factory runs when a config
 * snapshot is swapped in, never per request: precompute there whatever the config allows.
 */
export interface GatewayPlugin extends PluginDefinition {
  createHandler(config: Readonly<Record<string, unknown>>, scope: PluginScope): PluginHandler;
}

/**
 * A plugin as its lib declares it (see `definePlugin`). `Config` is the type of its validated
 * `config`, inferred from or written beside its schema.
 */
export interface PluginSpec<Config> {
  /** Kong's plugin name, kebab-case (`ai-proxy`). */
  readonly name: string;
  readonly priority: number;
  /** See `PluginDefinition.noConsumer`. */
  readonly noConsumer?: boolean;
  /** The `config` schema; a function of the environment when it depends on the providers. */
  readonly schema: RecordField | ((env: PluginEnvironment) => RecordField);
  /** Turns one plugin entity's config into its phases; runs once per config snapshot. */
  createHandler(config: Config, scope: PluginScope, env: PluginEnvironment): PluginHandler;
  /** See `PluginDefinition.readUsage`. */
  readUsage?(
    config: Config,
    pluginId: string,
    identifier: string,
    env: PluginEnvironment,
  ): Promise<Readonly<Record<string, unknown>>>;
}

const PLUGIN_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Declares a plugin. The shape is checked at once, so that a malformed plugin fails when the
 * gateway loads, not on the first request that reaches it.
 */
export function definePlugin<Config>(spec: PluginSpec<Config>): PluginSpec<Config> {
  if (!PLUGIN_NAME.test(spec.name)) throw new Error(`plugin name '${spec.name}' must be kebab-case`);
  if (!Number.isInteger(spec.priority)) throw new Error(`plugin '${spec.name}': priority must be an integer`);
  if (typeof spec.schema !== 'function' && spec.schema.type !== 'record')
    throw new Error(`plugin '${spec.name}': schema must be a record`);
  if (typeof spec.createHandler !== 'function')
    throw new Error(`plugin '${spec.name}': createHandler must be a function`);
  return spec;
}

/** A declared plugin made ready for a gateway: its schema resolved and the environment bound. */
export function bindPlugin<Config>(spec: PluginSpec<Config>, env: PluginEnvironment): GatewayPlugin {
  const schema = typeof spec.schema === 'function' ? spec.schema(env) : spec.schema;
  if (schema.type !== 'record') throw new Error(`plugin '${spec.name}': schema must be a record`);
  return {
    name: spec.name,
    priority: spec.priority,
    schema,
    ...(spec.noConsumer && { noConsumer: true }),
    ...(spec.readUsage && {
      readUsage: (config, pluginId, identifier) =>
        spec.readUsage!(config as Config, pluginId, identifier, env),
    }),
    // The proxy only hands over configs that `schema` validated and filled: `Config`'s shape.
    createHandler: (config, scope) => spec.createHandler(config as Config, scope, env),
  };
}

/**
 * One plugin entity's phase functions. Each is optional; each runs in priority order across the
 * route's chain. Throwing `GatewayError` from any phase before the response has started answers
 * the client with it; anything else thrown is a 500.
 */
export interface PluginHandler {
  /**
   * Before the upstream call: read and rewrite the request (`ctx.llm`, `ctx.upstream`), choose
   * how the response will be handled (`ctx.responseMode`), or answer right away by throwing
   * `GatewayError`.
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
