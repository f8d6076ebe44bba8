import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/cli/commands/serve.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/config/logger.js';
import { createWiring } from '../../src/wiring.js';
import { setPredictedPopularity } from '../helpers/database-state.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { browserUnavailable, launchChromium } from './browser.js';
import { chartIds, hoverChart, type PageCharts, tooltipOpacity, waitForCharts } from './charts.js';

const xssTitle = '<img src=x onerror=alert(1)>';
const xssFilmId = 987_654_321;
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
  const wiring = createWiring({ config, logger, database: database.handle });
  return startServer(wiring, { embedded: true, bootstrap });
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
    await waitForCharts(page);

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

  it('shows a tooltip on every chart, with animations on, and again after a refresh', async () => {
    // Animations on: hovering starts colour and tooltip animations in Chart.js's shared loop.
    const page = await browser.newPage({
      viewport: { width: 1440, height: 900 },
      reducedMotion: 'no-preference',
    });
    const problems = watch(page);
    await page.goto(`${server.url}/`);
    await waitForCharts(page);
    for (const id of chartIds) {
      await hoverChart(page, id);
      await expect.poll(() => tooltipOpacity(page, id), { message: id }).toBe(1);
    }

    // The refresh updates the top-10 chart in place; its tooltip must still fade in and out.
    await page.mouse.move(1, 1);
    await expect.poll(() => tooltipOpacity(page, 'chart-top-films')).toBeNull();
    const refreshed = page.waitForResponse((response) => response.url().endsWith('/api/summary'));
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await refreshed;
    await hoverChart(page, 'chart-top-films');
    await expect.poll(() => tooltipOpacity(page, 'chart-top-films')).toBe(1);

    mkdirSync('test-results', { recursive: true });
    await page.locator('[data-view="top-films"]').screenshot({ path: 'test-results/tooltip.png' });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('says what high means, how much variance the PCA keeps, and names the clusters alike everywhere', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, reducedMotion: 'reduce' });
    const problems = watch(page);
    await page.goto(`${server.url}/`);
    await waitForCharts(page);
    const classification = await (await page.request.get(`${server.url}/api/horror/classification`)).json();
    const pca = await (await page.request.get(`${server.url}/api/horror/clustering/pca?limit=1`)).json();
    const percentOf = (share: number) => `${Math.round(share * 100)}%`;

    const confusionCaption = page.locator('[data-view="confusion-matrix"] .card-caption');
    expect(await confusionCaption.textContent()).toContain(
      `above ${classification.result.threshold.toFixed(2)}, the median`,
    );
    expect(pca.explained_variance).toHaveLength(2);
    const [pc1, pc2] = pca.explained_variance as number[];
    expect(await page.locator('[data-view="pca-clusters"] .card-caption').textContent()).toContain(
      `keep ${percentOf(pc1 + pc2)} of the films’ spread`,
    );

    const shown = await page.evaluate(() => {
      const chart = (id: string) =>
        (globalThis as unknown as PageCharts).Chart.getChart(document.getElementById(id));
      const pcaChart = chart('chart-pca-clusters');
      return {
        axes: [pcaChart?.options.scales.x.title?.text, pcaChart?.options.scales.y.title?.text],
        legend: pcaChart?.data.datasets.map((d) => d.label ?? '') ?? [],
        profiles: (chart('chart-cluster-profiles')?.data.labels ?? []) as string[][],
      };
    });
    expect(shown.axes).toEqual([
      `PC1 · ${percentOf(pc1)} of the variance`,
      `PC2 · ${percentOf(pc2)} of the variance`,
    ]);
    // "Cluster 1 · few votes, popular (88)" in the legend; ["Cluster 1", "few votes", "popular", "88 films"] on the axis.
    expect(shown.legend.length).toBeGreaterThan(1);
    for (const label of shown.legend) expect(label).toMatch(/^Cluster \d+ · [a-z, -]+ \(\d+\)$/);
    const fromProfiles = shown.profiles.map(
      (lines) => `${lines[0]} · ${lines.slice(1, -1).join(', ')} (${lines.at(-1)?.replace(' films', '')})`,
    );
    expect(fromProfiles).toEqual(shown.legend);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('names a cluster after the averages that set it apart from all films', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    // Overall averages of the three clusters: runtime 100, rating 6, votes 200, popularity 10.
    const profiles = [
      [0, 120, 6.6, 100, 10.2],
      [1, 80, 5.4, 300, 9.8],
      [2, 100, 6, 200, 10],
    ].map(([cluster, runtime, rating, votes, popularity]) => ({
      cluster,
      film_count: 10,
      avg_runtime: runtime,
      avg_vote_average: rating,
      avg_vote_count: votes,
      avg_popularity: popularity,
    }));
    // A string, so that the test runner leaves the page's own dynamic import alone.
    const names = await page.evaluate(
      `import('/js/charts/cluster-names.js').then(({ clusterNames }) => [...clusterNames(${JSON.stringify(profiles)})])`,
    );
    expect(names).toEqual([
      [0, 'long, well-rated, few votes'],
      [1, 'short, poorly rated, many votes'],
      [2, 'typical'],
    ]);
    await page.close();
  });

  it('fits a 390 px wide phone: nothing wider than the screen, every table column in view', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, reducedMotion: 'reduce' });
    const problems = watch(page);
    await page.goto(`${server.url}/`);
    await waitForCharts(page);
    await page.locator('#predictions-table tbody tr').first().waitFor();

    const widths = await page.evaluate(() => {
      const wrap = document.querySelector('[data-view="predictions-table"] .table-wrap');
      return {
        page: document.documentElement.scrollWidth,
        viewport: document.documentElement.clientWidth,
        table: wrap?.scrollWidth ?? Number.POSITIVE_INFINITY,
        tableBox: wrap?.clientWidth ?? 0,
      };
    });
    expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    // Each film's numbers reflow under its title: no column is hidden behind a horizontal scroll.
    expect(widths.table).toBeLessThanOrEqual(widths.tableBox);
    const lastColumn = await page
      .locator('#predictions-table tbody tr')
      .first()
      .locator('td')
      .last()
      .boundingBox();
    expect(lastColumn && lastColumn.x + lastColumn.width).toBeLessThanOrEqual(widths.viewport);

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/dashboard-390.png', fullPage: true });
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
    await form.locator('input[name="budget"]').fill('2500000');
    await form.locator('input[name="sequel"]').check();
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
