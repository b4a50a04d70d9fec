import { waitUntil } from '../cluster/wait-until.js';
import type { StandaloneGateway } from './standalone-gateway.js';

/** A plugin entity as the Admin API takes it (JSON). */
export interface PluginInput {
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/**
 * Adds route `name` with `paths` to `service`, then each of `plugins` on it, through the Admin
 * API (JSON). Throws with the Admin API's answer when one of them is not created.
 */
export async function addRouteWithPlugins(
  gateway: StandaloneGateway,
  service: string,
  name: string,
  paths: readonly string[],
  plugins: readonly PluginInput[] = [],
): Promise<void> {
  const route = await gateway.admin.json('POST', `/services/${service}/routes`, { name, paths });
  if (route.status !== 201) throw new Error(`route ${name}: ${route.status} ${route.text}`);
  for (const plugin of plugins) {
    const created = await gateway.admin.json('POST', `/routes/${name}/plugins`, plugin);
    if (created.status !== 201)
      throw new Error(`${plugin.name} on ${name}: ${created.status} ${created.text}`);
  }
}

/**
 * The plugins' entries (`log`) of the last access log line of a POST to `path` that has an entry
 * under `namespace` (`ai.proxy`, `ai.ai-prompt-guard`), once it is written (within 3 s).
 */
export function pluginLogOf(
  gateway: StandaloneGateway,
  path: string,
  namespace: string,
): Promise<Record<string, Record<string, unknown>>> {
  const logOf = (entry: Record<string, unknown>) => entry['log'] as Record<string, Record<string, unknown>>;
  return waitUntil(
    `an access log line of POST ${path} with ${namespace}`,
    () => {
      const line = gateway
        .accessLog()
        .findLast((entry) => entry['path'] === path && entry['method'] === 'POST' && logOf(entry)[namespace]);
      return line && logOf(line);
    },
    { timeoutMs: 3_000 },
  );
}
