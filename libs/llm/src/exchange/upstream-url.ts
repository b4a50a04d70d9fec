import type { ModelOptions, ProviderDriver, ProviderRequest } from '@switchyard/plugin-api';

/**
 * Kong proxies the client's query string to the provider: its parameters are added, except
 * those the upstream URL sets itself (Azure's `api-version`, chosen by the driver).
 */
function withClientQuery(url: URL, clientQuery: URLSearchParams): URL {
  if (clientQuery.size === 0) return url;
  const own = new Set(url.searchParams.keys());
  for (const [name, value] of clientQuery) if (!own.has(name)) url.searchParams.append(name, value);
  return url;
}

/**
 * The upstream URL of a translated request: the driver's, or `model.options.upstream_url` in its
 * place (scheme, host, port and path, as Kong; completed by the driver's `configuredUpstreamUrl`
 * when it has one) keeping the query parameters the provider sets itself: Kong's azure driver
 * adds `api-version` (the client's, else the configured one) to any URL.
 */
export function llmUpstreamUrl(driver: ProviderDriver, request: ProviderRequest): URL {
  const { upstream_url } = request.model.options;
  if (!upstream_url) return withClientQuery(driver.upstreamUrl(request), request.clientQuery);
  const configured = new URL(upstream_url);
  const url = driver.configuredUpstreamUrl?.(configured, request) ?? configured;
  // Whether a driver puts parameters in its query does not change from request to request:
  // learn it once, and skip building its URL for drivers that put none (openai, cohere).
  if (driversWithoutQuery.has(driver)) return withClientQuery(url, request.clientQuery);
  const providerUrl = driver.upstreamUrl(request);
  if (providerUrl.search === '') driversWithoutQuery.add(driver);
  for (const [name, value] of providerUrl.searchParams)
    if (!url.searchParams.has(name)) url.searchParams.set(name, value);
  return withClientQuery(url, request.clientQuery);
}

const driversWithoutQuery = new WeakSet<ProviderDriver>();

/** Where a `preserve` request goes, and what is needed to know it. */
export interface PreserveTarget {
  readonly options: ModelOptions;
  /** The client's path (Kong's `kong.request.get_path()`), without the query string. */
  readonly clientPath: string;
  readonly clientQuery: URLSearchParams;
  /** The provider's own URL for a request, when `upstream_url` does not give the origin. */
  readonly providerUrl: () => URL;
}

/**
 * The upstream URL of a `preserve` request (Kong's `configure_request` + `override_upstream_url`):
 * the origin of `upstream_url`, else the provider's origin (and its query, e.g. Azure's
 * `api-version`); the path is `upstream_path`, else the path of `upstream_url` when it has one,
 * else the client's path.
 */
export function preserveUpstreamUrl(target: PreserveTarget): URL {
  const { upstream_url, upstream_path } = target.options;
  let url: URL;
  let path: string;
  if (upstream_url) {
    url = new URL(upstream_url);
    // Kong always takes the client's path here; a full `upstream_url` is what it says instead.
    path = url.pathname === '/' ? target.clientPath : url.pathname;
  } else {
    const provider = target.providerUrl();
    url = new URL(provider.origin);
    url.search = provider.search;
    path = target.clientPath;
  }
  // A path read from a URI capture may start with several slashes: Kong keeps one.
  url.pathname = `/${(upstream_path || path).replace(/^\/+/, '')}`;
  return withClientQuery(url, target.clientQuery);
}
