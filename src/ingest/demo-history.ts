import type { Logger } from '../config/logger.js';
import type { SnapshotInput, Stores } from '../persistence/index.js';
import { demoPopularityDrift } from '../tmdb/demo-catalog.js';

/** How far back the demo history reaches, and how many days apart its snapshots are. */
export const DEMO_HISTORY_DAYS = 60;
export const DEMO_HISTORY_STEP_DAYS = 3;

const DAY_MS = 86_400_000;
/** Share of its votes a demo film gained per day: older snapshots show fewer votes. */
const VOTE_GROWTH_PER_DAY = 0.002;

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * Gives a freshly collected demo database a past: one snapshot per film every few days over the
 * last 60 days, following the demo catalogue's own daily popularity drift, so that trend charts
 * and risers and fallers have something to show on the first start. These snapshots belong to no
 * collection run (ingest_run_id null): that is what marks them as demo history, since every real
 * collection and import records its run. Returns the number of snapshots written.
 */
export async function backfillDemoHistory(
  stores: Stores,
  options: { now?: Date; logger?: Pick<Logger, 'info'> } = {},
): Promise<number> {
  const now = options.now ?? new Date();
  const films = await stores.films.all();
  const snapshots: SnapshotInput[] = [];
  for (let daysAgo = DEMO_HISTORY_DAYS; daysAgo > 0; daysAgo -= DEMO_HISTORY_STEP_DAYS) {
    const at = new Date(now.getTime() - daysAgo * DAY_MS);
    for (const film of films) {
      const scale = demoPopularityDrift(film.tmdb_id, at) / demoPopularityDrift(film.tmdb_id, now);
      snapshots.push({
        tmdb_id: film.tmdb_id,
        ingest_run_id: null,
        snapshot_ts: at.toISOString(),
        popularity: round(Number(film.popularity) * scale, 3),
        vote_count: Math.round(Number(film.vote_count) * Math.max(0, 1 - daysAgo * VOTE_GROWTH_PER_DAY)),
        vote_average: film.vote_average === null ? null : Number(film.vote_average),
      });
    }
  }
  const written = await stores.films.insertSnapshots(snapshots);
  options.logger?.info(
    { films: films.length, snapshots: written, days: DEMO_HISTORY_DAYS },
    'demo history: backfilled snapshots (no collection run; synthetic)',
  );
  return written;
}
