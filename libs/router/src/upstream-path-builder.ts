import { sanitizePostfix } from './path-normalizer.js';
import type { PathHandling } from './router.types.js';

/**
 * The upstream path Kong sends for a matched route (`kong/router/utils.lua` `get_upstream_uri` for v0,
 * the 1.x algorithm of `kong/router.lua` for v1).
 *
 * `v0` treats the service path and the rest of the request path as segments joined by one slash;
 * `v1` treats the service path as a plain string prefix. Both drop the doubled slash where they meet.
 *
 * @param requestPath the normalized request path
 * @param matchedLength length of the path prefix the route matched, or -1 when the route has no paths
 */
export function buildUpstreamPath(
  pathHandling: PathHandling,
  stripPath: boolean,
  servicePath: string | null,
  requestPath: string,
  matchedLength: number,
): string {
  const base = servicePath ?? '/';
  // Without a stripped prefix, the postfix is the whole request path minus its leading slash.
  const postfix = sanitizePostfix(
    stripPath && matchedLength >= 0 ? requestPath.slice(matchedLength) : requestPath.slice(1),
  );
  const baseEndsWithSlash = base.endsWith('/');

  if (pathHandling === 'v1') {
    if (!stripPath) return base + requestPath.slice(1);
    return baseEndsWithSlash && postfix.startsWith('/') ? base.slice(0, -1) + postfix : base + postfix;
  }

  if (baseEndsWithSlash) {
    if (!stripPath) return base + requestPath.slice(1);
    if (postfix === '') {
      if (base === '/' || requestPath.endsWith('/')) return base;
      return base.slice(0, -1);
    }
    return postfix.startsWith('/') ? base.slice(0, -1) + postfix : base + postfix;
  }

  if (!stripPath) return requestPath === '/' ? base : base + requestPath;
  if (postfix === '') return requestPath.length > 1 && requestPath.endsWith('/') ? `${base}/` : base;
  return postfix.startsWith('/') ? base + postfix : `${base}/${postfix}`;
}
