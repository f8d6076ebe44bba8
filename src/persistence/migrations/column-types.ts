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
    /** MariaDB's server default may still be latin1: titles in Japanese, emoji or Arabic need utf8mb4. */
    finish<N extends string, C extends string>(table: CreateTableBuilder<N, C>) {
      return dialect === 'mysql'
        ? table.modifyEnd(sql`engine=InnoDB default charset=utf8mb4 collate=utf8mb4_unicode_ci`)
        : table;
    },
    timestamp: sql`varchar(30)`,
  };
}
