import {
  compileUserRegex,
  RegexSyntaxError,
  type UserRegex,
  type UserRegexOptions,
} from '@switchyard/safe-regex';
import { compileHostPattern, type HostPattern } from './host-matcher.js';
import { normalizePath } from './path-normalizer.js';
import { RouteCompileError } from './route-compile-error.js';
import type { PrecedenceKey } from './route-precedence.js';
import type { RouteDefinition, ServiceDefinition } from './router.types.js';

/** A header a route requires: the request must carry one of `values` or match one of `patterns`. */
export interface HeaderRule {
  /** Lower-case header name. */
  readonly name: string;
  /** Lower-case accepted values. */
  readonly values: readonly string[];
  /** `~*` values, compiled case-insensitive and unanchored as Kong does. */
  readonly patterns: readonly UserRegex[];
}

/** One (route, path) pair with every predicate prepared, compiled once per snapshot. */
export interface RouteCandidate<
  R extends RouteDefinition,
  S extends ServiceDefinition,
> extends PrecedenceKey {
  readonly route: R;
  readonly service: S | null;
  readonly methods: readonly string[] | null;
  readonly hosts: readonly HostPattern[] | null;
  readonly headers: readonly HeaderRule[] | null;
  /** Normalized prefix path, or `null`. */
  readonly prefix: string | null;
  /** Start-anchored regex of a `~` path, or `null`. */
  readonly pattern: UserRegex | null;
  /** The first path segment every matching request has (`openai` for `/openai/chat`), or `null`. */
  readonly firstSegment: string | null;
}

/**
 * Compiles a route into one candidate per path (one in all for a route without paths), or none when
 * the route cannot take HTTP traffic or its service is disabled. A route setting none of methods,
 * hosts, headers, paths (in Kong only possible with `snis`, which HTTP matching here does not read)
 * matches every request, after all routes that set something.
 * @param order snapshot position of the route's first candidate; the next ones follow
 */
export function compileRouteCandidates<R extends RouteDefinition, S extends ServiceDefinition>(
  route: R,
  servicesById: ReadonlyMap<string, S>,
  order: number,
): RouteCandidate<R, S>[] {
  if (!route.protocols.includes('http') && !route.protocols.includes('https')) return [];

  let service: S | null = null;
  if (route.service !== null) {
    const found = servicesById.get(route.service.id);
    if (found === undefined) {
      throw new RouteCompileError(
        route.id,
        `${describeRoute(route)} references unknown service '${route.service.id}'`,
      );
    }
    if (!found.enabled) return [];
    service = found;
  }

  const methods = nonEmpty(route.methods)?.map((method) => method.toUpperCase()) ?? null;
  const hostEntries = nonEmpty(route.hosts);
  const paths = nonEmpty(route.paths);
  const headers = compileHeaderRules(route);
  const hosts = hostEntries === null ? null : hostEntries.map(compileHostPattern);
  const shared = {
    route,
    service,
    methods,
    hosts,
    headers,
    criteria: [methods, hostEntries, paths, headers].filter((set) => set !== null).length,
    plainHostsOnly: hosts !== null && hosts.every((host) => host.kind === 'exact'),
    headerCount: headers === null ? 0 : headers.length,
    createdAt: route.created_at,
  };

  if (paths === null) {
    return [
      {
        ...shared,
        regex: false,
        regexPriority: 0,
        prefixLength: 0,
        order,
        prefix: null,
        pattern: null,
        firstSegment: null,
      },
    ];
  }

  return paths.map((path, index) => {
    if (path.startsWith('~')) {
      const pattern = compilePathRegex(route, path);
      return {
        ...shared,
        regex: true,
        regexPriority: route.regex_priority,
        prefixLength: 0,
        order: order + index,
        prefix: null,
        pattern,
        firstSegment: null,
      };
    }
    const prefix = normalizePath(path);
    return {
      ...shared,
      regex: false,
      regexPriority: 0,
      prefixLength: prefix.length,
      order: order + index,
      prefix,
      pattern: null,
      firstSegment: firstSegmentOfPrefix(prefix),
    };
  });
}

function describeRoute(route: RouteDefinition): string {
  return route.name === null ? `route '${route.id}'` : `route '${route.name}' (${route.id})`;
}

function nonEmpty(values: readonly string[] | null): readonly string[] | null {
  return values === null || values.length === 0 ? null : values;
}

function compileHeaderRules(route: RouteDefinition): readonly HeaderRule[] | null {
  if (route.headers === null) return null;
  const rules: HeaderRule[] = [];
  for (const [name, accepted] of Object.entries(route.headers)) {
    const values: string[] = [];
    const patterns: UserRegex[] = [];
    for (const value of accepted) {
      if (value.startsWith('~*')) {
        patterns.push(compileRegex(route, `header '${name}' regex '${value}'`, value.slice(2), HEADER_REGEX));
      } else {
        values.push(value.toLowerCase());
      }
    }
    rules.push({ name: name.toLowerCase(), values, patterns });
  }
  return rules.length === 0 ? null : rules;
}

// Kong anchors regex paths at the start of the path only, alternations included; header regexes
// match anywhere in the value, in either case.
const PATH_REGEX: UserRegexOptions = { anchoredAtStart: true };
const HEADER_REGEX: UserRegexOptions = { caseInsensitive: true };

function compilePathRegex(route: RouteDefinition, path: string): UserRegex {
  return compileRegex(route, `regex path '${path}'`, path.slice(1), PATH_REGEX);
}

// User regexes run on a linear-time engine (see @switchyard/safe-regex): no path or header a
// client sends can make matching backtrack.
function compileRegex(
  route: RouteDefinition,
  what: string,
  source: string,
  options: UserRegexOptions,
): UserRegex {
  try {
    return compileUserRegex(source, options);
  } catch (error) {
    if (!(error instanceof RegexSyntaxError)) throw error;
    throw new RouteCompileError(route.id, `${describeRoute(route)}: invalid ${what}: ${error.reason}`);
  }
}

// Only a prefix that goes past its first segment pins it: `/foo` also matches `/foobar`.
function firstSegmentOfPrefix(prefix: string): string | null {
  if (!prefix.startsWith('/')) return null;
  const end = prefix.indexOf('/', 1);
  return end > 1 ? prefix.slice(1, end) : null;
}
