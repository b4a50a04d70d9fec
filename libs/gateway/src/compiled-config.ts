import { compileRouter, type Router } from '@switchyard/router';
import {
  compileConsumerDirectory,
  resolveConfigReferences,
  type ConfigSnapshot,
  type Plugin,
  type Route,
  type SecretEnvironment,
  type Service,
} from '@switchyard/config';
import type { ConsumerDirectory, GatewayPlugin, PluginHandler } from '@switchyard/plugin-api';
import { unresolvedReferencesHandler, type UnresolvedPluginReference } from './unresolved-references.js';

/** The plugins the proxy can run, by name. */
export type PluginRuntimeRegistry = ReadonlyMap<string, GatewayPlugin>;

/**
 * The plugins one request runs, in order, and how the chain goes on once an authentication
 * plugin identified the consumer (Kong's two stages).
 */
export interface PluginChain {
  /** In Kong's order: priority (highest first), then name. */
  readonly handlers: readonly PluginHandler[];
  /**
   * The chain once the handler at `index` identified `consumerId`: the handlers up to it, as
   * they ran, then the plugins that rank after it as resolved for (route, consumer) by Kong's
   * precedence. This very chain when no plugin is scoped to that consumer. Resolved on first
   * use and kept with the compiled snapshot: never twice for the same (chain, consumer, index).
   */
  afterAuthentication(consumerId: string, index: number): PluginChain;
}

/** A snapshot made ready to serve: the router compiled, each route's plugin chain resolved. */
export interface CompiledConfig {
  readonly version: number;
  readonly hash: string;
  readonly router: Router<Route, Service>;
  /** The chain a request on the route starts with (no consumer known yet); empty when it has none. */
  chainFor(routeId: string): PluginChain;
  /** The snapshot's consumers and credentials, for the plugins that identify callers. */
  readonly consumers: ConsumerDirectory;
  /** Vault references this proxy could not resolve; the plugins holding them answer 500. */
  readonly unresolvedReferences: readonly UnresolvedPluginReference[];
}

/** One plugin entity ready to run: its entity (for scoping), its rank and its handler. */
interface ChainEntry {
  readonly plugin: Plugin;
  readonly priority: number;
  readonly handler: PluginHandler;
}

/**
 * Kong's precedence among instances of one plugin (`kong/runloop/plugins_iterator.lua`): the
 * most specific scope wins, route+service+consumer > route+consumer > service+consumer >
 * route+service > consumer > route > service > global.
 */
function precedence({ route, service, consumer }: Plugin): number {
  if (consumer) return route && service ? 8 : route ? 7 : service ? 6 : 4;
  return route && service ? 5 : route ? 3 : service ? 2 : 1;
}

/** Whether the instance applies to a request on `route` made by `consumerId` (null: not known). */
function appliesTo(plugin: Plugin, route: Route, consumerId: string | null): boolean {
  if (plugin.consumer && plugin.consumer.id !== consumerId) return false;
  if (plugin.route && plugin.route.id !== route.id) return false;
  if (plugin.service && plugin.service.id !== route.service?.id) return false;
  return true;
}

/** Kong's run order: higher priority first; equal priorities by name, for a stable order. */
function runsBefore(a: ChainEntry, b: ChainEntry): boolean {
  return a.priority > b.priority || (a.priority === b.priority && a.plugin.name < b.plugin.name);
}

/** For each plugin name, the applicable instance of highest precedence, in run order. */
function resolveChain(entries: readonly ChainEntry[], route: Route, consumerId: string | null): ChainEntry[] {
  const byName = new Map<string, ChainEntry>();
  for (const entry of entries) {
    if (!appliesTo(entry.plugin, route, consumerId)) continue;
    const current = byName.get(entry.plugin.name);
    if (!current || precedence(entry.plugin) > precedence(current.plugin))
      byName.set(entry.plugin.name, entry);
  }
  return [...byName.values()].sort((a, b) => (runsBefore(a, b) ? -1 : runsBefore(b, a) ? 1 : 0));
}

/**
 * A chain of one route. Kong's two stages: authentication plugins run with the route's chain
 * (no consumer is known, so consumer-scoped plugins do not apply); from the plugin after the one
 * that identified the consumer, each plugin is the (route, consumer) one. A consumer-scoped
 * plugin that ranks before that point (an authentication plugin, which Kong forbids to scope to
 * a consumer anyway) never runs for it.
 */
class RoutePluginChain implements PluginChain {
  readonly handlers: readonly PluginHandler[];
  private readonly continuations = new Map<string, PluginChain>();

  constructor(
    private readonly route: Route,
    private readonly entries: readonly ChainEntry[],
    private readonly all: readonly ChainEntry[],
    private readonly scopedConsumers: ReadonlySet<string>,
  ) {
    this.handlers = entries.map((entry) => entry.handler);
  }

  afterAuthentication(consumerId: string, index: number): PluginChain {
    const identifiedBy = this.entries[index];
    if (!identifiedBy || !this.scopedConsumers.has(consumerId)) return this;
    const key = `${consumerId}\n${index}`;
    let chain = this.continuations.get(key);
    if (!chain) {
      const rest = resolveChain(this.all, this.route, consumerId).filter((entry) =>
        runsBefore(identifiedBy, entry),
      );
      const entries = [...this.entries.slice(0, index + 1), ...rest];
      chain = new RoutePluginChain(this.route, entries, this.all, this.scopedConsumers);
      this.continuations.set(key, chain);
    }
    return chain;
  }
}

const EMPTY_CHAIN: PluginChain = {
  handlers: [],
  afterAuthentication: () => EMPTY_CHAIN,
};

/** Whether a plugin entity is served on HTTP routes at all. */
function servesHttp(plugin: Plugin): boolean {
  return plugin.enabled && plugin.protocols.some((protocol) => protocol === 'http' || protocol === 'https');
}

/**
 * Compiles a snapshot once, when it is swapped in: the router, the consumer directory, and per
 * route the chain of handlers each plugin entity's factory made from its config, with the vault
 * references of its `referenceable` fields replaced by their secrets from `secrets` (the values
 * stay in the handlers, in memory). Handlers of consumer-scoped plugins are made here too; the
 * chains that use them are resolved the first time a consumer of theirs is identified. A plugin
 * whose references cannot all be resolved gets a handler that answers 500 naming them, so its
 * routes fail clearly while the others serve. Throws when a route cannot be compiled or a plugin
 * is not available; the caller keeps the config it had.
 */
export function compileConfig(
  snapshot: ConfigSnapshot,
  plugins: PluginRuntimeRegistry,
  secrets: SecretEnvironment,
): CompiledConfig {
  const router = compileRouter(snapshot.routes, snapshot.services);
  const entries: ChainEntry[] = [];
  const scopedConsumers = new Set<string>();
  const unresolvedReferences: UnresolvedPluginReference[] = [];
  for (const plugin of snapshot.plugins) {
    if (!servesHttp(plugin)) continue;
    const runtime = plugins.get(plugin.name);
    if (!runtime) throw new Error(`plugin '${plugin.name}' (${plugin.id}) is not available on this proxy`);
    const { config, unresolved } = resolveConfigReferences(runtime.schema, plugin.config, secrets);
    const handler =
      unresolved.length === 0
        ? runtime.createHandler(config, {
            pluginId: plugin.id,
            routeId: plugin.route?.id ?? null,
            serviceId: plugin.service?.id ?? null,
            consumerId: plugin.consumer?.id ?? null,
          })
        : unresolvedReferencesHandler(plugin, unresolved);
    for (const reference of unresolved) {
      unresolvedReferences.push({ ...reference, pluginId: plugin.id, pluginName: plugin.name });
    }
    entries.push({ plugin, priority: runtime.priority, handler });
    if (plugin.consumer) scopedConsumers.add(plugin.consumer.id);
  }

  const chains = new Map<string, PluginChain>();
  for (const route of snapshot.routes) {
    const chain = resolveChain(entries, route, null);
    if (chain.length > 0) chains.set(route.id, new RoutePluginChain(route, chain, entries, scopedConsumers));
  }

  return {
    version: snapshot.version,
    hash: snapshot.hash,
    router,
    chainFor: (routeId) => chains.get(routeId) ?? EMPTY_CHAIN,
    consumers: compileConsumerDirectory(snapshot.consumers, snapshot.keyauth_credentials ?? []),
    unresolvedReferences,
  };
}
