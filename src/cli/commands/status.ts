import { Command } from 'commander';
import { usesDemoData } from '../../config/index.js';
import {
  countMovies,
  countRuns,
  countSnapshots,
  latestIngestRun,
  latestTrainRun,
  schemaVersion,
} from '../../db/index.js';
import { createContext } from '../context.js';
import { action } from '../run.js';

export function statusCommand(): Command {
  return new Command('status')
    .description('database reachability, schema version, film and run counts')
    .option('--json', 'print one JSON object')
    .action(
      action(async (options: { json?: boolean }) => {
        const context = await createContext({ migrate: false });
        try {
          const { db } = context.database;
          const version = await schemaVersion(context.database);
          const migrated = version.applied > 0;
          const status = {
            database: {
              reachable: true,
              location: context.database.location,
              dialect: context.database.dialect,
            },
            schema: version,
            dataSource: usesDemoData(context.config) ? 'demo' : 'tmdb',
            films: migrated ? await countMovies(db) : 0,
            snapshots: migrated ? await countSnapshots(db) : 0,
            runs: migrated ? await countRuns(db) : { ingest: 0, train: 0 },
            lastIngest: migrated ? ((await latestIngestRun(db)) ?? null) : null,
            lastTraining: migrated ? ((await latestTrainRun(db)) ?? null) : null,
          };
          if (options.json) {
            process.stdout.write(`${JSON.stringify(status)}\n`);
            return;
          }
          const lines = [
            `database     ${status.database.location} (reachable)`,
            `schema       ${version.current ?? 'empty'}${version.pending.length ? `, ${version.pending.length} pending (run \`horrorcast migrate\`)` : ''}`,
            `data source  ${status.dataSource === 'demo' ? 'demo catalogue (no TMDB_API_KEY set)' : 'TMDB'}`,
            `films        ${status.films} (${status.snapshots} snapshots)`,
            `runs         ${status.runs.ingest} collections, ${status.runs.train} trainings`,
            `last ingest  ${status.lastIngest ? `${status.lastIngest.status} at ${status.lastIngest.started_at}` : 'never'}`,
            `last train   ${status.lastTraining ? `${status.lastTraining.status} at ${status.lastTraining.started_at}` : 'never'}`,
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        } finally {
          await context.close();
        }
      }),
    );
}
