import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { DialectName } from '../connection.js';
import { columnTypes } from './column-types.js';

/**
 * What TMDB knows of a film before its release: money, status, franchise, and the companies,
 * production countries and keywords, each a table of its own linked to films so that "all films of
 * this company" is one indexed query. `details_version` records which shape of `/movie/{id}` filled
 * the row, so that a collection fetches once more the details stored before these columns existed.
 */
export function filmFacts(dialect: DialectName): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('movies').addColumn('budget', 'bigint').execute();
      await db.schema.alterTable('movies').addColumn('revenue', 'bigint').execute();
      await db.schema.alterTable('movies').addColumn('status', 'varchar(32)').execute();
      await db.schema.alterTable('movies').addColumn('tagline', 'text').execute();
      await db.schema.alterTable('movies').addColumn('us_release_date', 'varchar(10)').execute();
      await db.schema.alterTable('movies').addColumn('spoken_languages', 'text').execute();
      await db.schema.alterTable('movies').addColumn('collection_id', 'integer').execute();
      await db.schema
        .alterTable('movies')
        .addColumn('details_version', 'integer', (col) => col.notNull().defaultTo(0))
        .execute();

      await t
        .finish(
          db.schema
            .createTable('companies')
            .addColumn('id', 'integer', (col) => col.primaryKey())
            .addColumn('name', 'varchar(500)', (col) => col.notNull())
            .addColumn('origin_country', 'varchar(8)'),
        )
        .execute();
      await t
        .finish(
          db.schema
            .createTable('countries')
            .addColumn('iso_3166_1', 'varchar(8)', (col) => col.primaryKey())
            .addColumn('name', 'varchar(200)', (col) => col.notNull()),
        )
        .execute();
      await t
        .finish(
          db.schema
            .createTable('collections')
            .addColumn('id', 'integer', (col) => col.primaryKey())
            .addColumn('name', 'varchar(500)', (col) => col.notNull()),
        )
        .execute();
      await t
        .finish(
          db.schema
            .createTable('keywords')
            .addColumn('id', 'integer', (col) => col.primaryKey())
            .addColumn('name', 'varchar(200)', (col) => col.notNull()),
        )
        .execute();

      const link = async (table: string, column: string, type: 'integer' | 'varchar(8)', target: string) => {
        await t
          .finish(
            db.schema
              .createTable(table)
              .addColumn('tmdb_id', 'integer', (col) =>
                col.notNull().references('movies.tmdb_id').onDelete('cascade'),
              )
              .addColumn(column, type, (col) => col.notNull().references(target).onDelete('cascade'))
              .addPrimaryKeyConstraint(`${table}_pk`, ['tmdb_id', column]),
          )
          .execute();
        await db.schema
          .createIndex(`${table}_${column}_idx`)
          .on(table)
          .columns([column, 'tmdb_id'])
          .execute();
      };
      await link('movie_companies', 'company_id', 'integer', 'companies.id');
      await link('movie_countries', 'iso_3166_1', 'varchar(8)', 'countries.iso_3166_1');
      await link('movie_keywords', 'keyword_id', 'integer', 'keywords.id');
      await db.schema.createIndex('movies_collection_idx').on('movies').column('collection_id').execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [
        'movie_keywords',
        'movie_countries',
        'movie_companies',
        'keywords',
        'collections',
        'countries',
        'companies',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
      const collectionIndex = db.schema.dropIndex('movies_collection_idx').ifExists();
      await (dialect === 'mysql' ? collectionIndex.on('movies') : collectionIndex).execute();
      for (const column of [
        'details_version',
        'collection_id',
        'spoken_languages',
        'us_release_date',
        'tagline',
        'status',
        'revenue',
        'budget',
      ]) {
        await db.schema.alterTable('movies').dropColumn(column).execute();
      }
    },
  };
}
