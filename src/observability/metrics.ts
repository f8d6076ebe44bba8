import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every Prometheus metric Horrorcast exposes, on a registry of its own (never prom-client's global
 * one): the composition root builds one per process and passes it to whatever records into it.
 * Figures that live in the database or in Redis (films, model scores, queue depths) are read when
 * Prometheus scrapes, through the sources each process plugs in with `watch`.
 */

/** Films and snapshots stored; two cheap counts. */
export type CountsSource = () => Promise<{ films: number; snapshots: number }>;

/** The newest successful training run and its scores, nested as the metrics document nests them. */
export type ModelScoresSource = () => Promise<{ runId: number; scores: unknown } | undefined>;

/** Jobs of each kind by state (queued, running, failed). */
export type QueueDepthsSource = () => Promise<
  Record<string, { queued: number; running: number; failed: number }>
>;

export interface MetricSources {
  counts?: CountsSource;
  modelScores?: ModelScoresSource;
  queueDepths?: QueueDepthsSource;
}

export type JobOutcome = 'completed' | 'failed' | 'stopped';

export interface Metrics {
  readonly registry: Registry;
  readonly contentType: string;
  /** The whole exposition, as Prometheus scrapes it. */
  scrape(): Promise<string>;
  /** Adds (or replaces) where scrape-time figures come from. */
  watch(sources: MetricSources): void;
  httpRequest(request: { method: string; route: string; statusCode: number; seconds: number }): void;
  tmdbRequest(): void;
  tmdbRetry(): void;
  tmdbRateLimited(): void;
  tmdbFailure(): void;
  job(finished: { kind: string; outcome: JobOutcome; seconds: number }): void;
}

/** Seconds; from a cached answer to a slow PCA page. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds; a demo collection takes seconds, a full TMDB collection an hour or more. */
const JOB_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200];

/** Nested numbers as (model, metric) pairs: `{ rf: { cv_mae: { mean } } }` → rf, cv_mae_mean. */
export function flattenScores(scores: unknown): Array<{ model: string; metric: string; value: number }> {
  if (typeof scores !== 'object' || scores === null) return [];
  const flat: Array<{ model: string; metric: string; value: number }> = [];
  const visit = (model: string, path: string[], value: unknown) => {
    if (typeof value === 'number' && Number.isFinite(value)) {
      flat.push({ model, metric: path.join('_'), value });
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) visit(model, [...path, key], inner);
    }
  };
  for (const [model, value] of Object.entries(scores)) {
    if (typeof value === 'number' && Number.isFinite(value)) flat.push({ model, metric: 'value', value });
    else visit(model, [], value);
  }
  return flat;
}

/**
 * prom-client's gauges that end in `_total` break Prometheus's naming rule (only counters may), and
 * `promtool check metrics` rejects them; their per-type siblings (`nodejs_active_handles{type}`…)
 * carry the same figures.
 */
const MISNAMED_DEFAULT_METRICS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** CPU, memory, event loop, garbage collection, handles: the process's own health. */
function collectProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of MISNAMED_DEFAULT_METRICS) registry.removeSingleMetric(name);
}

/**
 * A fresh registry with every metric defined. `process` names the kind of process (web, worker,
 * scheduler) as a label on every series, so one dashboard tells them apart.
 */
export function createMetrics(options: { process: string; collectProcessMetrics?: boolean }): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ process: options.process });
  if (options.collectProcessMetrics !== false) collectProcessMetrics(registry);
  const sources: MetricSources = {};
  const registers = [registry];
  const sourceErrors = new Counter({
    name: 'horrorcast_metric_source_errors_total',
    help: 'Scrapes that could not read a figure (database or Redis unreachable); the figure is left out.',
    labelNames: ['source'] as const,
    registers,
  });
  /**
   * A failing source does not fail the whole scrape: its figures keep their last value (labelled
   * ones are left out) and the failure is counted.
   */
  async function read<T>(name: string, source: (() => Promise<T>) | undefined) {
    if (!source) return undefined;
    try {
      return await source();
    } catch {
      sourceErrors.inc({ source: name });
      return undefined;
    }
  }

  const httpRequests = new Counter({
    name: 'horrorcast_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers,
  });
  const httpDuration = new Histogram({
    name: 'horrorcast_http_request_duration_seconds',
    help: 'Time from receiving a request to sending its answer, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_BUCKETS,
    registers,
  });
  const tmdbRequests = new Counter({
    name: 'horrorcast_tmdb_requests_total',
    help: 'HTTP requests sent to TMDB, retries and hedged copies included.',
    registers,
  });
  const tmdbRetries = new Counter({
    name: 'horrorcast_tmdb_retries_total',
    help: 'TMDB requests sent again after a failed attempt.',
    registers,
  });
  const tmdbRateLimited = new Counter({
    name: 'horrorcast_tmdb_rate_limited_total',
    help: 'TMDB answers with HTTP 429 (too many requests).',
    registers,
  });
  const tmdbFailures = new Counter({
    name: 'horrorcast_tmdb_failures_total',
    help: 'TMDB requests that failed for good (every attempt used, or a final error).',
    registers,
  });
  const jobsFinished = new Counter({
    name: 'horrorcast_jobs_finished_total',
    help: 'Collections (ingest) and trainings (train) finished, by outcome.',
    labelNames: ['kind', 'outcome'] as const,
    registers,
  });
  const jobDuration = new Histogram({
    name: 'horrorcast_job_duration_seconds',
    help: 'How long collections (ingest) and trainings (train) ran, by outcome.',
    labelNames: ['kind', 'outcome'] as const,
    buckets: JOB_BUCKETS,
    registers,
  });
  for (const kind of ['ingest', 'train']) {
    for (const outcome of ['completed', 'failed', 'stopped']) jobsFinished.labels(kind, outcome).inc(0);
  }

  new Gauge({
    name: 'horrorcast_films',
    help: 'Films stored in the database.',
    registers,
    async collect() {
      const counts = await read('counts', sources.counts);
      if (counts) this.set(counts.films);
    },
  });
  new Gauge({
    name: 'horrorcast_snapshots',
    help: 'Popularity and rating snapshots stored in the database.',
    registers,
    async collect() {
      const counts = await read('counts', sources.counts);
      if (counts) this.set(counts.snapshots);
    },
  });
  new Gauge({
    name: 'horrorcast_model_run_id',
    help: 'Id of the newest successful training run, whose scores horrorcast_model_score shows.',
    registers,
    async collect() {
      this.reset();
      const newest = await read('model_scores', sources.modelScores);
      if (newest) this.set(newest.runId);
    },
  });
  new Gauge({
    name: 'horrorcast_model_score',
    help: 'Scores of the newest successful training run, by model and metric (cv_ metrics: 5-fold mean and std).',
    labelNames: ['model', 'metric'] as const,
    registers,
    async collect() {
      this.reset();
      const newest = await read('model_scores', sources.modelScores);
      for (const { model, metric, value } of flattenScores(newest?.scores))
        this.labels(model, metric).set(value);
    },
  });
  new Gauge({
    name: 'horrorcast_queue_jobs',
    help: 'Jobs waiting, running or failed, by kind and state.',
    labelNames: ['kind', 'state'] as const,
    registers,
    async collect() {
      this.reset();
      const depths = await read('queue_depths', sources.queueDepths);
      for (const [kind, states] of Object.entries(depths ?? {})) {
        for (const [state, count] of Object.entries(states)) this.labels(kind, state).set(count);
      }
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    scrape: () => registry.metrics(),
    watch(more) {
      Object.assign(sources, more);
    },
    httpRequest({ method, route, statusCode, seconds }) {
      const labels = { method, route, status_code: String(statusCode) };
      httpRequests.inc(labels);
      httpDuration.observe(labels, seconds);
    },
    tmdbRequest: () => tmdbRequests.inc(),
    tmdbRetry: () => tmdbRetries.inc(),
    tmdbRateLimited: () => tmdbRateLimited.inc(),
    tmdbFailure: () => tmdbFailures.inc(),
    job({ kind, outcome, seconds }) {
      jobsFinished.inc({ kind, outcome });
      jobDuration.observe({ kind, outcome }, seconds);
    },
  };
}
