import { IsDefined, IsOptional } from 'class-validator';
import { compileUserRegex, RegexSyntaxError } from '@switchyard/safe-regex';
import {
  KongBoolean,
  KongEndpointArray,
  KongForeign,
  KongInteger,
  KongString,
  checkUuid,
  KongStringArray,
  KongStringMap,
  MESSAGES,
  checkName,
  checkTag,
  KONG_PROTOCOLS,
  type RouteEndpoint,
} from './kong-field.validators.js';
import type { Route } from './entity.types.js';

/**
 * Kong's route path rules: `/` prefix paths in normalized form, or `~` regexes that compile as the
 * proxy's router compiles them (RE2 syntax, anchored at the path's start), so that a path the
 * Admin API accepts is a path the router can use. Kong's flavour is PCRE; RE2 has most of its
 * syntax, and the message names what it lacks (lookaround, backreferences).
 */
export function checkRoutePath(value: string): string | undefined {
  if (value.startsWith('~')) {
    try {
      compileUserRegex(value.slice(1), { anchoredAtStart: true });
      return undefined;
    } catch (error) {
      if (!(error instanceof RegexSyntaxError)) throw error;
      return `invalid regex: '${error.source}' (${error.reason})`;
    }
  }
  if (!value.startsWith('/')) return 'should start with: / (fixed path) or ~/ (regex path)';
  const normalized = normalizePath(value);
  return normalized === value ? undefined : `non-normalized path, consider use '${normalized}' instead`;
}

/** RFC 3986 dot-segment removal and duplicate-slash folding, as Kong's `normalize` does for paths. */
function normalizePath(path: string): string {
  const segments: string[] = [];
  const parts = path.split('/');
  parts.forEach((segment, index) => {
    if (segment === '.') return;
    if (segment === '..') {
      segments.pop();
      return;
    }
    if (segment === '' && index !== 0 && index !== parts.length - 1) return;
    segments.push(segment);
  });
  const joined = segments.join('/');
  return joined.startsWith('/') ? joined : `/${joined}`;
}

function checkMethod(value: string): string | undefined {
  return /^[A-Z]+$/.test(value) ? undefined : `invalid value: ${value}`;
}

function checkHeaderName(name: string): string | undefined {
  return name.toLowerCase() === 'host'
    ? "cannot contain 'host' header, which must be specified in the 'hosts' attribute"
    : undefined;
}

/** The route entity's input schema (class-validator); see `Route`. */
export class RouteSchema {
  @IsOptional() @KongString({ check: checkUuid }) id?: string;
  @IsOptional() @KongInteger() created_at?: number;
  @IsOptional() @KongInteger() updated_at?: number;
  @IsOptional() @KongString({ check: checkName }) name?: string | null;
  @IsDefined({ message: MESSAGES.required })
  @KongStringArray({ oneOf: KONG_PROTOCOLS })
  protocols!: string[];
  @IsOptional() @KongStringArray({ check: checkMethod }) methods?: string[] | null;
  @IsOptional() @KongStringArray() hosts?: string[] | null;
  @IsOptional() @KongStringArray({ check: checkRoutePath }) paths?: string[] | null;
  @IsOptional() @KongStringMap(checkHeaderName) headers?: Record<string, string[]> | null;
  @IsOptional() @KongStringArray() snis?: string[] | null;
  @IsOptional() @KongEndpointArray() sources?: RouteEndpoint[] | null;
  @IsOptional() @KongEndpointArray() destinations?: RouteEndpoint[] | null;
  @IsDefined({ message: MESSAGES.required }) @KongInteger([301, 426]) https_redirect_status_code!: number;
  @IsDefined({ message: MESSAGES.required }) @KongBoolean() strip_path!: boolean;
  @IsDefined({ message: MESSAGES.required }) @KongBoolean() preserve_host!: boolean;
  @IsDefined({ message: MESSAGES.required }) @KongBoolean() request_buffering!: boolean;
  @IsDefined({ message: MESSAGES.required }) @KongBoolean() response_buffering!: boolean;
  @IsDefined({ message: MESSAGES.required }) @KongInteger([-2147483648, 2147483647]) regex_priority!: number;
  @IsDefined({ message: MESSAGES.required }) @KongString({ oneOf: ['v0', 'v1'] }) path_handling!: 'v0' | 'v1';
  @IsOptional() @KongForeign() service?: { id: string } | null;
  @IsOptional() @KongStringArray({ check: checkTag }) tags?: string[] | null;
}

export const ROUTE_DEFAULTS: Omit<Route, 'id' | 'created_at' | 'updated_at'> = {
  name: null,
  protocols: ['http', 'https'],
  methods: null,
  hosts: null,
  paths: null,
  headers: null,
  snis: null,
  sources: null,
  destinations: null,
  https_redirect_status_code: 426,
  strip_path: true,
  preserve_host: false,
  request_buffering: true,
  response_buffering: true,
  regex_priority: 0,
  path_handling: 'v0',
  service: null,
  tags: null,
};

const REDIRECT_CODES = [426, 301, 302, 307, 308];

/** Kong's route entity checks, reported under `@entity` or the field at fault. */
export function checkRoute(route: Route): Record<string, string | string[]> {
  const errors: Record<string, string | string[]> = {};
  if (!REDIRECT_CODES.includes(route.https_redirect_status_code)) {
    errors['https_redirect_status_code'] = `expected one of: ${REDIRECT_CODES.join(', ')}`;
  }
  const empty = (value: unknown[] | Record<string, unknown> | null) =>
    value === null || (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0);
  const speaksHttp = route.protocols.some((protocol) => protocol === 'http' || protocol === 'https');
  if (speaksHttp && [route.methods, route.hosts, route.headers, route.paths].every(empty)) {
    const protocol = route.protocols.includes('http') ? 'http' : 'https';
    const fields =
      protocol === 'http'
        ? "'methods', 'hosts', 'headers', 'paths'"
        : "'methods', 'hosts', 'headers', 'paths', 'snis'";
    if (protocol === 'http' || empty(route.snis)) {
      errors['@entity'] = [`must set one of ${fields} when 'protocols' is '${protocol}'`];
    }
  }
  return errors;
}
