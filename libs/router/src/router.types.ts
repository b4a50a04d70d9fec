/** Kong's `path_handling`: how the service path and the request path are joined upstream. */
export type PathHandling = 'v0' | 'v1';

/** The fields of a Kong route that routing reads; the config lib's route entity satisfies it. */
export interface RouteDefinition {
  readonly id: string;
  readonly name: string | null;
  /** Only routes speaking `http` or `https` take HTTP traffic. */
  readonly protocols: readonly string[];
  /** Upper-case HTTP methods; `null` or empty means any method. */
  readonly methods: readonly string[] | null;
  /** Host names, optionally with `:port`, and at most one leading or trailing `*` wildcard. */
  readonly hosts: readonly string[] | null;
  /** Prefix paths (`/chat`) and regex paths (`~/models/(?<model>[^/]+)$`), anchored at the start. */
  readonly paths: readonly string[] | null;
  /** Header name to accepted values, compared case-insensitively; a `~*` value is a regex. */
  readonly headers: Readonly<Record<string, readonly string[]>> | null;
  /** Drop the matched path prefix before joining the service path. */
  readonly strip_path: boolean;
  readonly preserve_host: boolean;
  /** Orders regex paths among routes of otherwise equal precedence; higher first. */
  readonly regex_priority: number;
  readonly path_handling: PathHandling;
  readonly service: { readonly id: string } | null;
  /** Unix seconds; the earlier route wins a precedence tie. */
  readonly created_at: number;
}

/** The fields of a Kong service that routing reads; the config lib's service entity satisfies it. */
export interface ServiceDefinition {
  readonly id: string;
  readonly name: string | null;
  readonly protocol: string;
  readonly host: string;
  readonly port: number;
  /** Upstream base path; `null` means `/`. */
  readonly path: string | null;
  /** Routes of a disabled service are left out of the router, as in Kong. */
  readonly enabled: boolean;
}

/** What the router reads from an incoming request. */
export interface RouteRequest {
  /** Upper-case method, as Node delivers it. */
  readonly method: string;
  /** The `Host` header (or `:authority`), port included if the client sent one. */
  readonly host: string | undefined;
  /** The raw request path without the query string; the router normalizes it. */
  readonly path: string;
  /** Request headers keyed by lower-case name, as Node delivers them. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** The route chosen for a request, created per request. */
export interface RouteMatch<
  R extends RouteDefinition = RouteDefinition,
  S extends ServiceDefinition = ServiceDefinition,
> {
  readonly route: R;
  /** The route's service, or `null` for a route without one. */
  readonly service: S | null;
  /**
   * Kong's `uri_captures` of a regex path: `0` is the matched part, `1`… the groups by number, and
   * named groups by name as well; groups that took no part in the match are absent. Empty for prefix
   * paths and for regexes without groups.
   */
  readonly uriCaptures: Readonly<Record<string, string>>;
  /** The path to send to the service: normalized request path, `strip_path` and service path applied. */
  readonly upstreamPath: string;
}

/** Kong's route matching over one config snapshot; immutable once compiled. */
export interface Router<
  R extends RouteDefinition = RouteDefinition,
  S extends ServiceDefinition = ServiceDefinition,
> {
  /** The highest-precedence route matching the request, or `undefined` when none does. */
  match(request: RouteRequest): RouteMatch<R, S> | undefined;
}
