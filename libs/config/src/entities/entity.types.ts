import type { RouteEndpoint } from './kong-field.validators.js';

/** The entity collections of the Admin API's generic endpoints (`/services`, ...), as Kong names them. */
export const ENTITY_NAMES = ['services', 'routes', 'consumers', 'plugins'] as const;

/**
 * Every stored collection: the Admin API's entities, and the consumers' key-auth credentials
 * (Kong's `keyauth_credentials`, served at `/consumers/{consumer}/key-auth` and `/key-auths`).
 */
export const STORED_ENTITY_NAMES = [...ENTITY_NAMES, 'keyauth_credentials'] as const;
export type EntityName = (typeof STORED_ENTITY_NAMES)[number];

/** A reference to another entity, as stored and returned (`{ "id": "..." }`). */
export interface ForeignKey {
  id: string;
}

/** Fields every entity has. Timestamps are integer Unix seconds, as in Kong. */
export interface EntityBase {
  id: string;
  created_at: number;
  updated_at: number;
  tags: string[] | null;
}

export interface Service extends EntityBase {
  name: string | null;
  retries: number;
  protocol: string;
  host: string;
  port: number;
  path: string | null;
  connect_timeout: number;
  write_timeout: number;
  read_timeout: number;
  client_certificate: ForeignKey | null;
  tls_verify: boolean | null;
  tls_verify_depth: number | null;
  ca_certificates: string[] | null;
  enabled: boolean;
}

export interface Route extends EntityBase {
  name: string | null;
  protocols: string[];
  methods: string[] | null;
  hosts: string[] | null;
  paths: string[] | null;
  headers: Record<string, string[]> | null;
  snis: string[] | null;
  /** Kong's stream-route fields, stored and validated as Kong's; HTTP routing ignores them. */
  sources: RouteEndpoint[] | null;
  destinations: RouteEndpoint[] | null;
  https_redirect_status_code: number;
  strip_path: boolean;
  preserve_host: boolean;
  request_buffering: boolean;
  response_buffering: boolean;
  regex_priority: number;
  path_handling: 'v0' | 'v1';
  service: ForeignKey | null;
}

export interface Consumer extends EntityBase {
  username: string | null;
  custom_id: string | null;
}

export interface Plugin extends EntityBase {
  name: string;
  instance_name: string | null;
  route: ForeignKey | null;
  service: ForeignKey | null;
  consumer: ForeignKey | null;
  config: Record<string, unknown>;
  protocols: string[];
  enabled: boolean;
}

/**
 * A key-auth credential as stored and propagated to the proxies (Kong's `keyauth_credentials`):
 * never the key itself, only its hash. The Admin API shows it with `key` (on creation only) and
 * `ttl` in place of `key_hash` and `expires_at` (`presentKeyAuthCredential`).
 */
export interface KeyAuthCredential {
  id: string;
  /** Unix seconds. */
  created_at: number;
  consumer: ForeignKey;
  /** SHA-256 of the key's UTF-8 bytes, lower-case hex (`hashCredentialKey`). */
  key_hash: string;
  /** Unix seconds from which the key no longer authenticates (Kong's `ttl`); null: never. */
  expires_at: number | null;
  tags: string[] | null;
}

export interface EntityTypes {
  services: Service;
  routes: Route;
  consumers: Consumer;
  plugins: Plugin;
  keyauth_credentials: KeyAuthCredential;
}

export type AnyEntity = EntityTypes[EntityName];
