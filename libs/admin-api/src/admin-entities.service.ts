import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  ENTITY_DEFINITIONS,
  KongDbError,
  buildEntity,
  findServingErrors,
  foreignKeyInvalidReference,
  invalidSize,
  mergeRecords,
  schemaViolation,
  typeFormValues,
  validatePluginConfig,
  type AnyEntity,
  type EntityName,
  type FieldError,
  type FieldErrors,
  type PageRequest,
  type Plugin,
  type WriteMode,
} from '@switchyard/config';
import type { PluginDefinition } from '@switchyard/plugin-api';
import { ADMIN_API_OPTIONS, type AdminApiOptions } from './admin-api.options.js';
import { AdminHttpError } from './admin-http.error.js';
import { entityInput, type DecodedBody } from './request-body.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A nested collection's parent: `/services/{key}/routes` has `{ collection: 'services', key }`. */
export interface ParentScope {
  readonly collection: EntityName;
  readonly key: string;
}

/** The foreign-key field a child uses to point at a parent collection. */
const PARENT_FIELD: Partial<Record<EntityName, 'service' | 'route' | 'consumer'>> = {
  services: 'service',
  routes: 'route',
  consumers: 'consumer',
};

/** Which nested collections exist (Kong's `/services/{x}/routes`, `/routes/{x}/plugins`, ...). */
export const NESTED_COLLECTIONS: Readonly<Record<string, readonly EntityName[]>> = {
  services: ['routes', 'plugins'],
  routes: ['plugins'],
  consumers: ['plugins'],
};

export interface ListQuery {
  readonly size?: string;
  readonly offset?: string;
  readonly tags?: string;
}

export interface ListResult {
  readonly data: AnyEntity[];
  readonly offset: string | null;
  readonly next: string | null;
}

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

/**
 * The Admin API's entity operations with Kong's semantics: entities addressed by id or unique
 * name, nested collections scoped to their parent, foreign keys given by id or name, plugin
 * `config` validated by the plugin's own schema. Every write validates everything first and
 * then commits in one store transaction, so a refused write leaves nothing behind.
 */
@Injectable()
export class AdminEntitiesService {
  private readonly plugins: ReadonlyMap<string, PluginDefinition>;

  constructor(@Inject(ADMIN_API_OPTIONS) private readonly options: AdminApiOptions) {
    this.plugins = new Map(options.plugins.map((plugin) => [plugin.name, plugin]));
  }

  private get store() {
    return this.options.store;
  }

  async list(
    collection: EntityName,
    query: ListQuery,
    path: string,
    parent?: ParentScope,
  ): Promise<ListResult> {
    const page: { -readonly [K in keyof PageRequest]: PageRequest[K] } = { size: parsePageSize(query.size) };
    if (query.offset) page.offset = query.offset;
    if (query.tags) {
      const mode = query.tags.includes('/') ? 'or' : 'and';
      page.tags = { mode, values: query.tags.split(mode === 'or' ? '/' : ',').filter(Boolean) };
    }
    if (parent) {
      const owner = await this.require(parent.collection, parent.key);
      page.parent = { field: PARENT_FIELD[parent.collection]!, id: owner.id };
    }
    const result = await this.store.list(collection, page);
    let next: string | null = null;
    if (result.offset) {
      const params = new URLSearchParams({ offset: result.offset });
      if (query.size) params.set('size', query.size);
      if (query.tags) params.set('tags', query.tags);
      next = `${path}?${params.toString()}`;
    }
    return { data: result.data, offset: result.offset, next };
  }

  /** The entity, or undefined; a nested read only finds children of that parent. */
  async find(collection: EntityName, key: string, parent?: ParentScope): Promise<AnyEntity | undefined> {
    const entity = await this.lookup(collection, key);
    if (!entity || !parent) return entity;
    const owner = await this.require(parent.collection, parent.key);
    const reference = (entity as unknown as Record<string, { id: string } | null>)[
      PARENT_FIELD[parent.collection]!
    ];
    return reference?.id === owner.id ? entity : undefined;
  }

  async create(collection: EntityName, body: DecodedBody, parent?: ParentScope): Promise<AnyEntity> {
    const prepared = await this.prepareInput(collection, body, parent);
    return this.store.insert(collection, this.build(collection, prepared, { kind: 'create' }));
  }

  /** PATCH: undefined when the entity does not exist. */
  async update(collection: EntityName, key: string, body: DecodedBody): Promise<AnyEntity | undefined> {
    const existing = await this.lookup(collection, key);
    if (!existing) return undefined;
    const prepared = await this.prepareInput(collection, body, undefined, existing);
    const mode: WriteMode = { kind: 'update', existing: existing as unknown as Record<string, unknown> };
    return this.store.update(collection, this.build(collection, prepared, mode));
  }

  /**
   * PUT: creates or replaces; the key is the id, or the unique name the new entity gets. Under a
   * parent (`PUT /services/{s}/routes/{r}`) the entity belongs to that parent, as one created there.
   */
  async upsert(
    collection: EntityName,
    key: string,
    body: DecodedBody,
    parent?: ParentScope,
  ): Promise<AnyEntity> {
    const existing = await this.lookup(collection, key);
    const prepared = await this.prepareInput(collection, body, parent, existing);
    if (!UUID.test(key)) prepared.input[ENTITY_DEFINITIONS[collection].endpointKey] = key;
    const id = existing?.id ?? (UUID.test(key) ? key : randomUUID());
    const mode: WriteMode = existing
      ? { kind: 'replace', id, existing: existing as unknown as Record<string, unknown> }
      : { kind: 'replace', id };
    const entity = this.build(collection, prepared, mode);
    return existing ? this.store.update(collection, entity) : this.store.insert(collection, entity);
  }

  /** DELETE: true when something was deleted. */
  async remove(collection: EntityName, key: string): Promise<boolean> {
    const existing = await this.lookup(collection, key);
    return existing ? this.store.delete(collection, existing.id) : false;
  }

  private lookup(collection: EntityName, key: string): Promise<AnyEntity | undefined> {
    return UUID.test(key)
      ? this.store.findById(collection, key)
      : this.store.findByField(collection, ENTITY_DEFINITIONS[collection].endpointKey, key);
  }

  /** The entity an endpoint names (by id or unique name); 404 naming it when it does not exist. */
  async require(collection: EntityName, key: string): Promise<AnyEntity> {
    const entity = await this.lookup(collection, key);
    if (!entity) {
      const field = UUID.test(key) ? 'id' : ENTITY_DEFINITIONS[collection].endpointKey;
      throw new AdminHttpError(404, `Not found: no ${collection} entity with ${field} '${key}'`);
    }
    return entity;
  }

  /**
   * The body as a typed input object: form values typed by the schema, the parent of a nested
   * path set, foreign keys given by name resolved to ids, and a plugin's config validated
   * (defaults filled) by the plugin's own schema.
   */
  private async prepareInput(
    collection: EntityName,
    body: DecodedBody,
    parent: ParentScope | undefined,
    existing?: AnyEntity,
  ): Promise<PreparedInput> {
    const definition = ENTITY_DEFINITIONS[collection];
    const input = entityInput(definition, body);

    if (parent) {
      const owner = await this.require(parent.collection, parent.key);
      input[PARENT_FIELD[parent.collection]!] = { id: owner.id };
    }
    for (const [field, target] of Object.entries(definition.foreignKeys)) {
      if (input[field] !== undefined)
        input[field] = await this.resolveForeignKey(field, target, input[field]);
    }
    if (collection !== 'plugins') return { input };
    const config = this.pluginConfig(input, body.kind === 'form', existing as Plugin | undefined);
    if (config.ok) input['config'] = config.value;
    return config.ok ? { input } : { input, configErrors: config.errors };
  }

  private async resolveForeignKey(field: string, target: EntityName, value: unknown): Promise<unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const reference = value as Record<string, unknown>;
    if (reference['id'] !== undefined || Object.keys(reference).length !== 1) return value;
    const keyField = ENTITY_DEFINITIONS[target].endpointKey;
    const name = reference[keyField] ?? reference['name'];
    if (typeof name !== 'string') return value;
    const found = await this.store.findByField(target, keyField, name);
    if (!found) throw foreignKeyInvalidReference(field, { [keyField]: name }, target);
    return { id: found.id };
  }

  /** The plugin's `config` after its own schema: typed, merged for PATCH, defaults filled. */
  private pluginConfig(
    input: Record<string, unknown>,
    fromForm: boolean,
    existing: Plugin | undefined,
  ): ReturnType<typeof validatePluginConfig> {
    const name = input['name'] ?? existing?.name;
    // Without a name the envelope's own validation reports it; the config waits for it.
    if (typeof name !== 'string')
      return { ok: true, value: (input['config'] ?? {}) as Record<string, unknown> };
    const plugin = this.plugins.get(name);
    if (!plugin) {
      throw schemaViolation({
        name: `plugin '${name}' not enabled; add it to the 'plugins' configuration property`,
      });
    }
    let config: unknown = input['config'] ?? {};
    if (fromForm && config !== null && typeof config === 'object') {
      config = typeFormValues(plugin.schema, config as Record<string, unknown>);
    }
    if (
      existing &&
      existing.name === name &&
      config !== null &&
      typeof config === 'object' &&
      !Array.isArray(config)
    ) {
      config = mergeRecords(existing.config, config as Record<string, unknown>);
    }
    return validatePluginConfig(plugin.schema, config);
  }

  /**
   * `buildEntity`, reporting plugin config errors (under `config`) with the entity's own field
   * errors; then the entity must be one a proxy can serve, checked by the proxy's own code (the
   * router's compile, the plugin's schema), so that no write can stop config delivery.
   */
  private build(collection: EntityName, prepared: PreparedInput, mode: WriteMode): AnyEntity {
    const { input, configErrors } = prepared;
    if (!configErrors) {
      const entity = buildEntity(ENTITY_DEFINITIONS[collection], input, mode) as AnyEntity;
      const servingErrors = findServingErrors(collection, entity, this.options.plugins);
      if (Object.keys(servingErrors).length > 0) throw schemaViolation(servingErrors);
      return entity;
    }
    let entityErrors: FieldErrors = {};
    try {
      buildEntity(ENTITY_DEFINITIONS[collection], input, mode);
    } catch (error) {
      if (!(error instanceof KongDbError) || !error.fields) throw error;
      entityErrors = error.fields as FieldErrors;
    }
    throw schemaViolation({ ...entityErrors, config: configErrors });
  }
}

interface PreparedInput {
  readonly input: Record<string, unknown>;
  /** Set when `config` failed its plugin's schema. */
  readonly configErrors?: FieldError;
}

function parsePageSize(size: string | undefined): number {
  if (size === undefined) return DEFAULT_PAGE_SIZE;
  const parsed = Number(size);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > MAX_PAGE_SIZE) {
    throw invalidSize(`size must be an integer between 1 and ${MAX_PAGE_SIZE}`);
  }
  return parsed;
}
