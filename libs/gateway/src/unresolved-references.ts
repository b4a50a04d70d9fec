import type { Plugin, UnresolvedReference } from '@switchyard/config';
import { GatewayError, type PluginHandler } from '@switchyard/plugin-api';

/** A vault reference a proxy could not resolve, with the plugin entity that holds it. */
export interface UnresolvedPluginReference extends UnresolvedReference {
  readonly pluginId: string;
  readonly pluginName: string;
}

/**
 * Stands in for a plugin whose config names secrets this proxy cannot read: every request on its
 * routes answers 500 saying which reference, in which field, and what to fix (the variable to
 * set), never a value. The next snapshot swapped in resolves the references again.
 */
export function unresolvedReferencesHandler(
  plugin: Plugin,
  unresolved: readonly UnresolvedReference[],
): PluginHandler {
  const problems = unresolved
    .map(({ reference, field, problem }) => `${reference} (config.${field}): ${problem}`)
    .join('; ');
  const message = `the ${plugin.name} plugin of this route cannot resolve its vault references on this proxy: ${problems}`;
  return {
    access() {
      throw new GatewayError(500, message);
    },
  };
}
