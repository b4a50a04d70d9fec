import { randomUUID } from 'node:crypto';
import { schemaViolation } from '../errors/kong-db-error.js';
import { validateEntity } from './entity-validator.js';
import type { EntityDefinition } from './entity-definitions.js';
import type { EntityName, EntityTypes } from './entity.types.js';

/** How an Admin API write relates to what is stored. */
export type WriteMode =
  /** POST: a new entity from defaults and the input. */
  | { readonly kind: 'create' }
  /** PATCH: the stored entity with the input's fields changed (records in `mergedRecords` merged). */
  | { readonly kind: 'update'; readonly existing: Readonly<Record<string, unknown>> }
  /** PUT: the input replaces the entity, keeping its id and creation time if it exists. */
  | { readonly kind: 'replace'; readonly id: string; readonly existing?: Readonly<Record<string, unknown>> };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Kong's PATCH merge of a nested record: fields given replace, records merge, the rest stays. */
export function mergeRecords(
  base: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    merged[key] = isRecord(value) && isRecord(base[key]) ? mergeRecords(base[key], value) : value;
  }
  return merged;
}

/**
 * Builds the complete entity a write would store: shorthands expanded, defaults or the stored
 * values filled in, id and timestamps set, every field and cross-field check validated.
 * Throws Kong's schema violation (400) naming each field at fault; stores nothing.
 */
export function buildEntity<N extends EntityName>(
  definition: EntityDefinition<N>,
  input: Record<string, unknown>,
  mode: WriteMode,
  now: number = Math.floor(Date.now() / 1000),
): EntityTypes[N] {
  const expansion = definition.expand?.(input) ?? { ok: true as const, input };
  if (!expansion.ok) throw schemaViolation(expansion.errors);
  const expanded = expansion.input;

  let candidate: Record<string, unknown>;
  switch (mode.kind) {
    case 'create':
      candidate = {
        ...definition.defaults,
        ...expanded,
        id: expanded['id'] ?? randomUUID(),
        created_at: now,
        updated_at: now,
      };
      break;
    case 'update': {
      const changes = { ...expanded };
      for (const field of definition.mergedRecords) {
        if (isRecord(changes[field]) && isRecord(mode.existing[field])) {
          changes[field] = mergeRecords(mode.existing[field], changes[field]);
        }
      }
      candidate = {
        ...mode.existing,
        ...changes,
        id: mode.existing['id'],
        created_at: mode.existing['created_at'],
        updated_at: now,
      };
      break;
    }
    case 'replace':
      candidate = {
        ...definition.defaults,
        ...expanded,
        id: mode.id,
        created_at: mode.existing?.['created_at'] ?? now,
        updated_at: now,
      };
      break;
  }

  const errors = validateEntity(definition, candidate as unknown as EntityTypes[N]);
  if (Object.keys(errors).length > 0) throw schemaViolation(errors);
  return candidate as unknown as EntityTypes[N];
}
