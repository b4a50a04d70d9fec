/** The facts about one (route, path) pair that decide its place in the match order. */
export interface PrecedenceKey {
  /** How many of `methods`, `hosts`, `headers`, `paths` the route sets. */
  readonly criteria: number;
  /** The route sets `hosts` and none of them has a wildcard. */
  readonly plainHostsOnly: boolean;
  /** How many header names the route requires. */
  readonly headerCount: number;
  /** The path is a `~` regex. */
  readonly regex: boolean;
  /** The route's `regex_priority`; only counts for a regex path. */
  readonly regexPriority: number;
  /** Length of a prefix path; 0 for a regex path or no path. */
  readonly prefixLength: number;
  readonly createdAt: number;
  /** Position of the route in the snapshot, then of the path in the route. */
  readonly order: number;
}

/**
 * Kong's route precedence, as the default `traditional_compatible` router computes it
 * (`kong/router/compat.lua` `get_priority`; a route with several paths is split into one entry per
 * path). Earlier wins:
 * 1. more criteria categories set (methods, hosts, headers, paths);
 * 2. hosts that are all plain before wildcard hosts or no hosts;
 * 3. more header names;
 * 4. a regex path before a prefix path (or no path);
 * 5. between regex paths, the higher `regex_priority`;
 * 6. between prefix paths, the longer prefix;
 * 7. the earlier `created_at`;
 * 8. snapshot order (Kong's ATC router falls back to the route id, which carries no meaning).
 */
export function comparePrecedence(a: PrecedenceKey, b: PrecedenceKey): number {
  return (
    b.criteria - a.criteria ||
    Number(b.plainHostsOnly) - Number(a.plainHostsOnly) ||
    b.headerCount - a.headerCount ||
    Number(b.regex) - Number(a.regex) ||
    b.regexPriority - a.regexPriority ||
    b.prefixLength - a.prefixLength ||
    a.createdAt - b.createdAt ||
    a.order - b.order
  );
}
