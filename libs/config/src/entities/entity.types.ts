import type { RouteEndpoint } from './kong-field.validators.js';

/** The entity collections of the Admin API, as Kong names them. */
export const ENTITY_NAMES = ['services', 'routes', 'consumers', 'plugins'] as const;
export type EntityName = (typeof ENTITY_NAMES)[number];

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

export interface EntityTypes {
  services: Service;
  routes: Route;
  consumers: Consumer;
  plugins: Plugin;
}

export type AnyEntity = EntityTypes[EntityName];
