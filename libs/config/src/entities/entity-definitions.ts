import { CONSUMER_DEFAULTS, ConsumerSchema, checkConsumer } from './consumer.schema.js';
import { KeyAuthCredentialSchema } from './keyauth-credential.schema.js';
import { PLUGIN_DEFAULTS, PluginSchema } from './plugin.schema.js';
import { ROUTE_DEFAULTS, RouteSchema, checkRoute } from './route.schema.js';
import { SERVICE_DEFAULTS, ServiceSchema, expandServiceUrl } from './service.schema.js';
import type { FieldErrors } from '../errors/kong-db-error.js';
import type { EntityName, EntityTypes } from './entity.types.js';

/**
 * What the Admin API and the store need to know about one entity collection: its input schema,
 * its defaults, how an endpoint names one (`/services/{id or name}`), what it references, and
 * the checks across its fields.
 */
export interface EntityDefinition<N extends EntityName = EntityName> {
  readonly name: N;
  /** The class-validator schema of the entity's fields. */
  readonly schema: new () => object;
  /** Values for absent fields on create (Kong fills every field). */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** The unique field that endpoints accept in place of the id. */
  readonly endpointKey: 'name' | 'username' | 'instance_name' | 'key';
  /** Unique fields besides `id`, in the order they are reported. */
  readonly uniqueFields: readonly string[];
  /** Fields that reference another collection. */
  readonly foreignKeys: Readonly<Record<string, EntityName>>;
  /** Fields that are records merged (not replaced) by PATCH. */
  readonly mergedRecords: readonly string[];
  /**
   * Kong's `ttl = true`: rows may expire (an `expires_at` column, Unix seconds). The store reads
   * only rows that have not, and deletes expired ones before it inserts another.
   */
  readonly expires?: boolean;
  /** Input rewriting before validation (shorthand fields such as a service's `url`). */
  expand?(input: Record<string, unknown>): ShorthandExpansion;
  /** Checks across fields, after each field is valid. */
  check?(entity: EntityTypes[N]): FieldErrors;
}

export type ShorthandExpansion =
  | { readonly ok: true; readonly input: Record<string, unknown> }
  | { readonly ok: false; readonly errors: FieldErrors };

export const ENTITY_DEFINITIONS: { readonly [N in EntityName]: EntityDefinition<N> } = {
  services: {
    name: 'services',
    schema: ServiceSchema,
    defaults: SERVICE_DEFAULTS,
    endpointKey: 'name',
    uniqueFields: ['name'],
    foreignKeys: {},
    mergedRecords: [],
    expand: expandServiceUrl,
  },
  routes: {
    name: 'routes',
    schema: RouteSchema,
    defaults: ROUTE_DEFAULTS,
    endpointKey: 'name',
    uniqueFields: ['name'],
    foreignKeys: { service: 'services' },
    mergedRecords: [],
    check: checkRoute,
  },
  consumers: {
    name: 'consumers',
    schema: ConsumerSchema,
    defaults: CONSUMER_DEFAULTS,
    endpointKey: 'username',
    uniqueFields: ['username', 'custom_id'],
    foreignKeys: {},
    mergedRecords: [],
    check: checkConsumer,
  },
  plugins: {
    name: 'plugins',
    schema: PluginSchema,
    defaults: PLUGIN_DEFAULTS,
    endpointKey: 'instance_name',
    uniqueFields: ['instance_name'],
    foreignKeys: { route: 'routes', service: 'services', consumer: 'consumers' },
    mergedRecords: ['config'],
  },
  keyauth_credentials: {
    name: 'keyauth_credentials',
    // The input schema: what is stored differs (`key_hash`, `expires_at`; see `buildKeyAuthCredential`).
    schema: KeyAuthCredentialSchema,
    defaults: { tags: null },
    endpointKey: 'key',
    uniqueFields: ['key_hash'],
    foreignKeys: { consumer: 'consumers' },
    mergedRecords: [],
    expires: true,
  },
};
