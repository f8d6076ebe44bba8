import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { DialectName } from '../connection.js';

/**
 * A film nobody has voted on has no rating: TMDB sends 0 for it, which read as the worst rating
 * there is. A rating may now be null (unknown), and the ratings of 0 stored for films with no
 * votes become unknown. Going back down, an unknown rating is stored as 0 again.
 */
export function unknownRatings(dialect: DialectName): Migration {
  const tables = ['movies', 'movie_snapshots'] as const;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const table of tables) await allowUnknownRating(db, dialect, table);
      const ratings = db as Kysely<Record<(typeof tables)[number], RatingColumns>>;
      for (const table of tables) {
        await ratings
          .updateTable(table)
          .set({ vote_average: null })
          .where('vote_count', '=', 0)
          .where('vote_average', '=', 0)
          .execute();
      }
    },

    async down(db: Kysely<unknown>): Promise<void> {
      const ratings = db as Kysely<Record<(typeof tables)[number], RatingColumns>>;
      for (const table of tables) {
        await ratings.updateTable(table).set({ vote_average: 0 }).where('vote_average', 'is', null).execute();
      }
      for (const table of tables) await requireRating(db, dialect, table);
    },
  };
}

interface RatingColumns {
  vote_count: number;
  vote_average: number | null;
}

type RatedTable = 'movies' | 'movie_snapshots';

/** The column as the first schema declared it: films defaulted to 0, snapshots had no default. */
const requiredRating: Record<RatedTable, string> = {
  movies: '"vote_average" double precision default 0 not null',
  movie_snapshots: '"vote_average" double precision not null',
};
const unknownRating = '"vote_average" double precision';

async function allowUnknownRating(db: Kysely<unknown>, dialect: DialectName, table: RatedTable) {
  if (dialect === 'sqlite') return rebuildSqliteTable(db, table, requiredRating[table], unknownRating);
  if (dialect === 'mysql') {
    await sql`alter table ${sql.table(table)} modify column vote_average double null`.execute(db);
    return;
  }
  await sql`alter table ${sql.table(table)} alter column vote_average drop not null`.execute(db);
  await sql`alter table ${sql.table(table)} alter column vote_average drop default`.execute(db);
}

async function requireRating(db: Kysely<unknown>, dialect: DialectName, table: RatedTable) {
  if (dialect === 'sqlite') return rebuildSqliteTable(db, table, unknownRating, requiredRating[table]);
  const withDefault = table === 'movies';
  if (dialect === 'mysql') {
    const column = withDefault ? sql`double not null default 0` : sql`double not null`;
    await sql`alter table ${sql.table(table)} modify column vote_average ${column}`.execute(db);
    return;
  }
  await sql`alter table ${sql.table(table)} alter column vote_average set not null`.execute(db);
  if (withDefault) {
    await sql`alter table ${sql.table(table)} alter column vote_average set default 0`.execute(db);
  }
}

/**
 * SQLite cannot change a column's constraints in place: the table is created again under another
 * name from its own stored definition with one column definition replaced, its rows copied, the
 * old table dropped and the new one renamed, then its indexes created again. Foreign keys are off
 * meanwhile, or dropping `movies` would delete every row that references a film; the links are
 * checked before the work is committed. Other tables' references name `movies` and hold again
 * once the rebuilt table carries that name.
 */
async function rebuildSqliteTable(db: Kysely<unknown>, table: RatedTable, from: string, to: string) {
  const definition = await sql<{ sql: string }>`
    select sql from sqlite_master where type = 'table' and name = ${table}`.execute(db);
  const createTable = definition.rows[0]?.sql;
  if (!createTable?.includes(from)) {
    throw new Error(`${table}: expected the column definition ${from} in ${createTable ?? 'no table'}`);
  }
  const indexes = await sql<{ sql: string }>`
    select sql from sqlite_master where type = 'index' and tbl_name = ${table} and sql is not null`.execute(
    db,
  );
  const sequence = await sql<{ seq: number }>`
    select seq from sqlite_sequence where name = ${table}`.execute(db);
  const rebuilt = `${table}_rebuilt`;
  const prefix = `CREATE TABLE "${table}"`;
  if (!createTable.startsWith(prefix)) throw new Error(`${table}: unexpected definition ${createTable}`);
  const createRebuilt = `CREATE TABLE "${rebuilt}"${createTable.slice(prefix.length).replace(from, to)}`;

  const enforced = (await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows[0];
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      await sql.raw(createRebuilt).execute(trx);
      await sql`insert into ${sql.table(rebuilt)} select * from ${sql.table(table)}`.execute(trx);
      await sql`drop table ${sql.table(table)}`.execute(trx);
      await sql`alter table ${sql.table(rebuilt)} rename to ${sql.table(table)}`.execute(trx);
      for (const index of indexes.rows) await sql.raw(index.sql).execute(trx);
      const seq = sequence.rows[0]?.seq;
      if (seq !== undefined) {
        await sql`update sqlite_sequence set seq = ${seq} where name = ${table}`.execute(trx);
      }
      const broken = await sql`pragma foreign_key_check`.execute(trx);
      if (broken.rows.length > 0) {
        throw new Error(`${table}: ${broken.rows.length} rows would lose the row they reference`);
      }
    });
  } finally {
    if (enforced?.foreign_keys) await sql`pragma foreign_keys = on`.execute(db);
  }
}
