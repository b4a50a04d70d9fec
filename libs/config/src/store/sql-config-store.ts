import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { traceparentOf } from '@switchyard/telemetry';
import { ENTITY_DEFINITIONS } from '../entities/entity-definitions.js';
import {
  foreignKeyInvalidReference,
  foreignKeyRestricted,
  invalidOffset,
  uniqueViolation,
} from '../errors/kong-db-error.js';
import { migrate } from './migrations.js';
import type { AnyEntity, EntityName, EntityTypes, Plugin } from '../entities/entity.types.js';
import type { ConfigContent, ConfigStore, Page, PageRequest, VersionSubscriber } from './config-store.js';
import type { SqlClient, SqlError, SqlExecutor } from './sql-client.js';

/** The NOTIFY channel that carries each new config version. */
export const CONFIG_VERSION_CHANNEL = 'switchyard_config_version';

/** How many of the latest versions keep their commit time (`versionAges`); older ones are pruned. */
export const VERSION_LOG_LENGTH = 1_000;

/** The columns beside `entity` that carry each table's constraints. */
const CONSTRAINED_COLUMNS: {
  readonly [N in EntityName]: (entity: EntityTypes[N]) => Record<string, unknown>;
} = {
  services: (service) => ({ name: service.name }),
  routes: (route) => ({ name: route.name, service_id: route.service?.id ?? null }),
  consumers: (consumer) => ({ username: consumer.username, custom_id: consumer.custom_id }),
  plugins: (plugin) => ({
    name: plugin.name,
    instance_name: plugin.instance_name,
    route_id: plugin.route?.id ?? null,
    service_id: plugin.service?.id ?? null,
    consumer_id: plugin.consumer?.id ?? null,
    cache_key: pluginScope(plugin).join(':'),
  }),
  keyauth_credentials: (credential) => ({
    consumer_id: credential.consumer.id,
    key_hash: credential.key_hash,
    expires_at: credential.expires_at,
  }),
};

/** Whole Unix seconds now, by this process's clock (the one that computed `expires_at`). */
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The condition that keeps an expiring table's rows that have not expired at `$<param>`. */
function unexpired(entity: EntityName, param: number): string | undefined {
  return ENTITY_DEFINITIONS[entity].expires ? `(expires_at IS NULL OR expires_at > $${param})` : undefined;
}

/** Kong's plugin uniqueness: one plugin of a name per route, service and consumer combination. */
function pluginScope(plugin: Plugin): string[] {
  return [plugin.name, plugin.route?.id ?? '', plugin.service?.id ?? '', plugin.consumer?.id ?? ''];
}

const FILTERABLE_PARENTS = new Set(['service', 'route', 'consumer']);

/** The store's spans (no-ops unless the process set tracing up). */
const tracer = trace.getTracer('@switchyard/config');

/**
 * `ConfigStore` over any `SqlClient`: one implementation for PostgreSQL and SQLite, whose few
 * differing statements are the client's `dialect`.
 */
export class SqlConfigStore implements ConfigStore {
  private constructor(private readonly sql: SqlClient) {}

  /** Migrates the schema if needed, then opens the store. */
  static async open(sql: SqlClient): Promise<SqlConfigStore> {
    await migrate(sql);
    return new SqlConfigStore(sql);
  }

  async findById<N extends EntityName>(entity: N, id: string): Promise<EntityTypes[N] | undefined> {
    return this.findWhere(entity, 'id', id);
  }

  async findByField<N extends EntityName>(
    entity: N,
    field: string,
    value: string,
  ): Promise<EntityTypes[N] | undefined> {
    if (!ENTITY_DEFINITIONS[entity].uniqueFields.includes(field))
      throw new Error(`${entity}.${field} is not unique`);
    return this.findWhere(entity, field, value);
  }

  /** The row whose `column` is `value`, unless it expired. */
  private async findWhere<N extends EntityName>(
    entity: N,
    column: string,
    value: string,
  ): Promise<EntityTypes[N] | undefined> {
    const live = unexpired(entity, 2);
    const rows = await this.sql.query<{ entity: EntityTypes[N] }>(
      `SELECT entity FROM ${entity} WHERE ${column} = $1${live ? ` AND ${live}` : ''}`,
      live ? [value, nowSeconds()] : [value],
    );
    return rows[0]?.entity;
  }

  async list<N extends EntityName>(entity: N, page: PageRequest): Promise<Page<EntityTypes[N]>> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (page.offset !== undefined) {
      params.push(decodeOffset(page.offset));
      conditions.push(`id > $${params.length}`);
    }
    if (page.tags) {
      params.push(page.tags.values);
      conditions.push(this.sql.dialect.tagCondition(page.tags.mode, params.length));
    }
    if (page.parent) {
      if (!FILTERABLE_PARENTS.has(page.parent.field))
        throw new Error(`cannot filter by ${page.parent.field}`);
      params.push(page.parent.id);
      conditions.push(`${page.parent.field}_id = $${params.length}`);
    }
    const live = unexpired(entity, params.length + 1);
    if (live) {
      params.push(nowSeconds());
      conditions.push(live);
    }
    params.push(page.size + 1);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = await this.sql.query<{ id: string; entity: EntityTypes[N] }>(
      `SELECT id, entity FROM ${entity} ${where} ORDER BY id LIMIT $${params.length}`,
      params,
    );
    const hasMore = rows.length > page.size;
    const data = rows.slice(0, page.size).map((row) => row.entity);
    return { data, offset: hasMore ? encodeOffset(rows[page.size - 1]!.id) : null };
  }

  async insert<N extends EntityName>(entity: N, value: EntityTypes[N]): Promise<EntityTypes[N]> {
    const columns = { id: value.id, ...CONSTRAINED_COLUMNS[entity](value), entity: JSON.stringify(value) };
    const names = Object.keys(columns);
    const placeholders = names.map((_, index) => `$${index + 1}`);
    await this.write(entity, value, 'INSERT', async (tx) => {
      // Expired rows are gone for readers already: deleting them frees their unique values (Kong
      // purges them on a timer instead).
      if (ENTITY_DEFINITIONS[entity].expires)
        await tx.query(`DELETE FROM ${entity} WHERE expires_at <= $1`, [nowSeconds()]);
      await tx.query(
        `INSERT INTO ${entity} (${names.join(', ')}) VALUES (${placeholders.join(', ')})`,
        Object.values(columns),
      );
    });
    return value;
  }

  async update<N extends EntityName>(entity: N, value: EntityTypes[N]): Promise<EntityTypes[N]> {
    const columns = { ...CONSTRAINED_COLUMNS[entity](value), entity: JSON.stringify(value) };
    const assignments = Object.keys(columns).map((name, index) => `${name} = $${index + 2}`);
    await this.write(entity, value, 'UPDATE', (tx) =>
      tx.query(`UPDATE ${entity} SET ${assignments.join(', ')} WHERE id = $1`, [
        value.id,
        ...Object.values(columns),
      ]),
    );
    return value;
  }

  async delete(entity: EntityName, id: string): Promise<boolean> {
    let deleted = false;
    await this.write(entity, undefined, 'DELETE', async (tx) => {
      deleted = (await tx.query(`DELETE FROM ${entity} WHERE id = $1 RETURNING id`, [id])).length > 0;
    });
    return deleted;
  }

  async currentVersion(): Promise<number> {
    const rows = await this.sql.query<{ version: string }>('SELECT version FROM config_version');
    return Number(rows[0]?.version ?? 0);
  }

  readConfig(): Promise<ConfigContent> {
    return this.sql.transaction(async (tx) => {
      // One snapshot of the database for all the reads: the version matches the entities.
      const { snapshotRead } = this.sql.dialect;
      if (snapshotRead) await tx.query(snapshotRead);
      const [version] = await tx.query<{ version: string; traceparent: string | null }>(
        'SELECT version, traceparent FROM config_version',
      );
      const all = async <N extends EntityName>(entity: N) =>
        (await tx.query<{ entity: EntityTypes[N] }>(`SELECT entity FROM ${entity} ORDER BY id`)).map(
          (row) => row.entity,
        );
      return {
        version: Number(version?.version ?? 0),
        traceparent: version?.traceparent ?? null,
        services: await all('services'),
        routes: await all('routes'),
        consumers: await all('consumers'),
        plugins: await all('plugins'),
        // Expired ones too: what a version holds must not depend on when it is read (proxies
        // check `expires_at` on every lookup).
        keyauth_credentials: await all('keyauth_credentials'),
      };
    });
  }

  async versionAges(versions: readonly number[]): Promise<ReadonlyMap<number, number>> {
    if (versions.length === 0) return new Map();
    const rows = await this.sql.query<{ version: string; age_ms: number }>(this.sql.dialect.versionAges, [
      versions,
    ]);
    return new Map(rows.map((row) => [Number(row.version), Math.max(0, Number(row.age_ms))]));
  }

  async onVersion(subscriber: VersionSubscriber): Promise<() => Promise<void>> {
    return this.sql.listen(CONFIG_VERSION_CHANNEL, {
      onPayload: (payload) => subscriber.committed(Number(payload)),
      onResubscribed: () => subscriber.missed(),
    });
  }

  close(): Promise<void> {
    return this.sql.close();
  }

  /**
   * Runs one write and bumps the config version in the same transaction, then announces the
   * version (NOTIFY is delivered on commit). Constraint failures become Kong's errors. When the
   * caller is traced, the write is a span of its trace, and the version keeps that span's
   * `traceparent` so that config-sync and the proxies continue the same trace.
   */
  private write(
    entity: EntityName,
    value: AnyEntity | undefined,
    operation: 'INSERT' | 'UPDATE' | 'DELETE',
    work: (tx: SqlExecutor) => Promise<unknown>,
  ): Promise<void> {
    const attributes = {
      'db.system.name': this.sql.dialect.engine,
      'db.operation.name': operation,
      'db.collection.name': entity,
    };
    return tracer.startActiveSpan(
      `${operation} ${entity}`,
      { kind: SpanKind.CLIENT, attributes },
      async (span) => {
        try {
          const version = await this.sql.transaction(async (tx) => {
            await work(tx);
            return this.sql.dialect.bumpVersion(tx, {
              traceparent: traceparentOf(context.active()) ?? null,
              channel: CONFIG_VERSION_CHANNEL,
              keep: VERSION_LOG_LENGTH,
            });
          });
          span.setAttribute('switchyard.config.version', version);
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
          throw translateConstraintError(
            error as SqlError,
            entity,
            value,
            operation === 'DELETE' ? 'delete' : 'write',
          );
        } finally {
          span.end();
        }
      },
    );
  }
}

/** Which Kong error a constraint failure (in PostgreSQL's terms) is. Anything else is re-thrown as is. */
function translateConstraintError(
  error: SqlError,
  entity: EntityName,
  value: AnyEntity | undefined,
  kind: 'write' | 'delete',
): unknown {
  const constraint = error.constraint ?? '';
  if (error.code === '23505' && value) {
    if (constraint === 'plugins_cache_key_key') {
      const plugin = value as Plugin;
      return uniqueViolation({
        consumer: plugin.consumer,
        name: plugin.name,
        route: plugin.route,
        service: plugin.service,
      });
    }
    // The primary key is `<table>_pkey`: a create that names the id of an existing entity.
    const field = ['id', ...ENTITY_DEFINITIONS[entity].uniqueFields].find((name) =>
      name === 'id' ? constraint === `${entity}_pkey` : constraint === `${entity}_${name}_key`,
    );
    if (field) return uniqueViolation({ [field]: (value as unknown as Record<string, unknown>)[field] });
  }
  // 23503 foreign_key_violation; 23001 restrict_violation (newer PostgreSQL, on ON DELETE RESTRICT).
  if (error.code === '23503' || error.code === '23001') {
    // `<child table>_<parent field>_id_fkey`
    const match = /^(\w+?)_(service|route|consumer)_id_fkey$/.exec(constraint);
    if (match) {
      const [, childTable, field] = match as unknown as [string, string, 'service' | 'route' | 'consumer'];
      const parentTable = `${field}s`;
      if (kind === 'delete') return foreignKeyRestricted(parentTable, childTable);
      const reference = (value as unknown as Record<string, { id: string } | null>)[field];
      return foreignKeyInvalidReference(field, { id: reference?.id }, parentTable);
    }
  }
  return error;
}

function encodeOffset(id: string): string {
  return Buffer.from(JSON.stringify([id])).toString('base64url');
}

function decodeOffset(offset: string): string {
  try {
    const [id] = JSON.parse(Buffer.from(offset, 'base64url').toString('utf8')) as unknown[];
    if (typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id)) return id;
  } catch {
    // falls through to the error below
  }
  throw invalidOffset(offset, 'bad base64 encoding');
}
