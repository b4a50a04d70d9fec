import { createHash } from 'node:crypto';
import { compileRouter } from '@switchyard/router';
import { pluginServingErrors } from './servable-entity.js';
import type { PluginDefinition } from '@switchyard/plugin-api';
import type { ConfigContent } from '../store/config-store.js';

/**
 * The whole config at one version, as config-sync publishes it and every proxy serves it.
 * Immutable once built; `hash` identifies the content (not the version), so two builds of the
 * same entities agree, and heartbeats can say whether a proxy is in sync.
 */
export interface ConfigSnapshot extends ConfigContent {
  readonly hash: string;
}

/** JSON with object keys sorted at every level: the same content always serializes the same way. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, inner]) => inner !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
}

/** The snapshot of a config read: its entities plus the SHA-256 (hex, first 32) of their canonical JSON. */
export function buildSnapshot(content: ConfigContent): ConfigSnapshot {
  // Only the entities are hashed (and kept): not the version, nor any hash the input carries.
  const { version, services, routes, consumers, plugins, keyauth_credentials } = content;
  // No credentials is no field at all: the same content, the same hash, however it was built.
  const entities = {
    services,
    routes,
    consumers,
    plugins,
    ...(keyauth_credentials !== undefined && keyauth_credentials.length > 0 && { keyauth_credentials }),
  };
  const hash = createHash('sha256').update(canonicalJson(entities)).digest('hex').slice(0, 32);
  return { version, hash, ...entities };
}

/** One reason a snapshot cannot be served, naming the entity at fault. */
export interface SnapshotProblem {
  readonly entity: 'routes' | 'plugins' | 'snapshot';
  readonly id: string | null;
  readonly message: string;
}

/**
 * What would stop a proxy from serving `snapshot`: a malformed envelope, a hash that does not
 * match the content, a plugin unknown to this gateway or whose config fails its schema, a route
 * the router cannot compile. Empty when the snapshot is good.
 */
export function findSnapshotProblems(
  snapshot: ConfigSnapshot,
  plugins: readonly PluginDefinition[],
): SnapshotProblem[] {
  const problems = findContentProblems(snapshot, plugins);
  if (problems.length > 0) return problems;
  try {
    compileRouter(snapshot.routes, snapshot.services);
  } catch (error) {
    problems.push({
      entity: 'routes',
      id: (error as { routeId?: string }).routeId ?? null,
      message: (error as Error).message,
    });
  }
  return problems;
}

/**
 * `findSnapshotProblems` short of compiling the router: for a proxy, which compiles the router
 * anyway to serve the snapshot and treats a failure there as a problem too.
 */
export function findContentProblems(
  snapshot: ConfigSnapshot,
  plugins: readonly PluginDefinition[],
): SnapshotProblem[] {
  const problems: SnapshotProblem[] = [];
  const fail = (entity: SnapshotProblem['entity'], id: string | null, message: string) =>
    problems.push({ entity, id, message });
  for (const list of ['services', 'routes', 'consumers', 'plugins'] as const) {
    if (!Array.isArray(snapshot[list])) fail('snapshot', null, `'${list}' is not a list`);
  }
  const credentials = snapshot.keyauth_credentials;
  if (credentials !== undefined && !Array.isArray(credentials))
    fail('snapshot', null, "'keyauth_credentials' is not a list");
  if (!Number.isSafeInteger(snapshot.version)) fail('snapshot', null, 'version is not an integer');
  if (problems.length > 0) return problems;
  if (buildSnapshot(snapshot).hash !== snapshot.hash)
    fail('snapshot', null, 'hash does not match the content');

  for (const plugin of snapshot.plugins) {
    const { name, consumer, config } = pluginServingErrors(plugin, plugins);
    if (typeof name === 'string') fail('plugins', plugin.id, name);
    else if (config !== undefined) fail('plugins', plugin.id, `invalid config: ${JSON.stringify(config)}`);
    else if (typeof consumer === 'string') fail('plugins', plugin.id, `consumer: ${consumer}`);
  }
  return problems;
}
