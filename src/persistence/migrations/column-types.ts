import { type CreateTableBuilder, sql } from 'kysely';
import type { DialectName } from '../connection.js';

/** The few column types that SQLite, MySQL and PostgreSQL spell differently. */
export function columnTypes(dialect: DialectName) {
  return {
    /** Auto-incrementing integer primary key. */
    id<T extends string>(table: CreateTableBuilder<T, never>) {
      return dialect === 'postgres'
        ? table.addColumn('id', 'serial', (col) => col.primaryKey())
        : table.addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement());
    },
    /** Text that can exceed 64 KB (MySQL's TEXT limit): JSON documents and model artifacts. */
    largeText: dialect === 'mysql' ? sql`longtext` : sql`text`,
    double: sql`double precision`,
    timestamp: sql`varchar(30)`,
  };
}
