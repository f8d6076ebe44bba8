import type { Timestamp } from '../schema.js';
import type { StoreContext } from './context.js';

/** Names of the facts a database records about itself. */
export type DatabaseFactName = 'film_source';

export type DatabaseFactsStore = ReturnType<typeof createDatabaseFactsStore>;

/** What the database records about itself (database_facts), e.g. where its films came from. */
export function createDatabaseFactsStore(context: StoreContext) {
  const { db } = context;
  return {
    async get(name: DatabaseFactName): Promise<string | undefined> {
      const row = await db
        .selectFrom('database_facts')
        .select('value')
        .where('name', '=', name)
        .executeTakeFirst();
      return row?.value;
    },

    /** Records a fact once: a later call with another value leaves the first one in place. */
    async setIfAbsent(name: DatabaseFactName, value: string, at: Timestamp): Promise<void> {
      const existing = await this.get(name);
      if (existing !== undefined) return;
      try {
        await db.insertInto('database_facts').values({ name, value, updated_at: at }).execute();
      } catch (error) {
        // Another process recorded it between the read and the insert: the first one stays.
        if ((await this.get(name)) === undefined) throw error;
      }
    },
  };
}
