import { compileRouter, type Router } from '@switchyard/router';
import {
  resolveConfigReferences,
  type ConfigSnapshot,
  type Plugin,
  type Route,
  type SecretEnvironment,
  type Service,
} from '@switchyard/config';
import type { GatewayPlugin, PluginHandler } from '@switchyard/plugin-api';
import { unresolvedReferencesHandler, type UnresolvedPluginReference } from './unresolved-references.js';

/** The plugins the proxy can run, by name. */
export type PluginRuntimeRegistry = ReadonlyMap<string, GatewayPlugin>;

/** A snapshot made ready to serve: the router compiled, each route's plugin chain resolved. */
export interface CompiledConfig {
  readonly version: number;
  readonly hash: string;
  readonly router: Router<Route, Service>;
  /** The handlers of a route, in priority order (highest first); empty when it has none. */
  chainFor(routeId: string): readonly PluginHandler[];
  /** Vault references this proxy could not resolve; the plugins holding them answer 500. */
  readonly unresolvedReferences: readonly UnresolvedPluginReference[];
}

const NO_PLUGINS: readonly PluginHandler[] = [];

/**
 * Kong's plugin scoping, without consumers (no plugin here identifies a consumer, so a
 * consumer-scoped plugin never applies): for each plugin name the most specific instance
 * wins, route+service over route over service over global.
 */
function specificity(plugin: Plugin): number {
  if (plugin.consumer) return -1;
  return (plugin.route ? 2 : 0) + (plugin.service ? 1 : 0);
}

function appliesTo(plugin: Plugin, route: Route): boolean {
  if (!plugin.enabled || plugin.consumer) return false;
  if (!plugin.protocols.some((protocol) => protocol === 'http' || protocol === 'https')) return false;
  if (plugin.route && plugin.route.id !== route.id) return false;
  if (plugin.service && plugin.service.id !== route.service?.id) return false;
  return true;
}

/**
 * Compiles a snapshot once, when it is swapped in: the router, and per route the chain of
 * handlers each plugin entity's factory made from its config, with the vault references of its
 * `referenceable` fields replaced by their secrets from `secrets` (the values stay in the handlers,
 * in memory). A plugin whose references cannot all be resolved gets a handler that answers 500
 * naming them, so its routes fail clearly while the others serve. Throws when a route cannot be
 * compiled or a plugin is not available; the caller keeps the config it had.
 */
export function compileConfig(
  snapshot: ConfigSnapshot,
  plugins: PluginRuntimeRegistry,
  secrets: SecretEnvironment,
): CompiledConfig {
  const router = compileRouter(snapshot.routes, snapshot.services);
  const handlers = new Map<string, { plugin: Plugin; priority: number; handler: PluginHandler }>();
  const unresolvedReferences: UnresolvedPluginReference[] = [];
  for (const plugin of snapshot.plugins) {
    if (!plugin.enabled || plugin.consumer) continue;
    const runtime = plugins.get(plugin.name);
    if (!runtime) throw new Error(`plugin '${plugin.name}' (${plugin.id}) is not available on this proxy`);
    const { config, unresolved } = resolveConfigReferences(runtime.schema, plugin.config, secrets);
    const handler =
      unresolved.length === 0
        ? runtime.createHandler(config, {
            pluginId: plugin.id,
            routeId: plugin.route?.id ?? null,
            serviceId: plugin.service?.id ?? null,
          })
        : unresolvedReferencesHandler(plugin, unresolved);
    for (const reference of unresolved) {
      unresolvedReferences.push({ ...reference, pluginId: plugin.id, pluginName: plugin.name });
    }
    handlers.set(plugin.id, { plugin, priority: runtime.priority, handler });
  }

  const chains = new Map<string, readonly PluginHandler[]>();
  for (const route of snapshot.routes) {
    const byName = new Map<string, { plugin: Plugin; priority: number; handler: PluginHandler }>();
    for (const entry of handlers.values()) {
      if (!appliesTo(entry.plugin, route)) continue;
      const current = byName.get(entry.plugin.name);
      if (!current || specificity(entry.plugin) > specificity(current.plugin))
        byName.set(entry.plugin.name, entry);
    }
    if (byName.size === 0) continue;
    chains.set(
      route.id,
      [...byName.values()].sort((a, b) => b.priority - a.priority).map((entry) => entry.handler),
    );
  }

  return {
    version: snapshot.version,
    hash: snapshot.hash,
    router,
    chainFor: (routeId) => chains.get(routeId) ?? NO_PLUGINS,
    unresolvedReferences,
  };
}
