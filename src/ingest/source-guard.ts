import type { DataSource, Stores } from '../persistence/index.js';

/** Demo films have made-up ids that collide with real TMDB ids; TMDB and imported films share real ids. */
type SourceFamily = 'demo' | 'real';

const familyOf = (source: DataSource): SourceFamily => (source === 'demo' ? 'demo' : 'real');

const described: Record<DataSource, string> = {
  demo: 'synthetic demo films',
  tmdb: 'films collected from TMDB',
  import: 'films imported from a CSV file (real TMDB ids)',
};

/** A collection or import refused because it would mix demo films with real ones. */
export class MixedSourcesError extends Error {
  readonly exitCode = 2;
  constructor(held: DataSource, incoming: DataSource) {
    const how =
      incoming === 'demo'
        ? 'set TMDB_API_KEY to collect from TMDB, or point DATABASE_URL at a fresh database for the demo'
        : 'point DATABASE_URL at a fresh database';
    super(
      `refused: this database holds ${described[held]}, and a ${incoming === 'import' ? 'CSV import' : `${incoming} collection`} would mix ${described[incoming]} into it and overwrite films whose ids collide; ${how}, or pass --allow-mixed-sources to do it anyway`,
    );
    this.name = 'MixedSourcesError';
  }
}

/**
 * Where the database's films came from: its recorded fact, or (a database filled before facts were
 * recorded) the source of its first finished run.
 */
async function heldSource(stores: Stores): Promise<DataSource | undefined> {
  const recorded = await stores.databaseFacts.get('film_source');
  if (recorded === 'demo' || recorded === 'tmdb' || recorded === 'import') return recorded;
  const first = (await stores.collectionRuns.all()).find(
    (run) => run.status !== 'running' && run.new_films > 0,
  );
  return first?.source;
}

/**
 * Refuses a run whose films would mix demo and real films in one database, unless `allowMixed`;
 * the first run records what the database holds.
 */
export async function guardFilmSource(
  stores: Stores,
  incoming: DataSource,
  options: { allowMixed?: boolean; now?: () => Date } = {},
): Promise<void> {
  const held = await heldSource(stores);
  if (held !== undefined && familyOf(held) !== familyOf(incoming) && !options.allowMixed) {
    throw new MixedSourcesError(held, incoming);
  }
  const at = (options.now?.() ?? new Date()).toISOString();
  await stores.databaseFacts.setIfAbsent('film_source', held ?? incoming, at);
}
