import { compileRouter, RouteCompileError } from '@switchyard/router';
import { validatePluginConfig } from '../plugin-config/config-validator.js';
import type { PluginDefinition } from '@switchyard/plugin-api';
import type { AnyEntity, EntityName, Plugin, Route } from '../entities/entity.types.js';
import type { FieldErrors } from '../errors/kong-db-error.js';

/** The route fields the router compiles, each checked on its own so that an error names its field. */
const COMPILED_ROUTE_FIELDS = ['paths', 'hosts', 'headers'] as const;

/**
 * What would stop a proxy from serving this entity, found by the code the proxy runs: the
 * router's compile for a route (regex paths, `~*` header regexes, host patterns), and for a
 * plugin its definition on this gateway and its `config` by the plugin's schema. Kong's field
 * errors, `{}` when a proxy can serve it. The Admin API refuses a write with such errors (400),
 * config-sync a snapshot: whatever the Admin API stores, every proxy loads.
 */
export function findServingErrors(
  collection: EntityName,
  entity: AnyEntity,
  plugins: readonly PluginDefinition[],
): FieldErrors {
  switch (collection) {
    case 'routes':
      return routeServingErrors(entity as Route);
    case 'plugins':
      return pluginServingErrors(entity as Plugin, plugins);
    default:
      return {};
  }
}

/**
 * Compiles the route in the proxy's router as a route of its own, one field at a time; the
 * service is left out (the store holds that reference to an existing service), and the route
 * is compiled as an HTTP route whatever its protocols, since a PATCH may make it one.
 */
function routeServingErrors(route: Route): FieldErrors {
  const errors: FieldErrors = {};
  for (const field of COMPILED_ROUTE_FIELDS) {
    if (route[field] === null) continue;
    const probe: Route = {
      ...route,
      protocols: ['http'],
      service: null,
      paths: null,
      hosts: null,
      headers: null,
      [field]: route[field],
    };
    try {
      compileRouter([probe], []);
    } catch (error) {
      if (!(error instanceof RouteCompileError)) throw error;
      errors[field] = error.message;
    }
  }
  return errors;
}

/**
 * The plugin must be one this gateway runs, scoped as it allows (Kong's `no_consumer`: "value
 * must be null"), and its `config` must pass that plugin's schema.
 */
export function pluginServingErrors(plugin: Plugin, plugins: readonly PluginDefinition[]): FieldErrors {
  const definition = plugins.find((candidate) => candidate.name === plugin.name);
  if (!definition) return { name: `plugin '${plugin.name}' is not available on this gateway` };
  const errors: FieldErrors = {};
  if (definition.noConsumer && plugin.consumer) errors['consumer'] = 'value must be null';
  const result = validatePluginConfig(definition.schema, plugin.config);
  if (!result.ok) errors['config'] = result.errors;
  return errors;
}
