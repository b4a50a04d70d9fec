import type { LlmRouteType, ProviderRequest } from '@switchyard/plugin-api';

/** The upstream path of each route type a provider serves. */
export type RoutePaths = Readonly<Partial<Record<LlmRouteType, string>>>;

/**
 * The path to call for a request: Kong's deprecated `model.options.upstream_path` wins over
 * the provider's own path for the route type. Always starts with exactly one `/` (Kong strips
 * extra leading slashes, since the value may come from a URI capture).
 */
export function upstreamPath(request: ProviderRequest, paths: RoutePaths): string {
  const path = request.model.options.upstream_path || paths[request.routeType] || '/';
  return `/${path.replace(/^\/+/, '')}`;
}
