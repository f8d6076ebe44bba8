import type { CollectionRunsStore, InsightsStore } from '../../persistence/index.js';

/** More title matches than this are left to the database (an id list that long costs more than it saves). */
export const MAX_INDEXED_MATCHES = 2000;

export type TitleIndex = ReturnType<typeof createTitleIndex>;

/**
 * Every film's lowered title and original title in memory, so that a title search reads a
 * substring match over 100,000 strings in a few milliseconds instead of a LIKE scan in the
 * database. Titles change only through a collection or an import, so the index is rebuilt when
 * the newest run (its id, state, heartbeat or end) differs from the one it was built after.
 */
export function createTitleIndex(insights: InsightsStore, collectionRuns: CollectionRunsStore) {
  let built: { key: string; ids: Int32Array; texts: string[] } | undefined;
  let building: Promise<NonNullable<typeof built>> | undefined;

  async function currentKey(): Promise<string> {
    const run = await collectionRuns.latest();
    return run ? `${run.id}:${run.status}:${run.heartbeat_at ?? ''}:${run.finished_at ?? ''}` : 'none';
  }

  async function index(): Promise<NonNullable<typeof built>> {
    const key = await currentKey();
    if (built?.key === key) return built;
    building ??= insights
      .titles()
      .then((rows) => {
        built = {
          key,
          ids: Int32Array.from(rows, (r) => r.tmdb_id),
          texts: rows.map((r) => `${r.title}\n${r.original_title ?? ''}`.toLowerCase()),
        };
        return built;
      })
      .finally(() => {
        building = undefined;
      });
    return building;
  }

  return {
    /** The ids of films whose title or original title contains `text` (any case), or null when too many. */
    async matching(text: string): Promise<number[] | null> {
      const { ids, texts } = await index();
      const needle = text.toLowerCase();
      const found: number[] = [];
      for (let i = 0; i < texts.length; i++) {
        if (!texts[i]!.includes(needle)) continue;
        if (found.length === MAX_INDEXED_MATCHES) return null;
        found.push(ids[i]!);
      }
      return found;
    },
  };
}
