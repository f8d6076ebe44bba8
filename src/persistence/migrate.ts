import { type MigrationResultSet, Migrator } from 'kysely/migration';
import { type DatabaseHandle, explainOpenFailure } from './connection.js';
import { migrationProvider } from './migrations/index.js';

export const migrationTableName = 'horrorcast_migrations';

function migratorFor(handle: DatabaseHandle): Migrator {
  return new Migrator({
    db: handle.db,
    provider: migrationProvider(handle.dialect),
    migrationTableName,
    migrationLockTableName: `${migrationTableName}_lock`,
  });
}

export class MigrationError extends Error {
  constructor(migration: string, cause: unknown) {
    super(`Migration ${migration} failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'MigrationError';
  }
}

/** Applies every pending migration; safe to call from several processes at once (Kysely's lock table). */
export async function migrateToLatest(handle: DatabaseHandle): Promise<string[]> {
  const { error, results }: MigrationResultSet = await migratorFor(handle).migrateToLatest();
  if (error) {
    const explained = explainOpenFailure(handle, error);
    if (explained !== error) throw explained;
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(failed, error);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export interface SchemaVersion {
  current: string | null;
  applied: number;
  pending: string[];
}

export async function schemaVersion(handle: DatabaseHandle): Promise<SchemaVersion> {
  const migrations = await migratorFor(handle).getMigrations();
  const applied = migrations.filter((m) => m.executedAt !== undefined);
  return {
    current: applied.at(-1)?.name ?? null,
    applied: applied.length,
    pending: migrations.filter((m) => m.executedAt === undefined).map((m) => m.name),
  };
}
