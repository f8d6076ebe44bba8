import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { DialectName } from '../connection.js';

/**
 * The film list in title order: with this index the database reads titles in order and stops at
 * the end of the page, instead of sorting every film that matches a common word.
 */
export function titleOrderIndex(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createIndex('movies_title_idx').on('movies').columns(['title', 'tmdb_id']).execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      const drop = db.schema.dropIndex('movies_title_idx').ifExists();
      // MySQL indexes belong to their table; the other dialects name them database-wide.
      await (dialect === 'mysql' ? drop.on('movies') : drop).execute();
    },
  };
}
