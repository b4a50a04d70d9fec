import { curlData, type AdminClient } from './admin-client.js';

/** A route and its `ai-proxy` plugin on an existing service, as `addAiProxyRoute` creates them. */
export interface AiProxyRoute {
  /** The service's name or id. */
  readonly service: string;
  readonly name: string;
  /** The route's `paths` (`/chat`, `~/az/(?<inst>[^/]+)/chat$`). */
  readonly paths: readonly string[];
  /** The plugin's `--data` pairs without `name=ai-proxy` (`config.route_type=llm/v1/chat`, ...). */
  readonly plugin: readonly string[];
}

/**
 * Creates, through the Admin API, a route on `route.service` and its `ai-proxy` plugin; throws with
 * the answer unless both are created.
 */
export async function addAiProxyRoute(admin: AdminClient, route: AiProxyRoute): Promise<void> {
  const steps: [string, [string, string][]][] = [
    [
      `/services/${route.service}/routes`,
      curlData(`name=${route.name}`, ...route.paths.map((path) => `paths[]=${path}`)),
    ],
    [`/routes/${route.name}/plugins`, curlData('name=ai-proxy', ...route.plugin)],
  ];
  for (const [path, pairs] of steps) {
    const response = await admin.form('POST', path, pairs);
    if (response.status !== 201)
      throw new Error(`POST ${path} answered ${response.status}: ${response.text}`);
  }
}
