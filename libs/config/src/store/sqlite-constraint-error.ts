import type { DatabaseSync } from 'node:sqlite';
import type { SqlError } from './sql-client.js';

/** SQLite's extended result codes for the constraint failures the store maps to Kong errors. */
const SQLITE_CONSTRAINT_FOREIGNKEY = 787;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_UNIQUE = 2067;

/** A constraint failure of SQLite, told in PostgreSQL's terms (`SqlError`). */
export class SqliteConstraintError extends Error implements SqlError {
  constructor(
    message: string,
    readonly code: '23505' | '23503',
    readonly constraint: string | undefined,
    options: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'SqliteConstraintError';
  }
}

/** `node:sqlite`'s errors carry SQLite's extended result code in `errcode`. */
function errcodeOf(error: unknown): number | undefined {
  const errcode = (error as { errcode?: unknown } | null)?.errcode;
  return typeof errcode === 'number' ? errcode : undefined;
}

/**
 * A unique or primary-key failure of a statement as PostgreSQL's `23505` with the constraint
 * PostgreSQL would name (`services_pkey`, `services_name_key`); any other error as it is.
 */
export function asPostgresUniqueError(error: unknown): unknown {
  const errcode = errcodeOf(error);
  if (errcode !== SQLITE_CONSTRAINT_UNIQUE && errcode !== SQLITE_CONSTRAINT_PRIMARYKEY) return error;
  // "UNIQUE constraint failed: services.name" (several columns would be listed with commas).
  const [, table, column] = /constraint failed: (\w+)\.(\w+)$/.exec((error as Error).message) ?? [];
  const constraint =
    table && column
      ? errcode === SQLITE_CONSTRAINT_PRIMARYKEY
        ? `${table}_pkey`
        : `${table}_${column}_key`
      : undefined;
  return new SqliteConstraintError((error as Error).message, '23505', constraint, { cause: error });
}

/**
 * Whether a failed COMMIT failed on a deferred foreign key; the transaction is then still open,
 * so that `foreignKeyViolation` can tell which.
 */
export function isDeferredForeignKeyFailure(error: unknown, db: DatabaseSync): boolean {
  return errcodeOf(error) === SQLITE_CONSTRAINT_FOREIGNKEY && db.isTransaction;
}

/**
 * The first foreign key the open transaction violates, as PostgreSQL's `23503` naming the
 * constraint as PostgreSQL would (`routes_service_id_fkey`). SQLite's own message names none.
 */
export function foreignKeyViolation(db: DatabaseSync, cause: unknown): SqliteConstraintError {
  const [violation] = db.prepare('PRAGMA foreign_key_check').all() as { table: string; fkid: number }[];
  const key = violation
    ? (db
        .prepare('SELECT "from" FROM pragma_foreign_key_list(?) WHERE id = ?')
        .get(violation.table, violation.fkid) as { from: string } | undefined)
    : undefined;
  const constraint = violation && key ? `${violation.table}_${key.from}_fkey` : undefined;
  return new SqliteConstraintError((cause as Error).message, '23503', constraint, { cause });
}
