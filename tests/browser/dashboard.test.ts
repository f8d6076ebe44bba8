import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/cli/commands/serve.js';
import type { AppContext } from '../../src/cli/context.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/config/logger.js';
import { setPredictedPopularity } from '../helpers/database-state.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { browserUnavailable, launchChromium } from './browser.js';

const xssTitle = '<img src=x onerror=alert(1)>';
const xssFilmId = 987_654_321;
const chartIds = [
  'chart-top-films',
  'chart-predicted-popularity',
  'chart-predicted-rating',
  'chart-feature-importance',
  'chart-actual-vs-predicted',
  'chart-confusion-matrix',
  'chart-roc-curve',
  'chart-pca-clusters',
  'chart-cluster-profiles',
];

/** What the tests read from Chart.js inside the page. */
interface PageCharts {
  Chart: {
    getChart(
      canvas: Element | null,
    ): { data: { labels?: unknown[]; datasets: Array<{ data: unknown[] }> } } | undefined;
  };
}

const unavailable = browserUnavailable();
const describeBrowser = unavailable && process.env.CI !== 'true' ? describe.skip : describe;
if (unavailable) {
  if (process.env.CI === 'true') {
    describe('dashboard in a browser', () => {
      it('needs chromium (CI=true)', () => {
        throw new Error(unavailable);
      });
    });
  } else {
    console.warn(`Skipping the browser tests: ${unavailable}.`);
  }
}

/** The embedded shape on its own SQLite file: demo catalogue (no TMDB key), a free port. */
async function startEmbedded(database: TestDatabase, bootstrap: boolean) {
  const config = loadConfig({
    DATABASE_URL: database.url,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'error',
    POLL_INTERVAL_MS: '60000',
    INGEST_START_YEAR: '2016',
    INGEST_END_YEAR: '2024',
    INGEST_MAX_PAGES_PER_YEAR: '3',
  });
  const logger = createLogger({ level: 'error' }, process.stderr);
  const context: AppContext = {
    config,
    logger,
    database: database.handle,
    stores: database.stores,
    close: async () => {},
  };
  return startServer(context, { embedded: true, bootstrap });
}

/** Console errors and uncaught exceptions of a page, and whether any dialog (alert) opened. */
function watch(page: Page) {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', async (dialog) => {
    problems.push(`dialog opened: ${dialog.message()}`);
    await dialog.dismiss();
  });
  return problems;
}

describeBrowser('dashboard in a browser', () => {
  let browser: Browser;
  let database: TestDatabase;
  let server: RunningServer;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    // A film whose title is markup, collected like any other: it must show as those characters.
    await database.stores.films.upsert([
      {
        tmdb_id: xssFilmId,
        title: xssTitle,
        original_language: 'en',
        release_date: '2019-10-31',
        popularity: 90,
        vote_count: 4000,
        vote_average: 7.9,
        runtime: 101,
        genres: ['Horror', 'Thriller'],
      },
    ]);
    server = await startEmbedded(database, true);
    await server.bootstrapped;
    const run = await database.stores.trainingRuns.latest();
    if (!run) throw new Error('expected a training run');
    expect(run.status).toBe('succeeded');
    // Put the film at the top of the predictions table, whatever the model thought of it.
    const [highest] = await database.stores.trainingRuns.topLinearPredictions(run.id, 1);
    if (!highest) throw new Error('expected linear predictions');
    await setPredictedPopularity(database.handle, run.id, xssFilmId, highest.predicted_popularity + 1);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await database?.drop();
  });

  it('shows all ten views with data, numeric metrics and no console errors', async () => {
    // Reduced motion turns chart animations off, so the screenshot shows finished charts.
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, reducedMotion: 'reduce' });
    const problems = watch(page);
    await page.goto(`${server.url}/`);
    await page.waitForFunction(
      (ids) =>
        ids.every((id) => {
          const chart = (globalThis as unknown as Partial<PageCharts>).Chart?.getChart(
            document.getElementById(id),
          );
          return chart?.data.datasets.some((d) => d.data.length > 0);
        }),
      chartIds,
    );

    const points = await page.evaluate(
      (ids) =>
        Object.fromEntries(
          ids.map((id) => {
            const chart = (globalThis as unknown as PageCharts).Chart.getChart(document.getElementById(id));
            return [id, chart?.data.datasets.reduce((n, d) => n + d.data.length, 0) ?? 0];
          }),
        ),
      chartIds,
    );
    expect(points['chart-top-films']).toBe(10);
    expect(points['chart-predicted-popularity']).toBe(40);
    expect(points['chart-feature-importance']).toBe(10);
    expect(points['chart-confusion-matrix']).toBe(4);
    for (const id of chartIds) expect(points[id], id).toBeGreaterThan(0);

    const rows = await page.locator('#predictions-table tbody tr').count();
    expect(rows).toBe(20);

    const metricIds = [
      'metric-films',
      'metric-linear-mae',
      'metric-linear-r2',
      'metric-rf-mae',
      'metric-rf-r2',
    ];
    for (const id of [...metricIds, 'metric-vote-mae', 'metric-auc']) {
      const text = (await page.locator(`#${id}`).textContent()) ?? '';
      expect(Number.isFinite(Number(text.replace(/[,\s]/g, ''))), `${id} = "${text}"`).toBe(true);
    }
    const accuracy = (await page.locator('#metric-accuracy').textContent()) ?? '';
    expect(accuracy).toMatch(/^\d+(\.\d+)?%$/);

    expect(await page.locator('#demo-banner').isVisible()).toBe(true);
    expect(await page.locator('#empty-state').isVisible()).toBe(false);
    expect(await page.locator('#status-collection').textContent()).toContain('succeeded');
    expect(await page.locator('#status-training').textContent()).toContain('succeeded');

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/dashboard.png', fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('renders a title made of markup as text', async () => {
    const page = await browser.newPage();
    const problems = watch(page);
    await page.goto(`${server.url}/`);
    const cell = page.locator('#predictions-table td.title').first();
    await cell.waitFor();
    expect(await cell.textContent()).toBe(xssTitle);
    expect(await page.locator('img').count()).toBe(0);
    const topFilms = await page.evaluate(
      () =>
        (globalThis as unknown as PageCharts).Chart.getChart(document.getElementById('chart-top-films'))?.data
          .labels?.[0],
    );
    expect(topFilms).toBe(xssTitle);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('serves the API documentation under the same content-security policy', async () => {
    const page = await browser.newPage();
    const problems = watch(page);
    await page.goto(`${server.url}/docs`);
    await page.locator('.swagger-ui .opblock').first().waitFor();
    expect(await page.locator('.swagger-ui .opblock').count()).toBeGreaterThan(10);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('predicts a film that does not exist yet from the What if? form', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, reducedMotion: 'reduce' });
    const problems = watch(page);
    await page.goto(`${server.url}/`);
    const form = page.locator('#what-if-form');
    await form.locator('input[name="runtime"]').fill('104');
    await form.locator('input[name="vote_count"]').fill('1200');
    await form.locator('input[name="release_date"]').fill('2025-10-31');
    await form.locator('select[name="original_language"]').selectOption('ja');
    await form.locator('input[value="Thriller"]').uncheck();
    await form.locator('input[value="Mystery"]').check();
    await form.locator('input[value="Science Fiction"]').check();
    const answer = page.waitForResponse((response) => response.url().endsWith('/api/predict'));
    await form.locator('button[type="submit"]').click();
    expect((await answer).status()).toBe(200);

    const popularity = page.locator('#what-if-popularity');
    await expect.poll(() => popularity.textContent()).not.toBe('—');
    const value = Number(((await popularity.textContent()) ?? '').replace(/[,\s]/g, ''));
    expect(Number.isFinite(value), `popularity = ${value}`).toBe(true);
    expect(await page.locator('#what-if-rating').textContent()).toMatch(/^\d+%$/);
    expect(await page.locator('#what-if-cluster').textContent()).toMatch(/^Cluster \d+$/);
    expect(await page.locator('[data-view="what-if"] .swatch').isVisible()).toBe(true);
    expect(await page.locator('.what-if-note').textContent()).toMatch(/training run #\d+/);

    mkdirSync('test-results', { recursive: true });
    await page.locator('[data-view="what-if"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-results/what-if.png' });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('says what to run when the database is empty', async () => {
    const empty = await createTestDatabase('sqlite');
    const idle = await startEmbedded(empty, false);
    const page = await browser.newPage();
    const problems = watch(page);
    try {
      await page.goto(`${idle.url}/`);
      await page.locator('#empty-state').waitFor({ state: 'visible' });
      expect(await page.locator('#empty-hint').textContent()).toContain('horrorcast ingest');
      expect(await page.locator('[data-view="top-films"] .card-empty').textContent()).toContain(
        'horrorcast ingest',
      );
      expect(await page.locator('#predictions-table tbody tr').count()).toBe(0);
      await page.locator('#what-if-form button[type="submit"]').click();
      await expect.poll(() => page.locator('.what-if-note').textContent()).toContain('horrorcast train');
      expect(await page.locator('#what-if-popularity').textContent()).toBe('—');
      // The 409 of /api/predict is the answer shown in the card, and the browser logs it as a failed load.
      expect(problems.filter((p) => !p.includes('status of 409'))).toEqual([]);
    } finally {
      await page.close();
      await idle.close();
      await empty.drop();
    }
  });
});
