import { IsDefined, IsOptional } from 'class-validator';
import {
  KongBoolean,
  KongForeign,
  KongInteger,
  KongString,
  checkUuid,
  KongStringArray,
  MESSAGES,
  checkName,
  checkTag,
  KONG_PROTOCOLS,
} from './kong-field.validators.js';
import type { ShorthandExpansion } from './entity-definitions.js';
import type { Service } from './entity.types.js';

const TIMEOUT_RANGE = [1, 2147483646] as const;

/** Kong's `host` typedef: a hostname or an IP address, no scheme, no path. */
export function checkHost(value: string): string | undefined {
  return /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_]([A-Za-z0-9\-_]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9\-_]*[A-Za-z0-9_])?)*)$/.test(
    value,
  )
    ? undefined
    : `invalid value: ${value}`;
}

/** Kong's `path` typedef for a service path. */
export function checkServicePath(value: string): string | undefined {
  return value.startsWith('/') ? undefined : 'should start with: /';
}

/** The service entity's input schema (class-validator); see `Service`. */
export class ServiceSchema {
  @IsOptional() @KongString({ check: checkUuid }) id?: string;
  @IsOptional() @KongInteger() created_at?: number;
  @IsOptional() @KongInteger() updated_at?: number;
  @IsOptional() @KongString({ check: checkName }) name?: string | null;
  @IsDefined({ message: MESSAGES.required }) @KongInteger([0, 32767]) retries!: number;
  @IsDefined({ message: MESSAGES.required }) @KongString({ oneOf: KONG_PROTOCOLS }) protocol!: string;
  @IsDefined({ message: MESSAGES.required }) @KongString({ check: checkHost }) host!: string;
  @IsDefined({ message: MESSAGES.required }) @KongInteger([0, 65535]) port!: number;
  @IsOptional() @KongString({ check: checkServicePath }) path?: string | null;
  @IsDefined({ message: MESSAGES.required }) @KongInteger(TIMEOUT_RANGE) connect_timeout!: number;
  @IsDefined({ message: MESSAGES.required }) @KongInteger(TIMEOUT_RANGE) write_timeout!: number;
  @IsDefined({ message: MESSAGES.required }) @KongInteger(TIMEOUT_RANGE) read_timeout!: number;
  @IsOptional() @KongStringArray({ check: checkTag }) tags?: string[] | null;
  @IsOptional() @KongForeign() client_certificate?: { id: string } | null;
  @IsOptional() @KongBoolean() tls_verify?: boolean | null;
  @IsOptional() @KongInteger([0, 64]) tls_verify_depth?: number | null;
  @IsOptional() @KongStringArray() ca_certificates?: string[] | null;
  @IsDefined({ message: MESSAGES.required }) @KongBoolean() enabled!: boolean;
}

export const SERVICE_DEFAULTS: Omit<Service, 'id' | 'created_at' | 'updated_at' | 'host'> = {
  name: null,
  retries: 5,
  protocol: 'http',
  port: 80,
  path: null,
  connect_timeout: 60000,
  write_timeout: 60000,
  read_timeout: 60000,
  tags: null,
  client_certificate: null,
  tls_verify: null,
  tls_verify_depth: null,
  ca_certificates: null,
  enabled: true,
};

const DEFAULT_PORTS: Record<string, number> = {
  http: 80,
  https: 443,
  ws: 80,
  wss: 443,
  grpc: 80,
  grpcs: 443,
};

/**
 * Kong's `url` shorthand: `url=https://host:port/path` sets `protocol`, `host`, `port` and `path`
 * (a bare `https://host` leaves `path` null). A URL that cannot be read is an error on `url`.
 */
export function expandServiceUrl(input: Record<string, unknown>): ShorthandExpansion {
  if (!('url' in input)) return { ok: true, input };
  const { url, ...rest } = input;
  if (url === null || url === undefined) return { ok: true, input: rest };
  if (typeof url !== 'string') return { ok: false, errors: { url: MESSAGES.string } };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, errors: { url: `invalid url: ${url}` } };
  }
  if (!parsed.hostname) return { ok: false, errors: { url: `missing host in url: ${url}` } };
  const protocol = parsed.protocol.replace(/:$/, '');
  const hasPath = /^[a-z]+:\/\/[^/]+\//i.test(url);
  return {
    ok: true,
    input: {
      ...rest,
      protocol,
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : (DEFAULT_PORTS[protocol] ?? 80),
      path: hasPath ? parsed.pathname : null,
    },
  };
}
