import type { UserRegexMatch } from '@switchyard/safe-regex';
import { hostNameEnd, matchesHostPattern, regionEqualsIgnoreCase, type HostPattern } from './host-matcher.js';
import { normalizePath } from './path-normalizer.js';
import { compileRouteCandidates, type HeaderRule, type RouteCandidate } from './route-candidate.js';
import { comparePrecedence } from './route-precedence.js';
import type { RouteDefinition, RouteMatch, RouteRequest, Router, ServiceDefinition } from './router.types.js';
import { buildUpstreamPath } from './upstream-path-builder.js';

const NO_CAPTURES: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Compiles the routes of one config snapshot into a router: regexes are compiled and routes put in
 * Kong's precedence order here, once, so `match` only walks a ready list.
 * Routes whose protocols include neither `http` nor `https`, and routes of disabled services, are left out.
 * @throws RouteCompileError for an invalid regex (path or `~*` header value) or an unknown service,
 *   naming the route
 */
export function compileRouter<R extends RouteDefinition, S extends ServiceDefinition>(
  routes: readonly R[],
  services: readonly S[],
): Router<R, S> {
  const servicesById = new Map(services.map((service) => [service.id, service]));
  const candidates: RouteCandidate<R, S>[] = [];
  for (const route of routes) {
    candidates.push(...compileRouteCandidates(route, servicesById, candidates.length));
  }
  // Kong's precedence, see comparePrecedence; the match loop returns the first candidate that matches.
  candidates.sort(comparePrecedence);
  return new RouteMatcher(candidates);
}

class RouteMatcher<R extends RouteDefinition, S extends ServiceDefinition> implements Router<R, S> {
  /** Candidates without a pinned first segment: regex paths, short prefixes, routes without paths. */
  private readonly unpinned: readonly RouteCandidate<R, S>[];
  /** Per first path segment, the candidates pinned to it merged with `unpinned`, in precedence order. */
  private readonly bySegment = new Map<string, readonly RouteCandidate<R, S>[]>();

  constructor(candidates: readonly RouteCandidate<R, S>[]) {
    this.unpinned = candidates.filter((candidate) => candidate.firstSegment === null);
    for (const { firstSegment } of candidates) {
      if (firstSegment === null || this.bySegment.has(firstSegment)) continue;
      this.bySegment.set(
        firstSegment,
        candidates.filter(
          (candidate) => candidate.firstSegment === null || candidate.firstSegment === firstSegment,
        ),
      );
    }
  }

  match(request: RouteRequest): RouteMatch<R, S> | undefined {
    const path = normalizePath(request.path);
    const candidates = this.candidatesFor(path);
    const nameEnd = request.host === undefined ? 0 : hostNameEnd(request.host);

    for (let i = 0; i < candidates.length; i++) {
      const candidate = candidates[i]!;
      // Cheapest and most selective first: the prefix, then methods, hosts, headers, a regex last.
      if (candidate.prefix !== null && !path.startsWith(candidate.prefix)) continue;
      if (!matchesFilters(candidate, request, nameEnd)) continue;
      if (candidate.prefix !== null) return result(candidate, path, candidate.prefix.length, NO_CAPTURES);

      const pattern = candidate.pattern;
      if (pattern === null) return result(candidate, path, -1, NO_CAPTURES);
      const found = pattern.exec(path);
      if (found !== null) {
        const captures = pattern.groupCount === 0 ? NO_CAPTURES : collectCaptures(found);
        return result(candidate, path, found.end, captures);
      }
    }
    return undefined;
  }

  private candidatesFor(path: string): readonly RouteCandidate<R, S>[] {
    if (this.bySegment.size === 0 || path.charCodeAt(0) !== 0x2f) return this.unpinned;
    const end = path.indexOf('/', 1);
    return this.bySegment.get(end === -1 ? path.slice(1) : path.slice(1, end)) ?? this.unpinned;
  }
}

function result<R extends RouteDefinition, S extends ServiceDefinition>(
  candidate: RouteCandidate<R, S>,
  path: string,
  matchedLength: number,
  uriCaptures: Readonly<Record<string, string>>,
): RouteMatch<R, S> {
  const route = candidate.route;
  const servicePath = candidate.service === null ? null : candidate.service.path;
  return {
    route,
    service: candidate.service,
    uriCaptures,
    upstreamPath: buildUpstreamPath(route.path_handling, route.strip_path, servicePath, path, matchedLength),
  };
}

function matchesFilters(
  candidate: RouteCandidate<RouteDefinition, ServiceDefinition>,
  request: RouteRequest,
  nameEnd: number,
): boolean {
  if (candidate.methods !== null && !candidate.methods.includes(request.method)) return false;
  if (candidate.hosts !== null) {
    if (request.host === undefined || !matchesAnyHost(candidate.hosts, request.host, nameEnd)) return false;
  }
  return candidate.headers === null || matchesHeaders(candidate.headers, request.headers);
}

function matchesAnyHost(hosts: readonly HostPattern[], host: string, nameEnd: number): boolean {
  for (let i = 0; i < hosts.length; i++) {
    if (matchesHostPattern(hosts[i]!, host, nameEnd)) return true;
  }
  return false;
}

// Every rule must hold; a header sent several times holds if any of its values does.
function matchesHeaders(rules: readonly HeaderRule[], headers: RouteRequest['headers']): boolean {
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    const sent = headers[rule.name];
    if (sent === undefined) return false;
    if (typeof sent === 'string') {
      if (!matchesHeaderValue(rule, sent)) return false;
      continue;
    }
    let any = false;
    for (let j = 0; j < sent.length && !any; j++) any = matchesHeaderValue(rule, sent[j]!);
    if (!any) return false;
  }
  return true;
}

function matchesHeaderValue(rule: HeaderRule, value: string): boolean {
  for (let i = 0; i < rule.values.length; i++) {
    const expected = rule.values[i]!;
    if (value.length === expected.length && regionEqualsIgnoreCase(value, 0, expected)) return true;
  }
  for (let i = 0; i < rule.patterns.length; i++) {
    if (rule.patterns[i]!.test(value)) return true;
  }
  return false;
}

// Kong's uri_captures: numbered slots and named groups side by side; unmatched groups are left out.
function collectCaptures(found: UserRegexMatch): Record<string, string> {
  const captures: Record<string, string> = {};
  for (let i = 0; i < found.captures.length; i++) {
    const value = found.captures[i];
    if (value !== undefined) captures[i] = value;
  }
  for (const name in found.namedCaptures) {
    const value = found.namedCaptures[name];
    if (value !== undefined) captures[name] = value;
  }
  return captures;
}
