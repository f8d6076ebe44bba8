import { Migrator } from 'kysely/migration';
import { expect, it } from 'vitest';
import { migrateToLatest, migrationTableName } from '../../src/persistence/index.js';
import { migrationProvider } from '../../src/persistence/migrations/index.js';
import { describeEachDialect } from '../helpers/databases.js';

describeEachDialect('migrations upgrade a database in place', (database, dialect) => {
  it('keeps the films of a first-version database and marks their details as older than the film facts', async () => {
    const { handle } = database();
    // The suite's database is already at the newest version: step back to the first one.
    const migrator = new Migrator({
      db: handle.db,
      provider: migrationProvider(dialect),
      migrationTableName,
      migrationLockTableName: `${migrationTableName}_lock`,
    });
    const down = await migrator.migrateTo('0001-initial-schema');
    expect(down.error).toBeUndefined();
    const now = new Date().toISOString();
    await handle.db
      .insertInto('movies')
      .values({
        tmdb_id: 10,
        title: 'Old Film',
        popularity: 3,
        vote_count: 20,
        vote_average: 6,
        inserted_at: now,
        updated_at: now,
        details_fetched_at: now,
      } as never)
      .execute();

    const applied = await migrateToLatest(handle);
    expect(applied).toContain('0003-film-facts');

    const film = await handle.db
      .selectFrom('movies')
      .selectAll()
      .where('tmdb_id', '=', 10)
      .executeTakeFirstOrThrow();
    expect(film.title).toBe('Old Film');
    expect(Number(film.details_version)).toBe(0);
    expect(film.budget).toBeNull();
    expect(film.collection_id).toBeNull();

    await handle.db
      .insertInto('movies')
      .values({
        tmdb_id: 11,
        title: 'New Film',
        popularity: 1,
        vote_count: 12,
        vote_average: 5,
        inserted_at: now,
        updated_at: now,
      })
      .execute();
    await handle.db
      .insertInto('companies')
      .values({ id: 1, name: 'Blumhouse', origin_country: 'US' })
      .execute();
    await handle.db
      .insertInto('movie_companies')
      .values([
        { tmdb_id: 10, company_id: 1 },
        { tmdb_id: 11, company_id: 1 },
      ])
      .execute();
    const ofCompany = await handle.db
      .selectFrom('movie_companies')
      .select('tmdb_id')
      .where('company_id', '=', 1)
      .orderBy('tmdb_id')
      .execute();
    expect(ofCompany.map((row) => row.tmdb_id)).toEqual([10, 11]);
  });
});
