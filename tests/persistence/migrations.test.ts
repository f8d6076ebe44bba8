import { sql } from 'kysely';
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

describeEachDialect(
  'migration 0007 turns ratings without votes into unknown ratings',
  (database, dialect) => {
    const migratorOf = (handle: ReturnType<typeof database>['handle']) =>
      new Migrator({
        db: handle.db,
        provider: migrationProvider(dialect),
        migrationTableName,
        migrationLockTableName: `${migrationTableName}_lock`,
      });
    /** On SQLite, whose rebuilt tables must get their indexes back: every index of the two tables. */
    const sqliteIndexes = async (handle: ReturnType<typeof database>['handle']) =>
      dialect === 'sqlite'
        ? (
            await sql<{ name: string; tbl_name: string; sql: string | null }>`
            select name, tbl_name, sql from sqlite_master
            where type = 'index' and tbl_name in ('movies', 'movie_snapshots') order by name`.execute(
              handle.db,
            )
          ).rows
        : [];

    it('keeps every row, index and link, and stores null where a film had no votes', async () => {
      const { handle, stores } = database();
      const migrator = migratorOf(handle);
      expect((await migrator.migrateTo('0006-explorer-indexes')).error).toBeUndefined();
      const indexesBefore = await sqliteIndexes(handle);
      const now = new Date().toISOString();
      const film = (tmdb_id: number, vote_count: number, vote_average: number) => ({
        tmdb_id,
        title: `Film ${tmdb_id}`,
        popularity: 1.5,
        vote_count,
        vote_average,
        inserted_at: now,
        updated_at: now,
      });
      await handle.db
        .insertInto('movies')
        .values([film(20, 0, 0), film(21, 40, 6.5), film(22, 3, 0)])
        .execute();
      await handle.db
        .insertInto('companies')
        .values({ id: 7, name: 'Hammer', origin_country: 'GB' })
        .execute();
      await handle.db.insertInto('movie_companies').values({ tmdb_id: 20, company_id: 7 }).execute();
      const runId = await stores.collectionRuns.start({ source: 'tmdb', startedAt: now });
      const snapshot = (tmdb_id: number, vote_count: number, vote_average: number) => ({
        tmdb_id,
        ingest_run_id: runId,
        snapshot_ts: now,
        popularity: 1.5,
        vote_count,
        vote_average,
      });
      await handle.db
        .insertInto('movie_snapshots')
        .values([snapshot(20, 0, 0), snapshot(21, 40, 6.5), snapshot(22, 3, 0)])
        .execute();
      const snapshotIds = await handle.db.selectFrom('movie_snapshots').select('id').orderBy('id').execute();

      expect((await migrator.migrateTo('0007-unknown-ratings')).results?.map((r) => r.migrationName)).toEqual(
        ['0007-unknown-ratings'],
      );

      const ratings = await handle.db
        .selectFrom('movies')
        .select(['tmdb_id', 'title', 'vote_count', 'vote_average'])
        .where('tmdb_id', 'in', [20, 21, 22])
        .orderBy('tmdb_id')
        .execute();
      expect(ratings.map((row) => [row.tmdb_id, row.title, row.vote_count, row.vote_average])).toEqual([
        [20, 'Film 20', 0, null],
        [21, 'Film 21', 40, 6.5],
        // Votes make a rating known, even one of 0.
        [22, 'Film 22', 3, 0],
      ]);
      const snapshots = await handle.db
        .selectFrom('movie_snapshots')
        .select(['id', 'tmdb_id', 'vote_average'])
        .orderBy('id')
        .execute();
      expect(snapshots).toEqual([
        { id: snapshotIds[0]!.id, tmdb_id: 20, vote_average: null },
        { id: snapshotIds[1]!.id, tmdb_id: 21, vote_average: 6.5 },
        { id: snapshotIds[2]!.id, tmdb_id: 22, vote_average: 0 },
      ]);
      expect(await sqliteIndexes(handle)).toEqual(indexesBefore);

      // An unknown rating can be written; the default is unknown too.
      await handle.db
        .insertInto('movies')
        .values({ ...film(23, 0, 0), vote_average: null })
        .execute();
      const { vote_average: _rating, ...withoutRating } = film(24, 0, 0);
      await handle.db.insertInto('movies').values(withoutRating).execute();
      const written = await handle.db
        .selectFrom('movies')
        .select(['tmdb_id', 'vote_average'])
        .where('tmdb_id', 'in', [23, 24])
        .orderBy('tmdb_id')
        .execute();
      expect(written).toEqual([
        { tmdb_id: 23, vote_average: null },
        { tmdb_id: 24, vote_average: null },
      ]);

      // The unique (film, run) pair, the snapshot ids and the links to films still hold.
      await expect(
        handle.db
          .insertInto('movie_snapshots')
          .values(snapshot(21, 41, 6.4))
          .execute(),
      ).rejects.toThrow();
      await handle.db
        .insertInto('movie_snapshots')
        .values({ ...snapshot(23, 0, 0), vote_average: null })
        .execute();
      const newest = await handle.db
        .selectFrom('movie_snapshots')
        .select('id')
        .where('tmdb_id', '=', 23)
        .executeTakeFirstOrThrow();
      expect(newest.id).toBeGreaterThan(snapshotIds[2]!.id);
      await expect(
        handle.db
          .insertInto('movie_snapshots')
          .values(snapshot(999, 1, 5))
          .execute(),
      ).rejects.toThrow();
      await handle.db.deleteFrom('movies').where('tmdb_id', '=', 20).execute();
      const left = await handle.db
        .selectFrom('movie_snapshots')
        .select('tmdb_id')
        .where('tmdb_id', '=', 20)
        .execute();
      expect(left).toEqual([]);
      const links = await handle.db
        .selectFrom('movie_companies')
        .selectAll()
        .where('tmdb_id', '=', 20)
        .execute();
      expect(links).toEqual([]);
    });

    it('goes back down to ratings of 0 that cannot be missing, and up again', async () => {
      const { handle } = database();
      const migrator = migratorOf(handle);
      const before = await sqliteIndexes(handle);
      expect((await migrator.migrateTo('0006-explorer-indexes')).error).toBeUndefined();
      const film = await handle.db
        .selectFrom('movies')
        .select('vote_average')
        .where('tmdb_id', '=', 23)
        .executeTakeFirstOrThrow();
      expect(film.vote_average).toBe(0);
      const now = new Date().toISOString();
      await expect(
        handle.db
          .insertInto('movies')
          .values({
            tmdb_id: 25,
            title: 'Film 25',
            popularity: 1,
            vote_count: 0,
            vote_average: null,
            inserted_at: now,
            updated_at: now,
          })
          .execute(),
      ).rejects.toThrow();
      expect((await migrator.migrateTo('0007-unknown-ratings')).results?.map((r) => r.migrationName)).toEqual(
        ['0007-unknown-ratings'],
      );
      expect(await sqliteIndexes(handle)).toEqual(before);
    });
  },
);
