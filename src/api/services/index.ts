import type { JobRunner } from '../../jobs/types.js';
import type { AdminGuard } from './admin-auth.js';
import type { ForecastService } from './forecast.js';
import type { HealthService } from './health.js';
import type { HintService } from './hints.js';
import type { InsightsService } from './insights.js';
import type { ModelResultsService } from './models.js';
import type { MoviesService } from './movies.js';
import type { RunsService } from './runs.js';

/** Settings the routes read; a subset of Config so that tests can build the API without environment. */
export interface ApiSettings {
  adminToken: string | undefined;
  pollIntervalMs: number;
  /** Where the next collection reads from: the demo catalogue when no TMDB key is set. */
  configuredSource: 'demo' | 'tmdb';
  started: Date;
  /** A running run whose heartbeat is older than this is shown as interrupted (default 2 minutes). */
  runStaleAfterMs?: number;
}

/** Everything a route may use, built once by the app and handed to each route plugin. */
export interface ApiServices {
  health: HealthService;
  jobs: JobRunner;
  movies: MoviesService;
  models: ModelResultsService;
  forecast: ForecastService;
  runs: RunsService;
  hints: HintService;
  insights: InsightsService;
  requireAdmin: AdminGuard;
  settings: ApiSettings;
  /** Horrorcast's version, as package.json gives it. */
  version: string;
}

export interface RouteOptions {
  services: ApiServices;
}
