import { mkdirSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/cli/commands/serve.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/config/logger.js';
import type { Movie } from '../../src/persistence/index.js';
import { createWiring } from '../../src/wiring.js';
import { deleteFilm, setPredictedPopularity } from '../helpers/database-state.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { browserUnavailable, launchChromium } from './browser.js';
import { chartIds, hoverChart, type PageCharts, tooltipOpacity, waitForCharts } from './charts.js';

const xssTitle = '<img src=x onerror=alert(1)>';
const xssFilmId = 987_654_321;
const onePixelPng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);
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

/** Waits until a list shows its first film or its empty line. */
async function listShown(page: Page, list: string): Promise<void> {
  await page
    .locator(`${list} :is(tbody tr, li)`)
    .first()
    .or(page.locator(`${list} .list-empty:not([hidden])`))
    .first()
    .waitFor();
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
  let films: Movie[];

  /** A new page whose posters come from a one-pixel image instead of TMDB (there is no outside network here). */
  async function openPage(options: Parameters<Browser['newPage']>[0] = {}) {
    const page = await browser.newPage(options);
    await page.route('https://image.tmdb.org/**', (route) =>
      route.fulfill({ status: 200, contentType: 'image/png', body: onePixelPng }),
    );
    return page;
  }

  /** A CSV link's file, downloaded by a click, parsed into records. */
  async function downloadCsv(link: Locator): Promise<string[][]> {
    const [download] = await Promise.all([link.page().waitForEvent('download'), link.click()]);
    return parse(readFileSync(await download.path(), 'utf8'), { bom: true }) as string[][];
  }

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
    films = await database.stores.films.all();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await database?.drop();
  });

  it('shows all ten views with data, numeric metrics and no console errors', async () => {
    // Reduced motion turns chart animations off, so the screenshot shows finished charts.
    const page = await openPage({ viewport: { width: 1440, height: 900 }, reducedMotion: 'reduce' });
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

    // Each R² the history answer flags is marked on its line (shown first: R²).
    const history = await page.evaluate(() =>
      fetch('/api/insights/model-history').then((response) => response.json()),
    );
    const flagged = (history.runs as Array<{ flagged: Array<{ metric: string }> }>)
      .flatMap((run) => run.flagged)
      .filter((alert) => alert.metric.endsWith('_r2')).length;
    const marks = await page.evaluate(() => {
      const chart = (globalThis as unknown as PageCharts).Chart.getChart(
        document.getElementById('chart-model-history'),
      ) as unknown as { data: { datasets: Array<{ pointStyle?: unknown }> } };
      return chart.data.datasets
        .flatMap((d) => (Array.isArray(d.pointStyle) ? d.pointStyle : []))
        .filter((style) => style === 'crossRot' || style === 'triangle').length;
    });
    expect(marks).toBe(flagged);
    if (flagged > 0) {
      expect(await page.locator('[data-view="model-history"] .card-caption').textContent()).toMatch(
        /^Outside/,
      );
    }

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
    const page = await openPage({
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

    // A film page's chart shares the same animation loop.
    await page.goto(`${server.url}/#/film/${films[0].tmdb_id}`);
    await waitForCharts(page, ['chart-film-history']);
    await hoverChart(page, 'chart-film-history');
    await expect.poll(() => tooltipOpacity(page, 'chart-film-history')).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('says what high means, how much variance the PCA keeps, and names the clusters alike everywhere', async () => {
    const page = await openPage({ viewport: { width: 1440, height: 900 }, reducedMotion: 'reduce' });
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
    const page = await openPage();
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
    const page = await openPage({ viewport: { width: 390, height: 844 }, reducedMotion: 'reduce' });
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
    // The film lists reflow the same way.
    await page.locator('#explorer-table tbody tr').first().waitFor();
    await listShown(page, '[data-list="under"]');
    const overflowing = await page.evaluate(() =>
      Array.from(document.querySelectorAll('.table-wrap'))
        .filter((wrap) => wrap.scrollWidth > wrap.clientWidth)
        .map((wrap) => wrap.closest('[data-view]')?.getAttribute('data-view')),
    );
    expect(overflowing).toEqual([]);

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/dashboard-390.png', fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('renders a title made of markup as text', async () => {
    const page = await openPage();
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
    // Its own page, reached from its link, shows the same characters as its title.
    await page.locator('#predictions-table td.title a').first().click();
    await expect.poll(() => page.locator('#film-view .film-title').textContent()).toBe(xssTitle);
    expect(await page.locator('#film-view .poster-missing').count()).toBe(1);
    expect(await page.locator('img').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('serves the API documentation under the same content-security policy', async () => {
    const page = await openPage();
    const problems = watch(page);
    await page.goto(`${server.url}/docs`);
    await page.locator('.swagger-ui .opblock').first().waitFor();
    expect(await page.locator('.swagger-ui .opblock').count()).toBeGreaterThan(10);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('predicts a film that does not exist yet from the What if? form', async () => {
    const page = await openPage({ viewport: { width: 1440, height: 900 }, reducedMotion: 'reduce' });
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

  it('finds a film by its title and opens its page: facts, trend chart, predictions, similar films', async () => {
    const page = await openPage({ viewport: { width: 1440, height: 900 }, reducedMotion: 'reduce' });
    const problems = watch(page);
    await page.goto(`${server.url}/`);
    // A title few others contain, so that it is among the eight suggestions.
    const containing = (title: string) =>
      films.filter((other) => other.title.toLowerCase().includes(title.toLowerCase())).length;
    const film = films.find(
      (candidate) => candidate.tmdb_id !== xssFilmId && containing(candidate.title) <= 3,
    );
    if (!film) throw new Error('the demo catalogue has no film to search for');

    const search = page.locator('#header-search-input');
    await search.click();
    await page.keyboard.type(film.title);
    const options = page.locator('#header-search-suggestions [role="option"]');
    // Suggestions follow the typing: wait for those of the whole title.
    await expect.poll(() => options.locator('.search-title').allTextContents()).toContain(film.title);
    expect(await options.count()).toBeGreaterThan(0);
    expect(await options.count()).toBeLessThanOrEqual(8);
    const titles = await options.locator('.search-title').allTextContents();
    const wanted = titles.indexOf(film.title);
    expect(wanted, `${film.title} among ${titles.join(', ')}`).toBeGreaterThanOrEqual(0);
    for (let step = 0; step <= wanted; step += 1) await page.keyboard.press('ArrowDown');
    expect(await search.getAttribute('aria-activedescendant')).toBe(`header-search-suggestions-${wanted}`);
    await page.keyboard.press('Enter');

    await page.waitForURL(`**/#/film/${film.tmdb_id}`);
    const title = page.locator('#film-view .film-title');
    await expect.poll(() => title.textContent()).toBe(film.title);
    expect(await page.locator('#dashboard-view').isHidden()).toBe(true);
    await waitForCharts(page, ['chart-film-history']);
    const answer = await (await page.request.get(`${server.url}/api/movies/${film.tmdb_id}`)).json();
    const plotted = await page.evaluate(() =>
      (globalThis as unknown as PageCharts).Chart.getChart(
        document.getElementById('chart-film-history'),
      )?.data.datasets.map((d) => [d.label, d.data.length]),
    );
    const snapshotCount = answer.snapshots.length;
    expect(plotted).toEqual([
      ['Popularity', snapshotCount],
      ['Votes', snapshotCount],
      ['Rating', snapshotCount],
    ]);
    await hoverChart(page, 'chart-film-history');
    await expect.poll(() => tooltipOpacity(page, 'chart-film-history')).toBe(1);

    const facts = await page.locator('.film-facts dt').allTextContents();
    expect(facts).toEqual(expect.arrayContaining(['Release', 'Genres', 'Language']));
    const poster = page.locator('#film-view img.poster');
    if (answer.movie.poster_path) {
      await expect.poll(() => poster.evaluate((image: HTMLImageElement) => image.naturalWidth)).toBe(1);
      expect(await poster.getAttribute('src')).toBe(
        `https://image.tmdb.org/t/p/w342${answer.movie.poster_path}`,
      );
    } else {
      await page.locator('.poster-missing').waitFor();
    }
    // One row per model prediction in the answer (the linear pair when it has no other), or the empty line.
    const predictions = page.locator('[data-view="film-predictions"] tbody tr');
    const predictionCount = answer.predictions?.length || (answer.prediction ? 2 : 0);
    expect(await predictions.count()).toBe(predictionCount);
    expect(await page.locator('[data-view="film-predictions"] .list-empty').isVisible()).toBe(
      predictionCount === 0,
    );
    const similar = page.locator('.similar-list li');
    expect(await similar.count()).toBe(10);
    const similarLinks = await similar
      .locator('a')
      .evaluateAll((links) => links.map((link) => link.getAttribute('href')));
    for (const href of similarLinks) expect(href).toMatch(/^#\/film\/\d+$/);
    expect(await similar.locator('.similar-reason').first().textContent()).not.toBe('');

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/film.png', fullPage: true });

    // The address is the film's own: a reload shows the same page, a similar film's link the next one.
    await page.reload();
    await expect.poll(() => title.textContent()).toBe(film.title);
    const next = similar.first().locator('a');
    const nextTitle = await next.textContent();
    await next.click();
    await expect.poll(() => title.textContent()).toBe(nextTitle);
    // Back to the dashboard by the header's section links.
    await page.locator('.section-nav a[href="#explorer"]').click();
    await page.locator('#dashboard-view').waitFor({ state: 'visible' });
    expect(await page.locator('#explorer').isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows a film page that fits a 390 px phone', async () => {
    const page = await openPage({ viewport: { width: 390, height: 844 }, reducedMotion: 'reduce' });
    const problems = watch(page);
    // A poster that cannot load leaves a placeholder of the same size.
    await page.route('https://image.tmdb.org/**', (route) => route.abort());
    const film = films.find((candidate) => candidate.tmdb_id !== xssFilmId) ?? films[0];
    await page.goto(`${server.url}/#/film/${film.tmdb_id}`);
    await waitForCharts(page, ['chart-film-history']);
    await page.locator('.similar-list li').first().waitFor();
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      viewport: document.documentElement.clientWidth,
      tables: Array.from(document.querySelectorAll('.table-wrap')).map(
        (wrap) => wrap.scrollWidth - wrap.clientWidth,
      ),
    }));
    expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    for (const overflow of widths.tables) expect(overflow).toBeLessThanOrEqual(0);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/film-390.png', fullPage: true });
    if (film.poster_path) {
      await page.locator('.poster-missing').waitFor();
      expect(await page.locator('#film-view img').count()).toBe(0);
    }
    // The browser logs the refused poster as a failed load; the placeholder is the answer to it.
    expect(problems.filter((p) => !p.includes('net::ERR_FAILED'))).toEqual([]);
    await page.close();
  });

  it('answers an unknown film id with a not-found page that can search', async () => {
    const page = await openPage();
    const problems = watch(page);
    await page.goto(`${server.url}/#/film/999999999`);
    const missing = page.locator('.film-missing');
    await missing.waitFor();
    expect(await missing.locator('h1').textContent()).toBe('Film not found');
    const input = missing.locator('input[role="combobox"]');
    await expect.poll(() => input.evaluate((element) => element === document.activeElement)).toBe(true);
    await input.fill('zzzz-no-such-film');
    await expect.poll(() => missing.locator('.search-none').textContent()).toContain('No film matches');
    await input.fill(films[0].title);
    await missing.locator('[role="option"]').first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('#film-view .film-title').waitFor();
    // The browser logs the film's 404 as a failed load; it is the answer this page shows.
    expect(problems.filter((p) => !p.includes('status of 404'))).toEqual([]);
    await page.close();
  });

  it('links every title to its film page and downloads each list as CSV that parses', async () => {
    const page = await openPage({
      viewport: { width: 1440, height: 900 },
      reducedMotion: 'reduce',
      acceptDownloads: true,
    });
    const problems = watch(page);
    await page.goto(`${server.url}/`);
    await waitForCharts(page);
    await page.locator('#explorer-table tbody tr').first().waitFor();
    for (const list of ['[data-list="under"]', '[data-list="over"]', '[data-list="risers"]']) {
      await listShown(page, list);
    }

    const unlinked = await page.evaluate(
      () =>
        Array.from(
          document.querySelectorAll(
            '#predictions-table td.title, #explorer-table td.title, .residual-table td.title, .mover-film',
          ),
        ).filter((cell) => !cell.querySelector('a[href^="#/film/"]')).length,
    );
    expect(unlinked).toBe(0);
    expect(await page.locator('[data-view="top-films"] .chart-links a[href^="#/film/"]').count()).toBe(10);
    // A bar of the top 10 opens its film; the click lands only where the chart is on screen.
    await page.locator('#chart-top-films').scrollIntoViewIfNeeded();
    const top = await page.evaluate(() => {
      const chart = (globalThis as unknown as PageCharts).Chart.getChart(
        document.getElementById('chart-top-films'),
      );
      const bar = chart?.getDatasetMeta(0).data[1].getCenterPoint(true);
      return { bar, title: chart?.data.labels?.[1] };
    });
    const canvasBox = await page.locator('#chart-top-films').boundingBox();
    if (!top.bar || !canvasBox) throw new Error('the top-10 chart has no second bar');
    await page.mouse.click(canvasBox.x + top.bar.x, canvasBox.y + top.bar.y);
    await expect.poll(() => page.locator('#film-view .film-title').textContent()).toBe(top.title);
    await page.goBack();
    await page.locator('#dashboard-view').waitFor({ state: 'visible' });

    // Sorting by title, ascending: the table and its CSV link follow.
    await page.locator('#explorer-table th[data-sort="title"] button').click();
    await expect
      .poll(() => page.locator('#explorer-table th[data-sort="title"]').getAttribute('aria-sort'))
      .toBe('ascending');
    const explorer = page.locator('[data-view="explorer"]');
    await expect.poll(() => explorer.getAttribute('aria-busy')).toBeNull();
    const shownTitles = await page.locator('#explorer-table td.title').allTextContents();
    const byTitle = await page.evaluate(() =>
      fetch('/api/movies?sort=title&order=asc&limit=25&offset=0').then((response) => response.json()),
    );
    expect(shownTitles).toEqual(byTitle.items.map((item: { title: string }) => item.title));
    expect(await explorer.locator('.csv-link').getAttribute('href')).toContain('sort=title&order=asc');

    for (const selector of [
      '[data-view="explorer"] .csv-link',
      '[data-list="under"] .csv-link',
      '[data-list="risers"] .csv-link',
      '[data-view="release-months"] .csv-link',
    ]) {
      const link = page.locator(selector);
      const href = (await link.getAttribute('href')) ?? '';
      expect(href, selector).toContain('format=csv');
      expect(await link.getAttribute('download'), selector).toMatch(/\.csv$/);
      const records = await downloadCsv(link);
      // A header row, and a row per film when the list on screen has any.
      const shown = await page.locator(`${selector.replace(' .csv-link', '')} :is(tbody tr, li)`).count();
      expect(records.length, selector).toBeGreaterThan(shown > 0 ? 1 : 0);
      const width = records[0].length;
      expect(width, selector).toBeGreaterThan(1);
      for (const record of records) expect(record).toHaveLength(width);
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it('reaches the guide from the header, and every "?" points at a section of it', async () => {
    const page = await openPage();
    const problems = watch(page);
    await page.goto(`${server.url}/`);
    const helpLinks = (view: string) =>
      page.locator(`${view} a.help`).evaluateAll((links) => links.map((link) => link.getAttribute('href')));
    const dashboardHelp = await helpLinks('#dashboard-view');
    expect(dashboardHelp.length).toBe(15);
    await page.goto(`${server.url}/#/film/${films[0].tmdb_id}`);
    await page.locator('#film-view .film-title').waitFor();
    const filmHelp = await helpLinks('#film-view');
    expect(filmHelp.length).toBe(3);
    const helpTargets = [...dashboardHelp, ...filmHelp];
    await page.goto(`${server.url}/`);
    await page.locator('.section-nav a[href="/guide"]').click();
    await page.waitForURL('**/guide');
    await page.locator('.guide-text h2').first().waitFor();
    const ids = await page.locator('.guide-text [id]').evaluateAll((headings) => headings.map((h) => h.id));
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/guide.png' });
    for (const target of new Set(helpTargets)) {
      expect(target).toMatch(/^\/guide#/);
      expect(ids, String(target)).toContain(String(target).slice('/guide#'.length));
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows "no votes yet" for a film nobody has voted on: film page, trend chart and explorer', async () => {
    const unvoted = {
      tmdb_id: 990_001,
      title: 'The Unwatched Reel',
      original_language: 'en',
      release_date: '2026-10-30',
      popularity: 0.6,
      vote_count: 0,
      vote_average: null,
      genres: ['Horror'],
    };
    // Written as a collection would, with a run of its own: the title search follows the newest run.
    const { collectionRuns, films: filmStore } = database.stores;
    const runId = await collectionRuns.start({ source: 'demo' });
    await filmStore.upsert([unvoted]);
    await filmStore.insertSnapshots(
      ['2026-10-20T00:00:00.000Z', '2026-10-27T00:00:00.000Z'].map((snapshot_ts, i) => ({
        tmdb_id: unvoted.tmdb_id,
        ingest_run_id: i === 0 ? null : runId,
        snapshot_ts,
        popularity: 0.6,
        vote_count: 0,
        vote_average: null,
      })),
    );
    await collectionRuns.update(runId, {
      status: 'succeeded',
      finished_at: new Date().toISOString(),
      new_films: 1,
      snapshots: 1,
    });
    const page = await openPage({ viewport: { width: 1440, height: 900 }, reducedMotion: 'reduce' });
    const problems = watch(page);
    try {
      await page.goto(`${server.url}/#/film/${unvoted.tmdb_id}`);
      await waitForCharts(page, ['chart-film-history']);
      const figures = await page
        .locator('.film-figures > div')
        .evaluateAll((rows) =>
          rows.map((row) => [row.querySelector('dt')?.textContent, row.querySelector('dd')?.textContent]),
        );
      expect(figures).toContainEqual(['Rating', 'no votes yet']);
      const ratings = await page.evaluate(
        () =>
          (globalThis as unknown as PageCharts).Chart.getChart(
            document.getElementById('chart-film-history'),
          )?.data.datasets.find((dataset) => dataset.label === 'Rating')?.data,
      );
      // No rating is drawn: the line has gaps where a 0 would have been.
      expect(ratings).toEqual([null, null]);

      await page.goto(`${server.url}/#explorer`);
      const form = page.locator('[data-filters="explorer"]');
      await form.locator('input[name="q"]').fill(unvoted.title);
      await form.locator('button[type="submit"]').click();
      const rows = page.locator('#explorer-table tbody tr');
      await expect.poll(() => rows.locator('td.title').allTextContents()).toEqual([unvoted.title]);
      const rating = rows.first().locator('td').nth(4);
      expect(await rating.textContent()).toBe('—');
      expect(await rating.getAttribute('title')).toBe('no votes yet');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      await deleteFilm(database.handle, unvoted.tmdb_id);
    }
  });

  it('says what to run when the database is empty', async () => {
    const empty = await createTestDatabase('sqlite');
    const idle = await startEmbedded(empty, false);
    const page = await openPage();
    const problems = watch(page);
    try {
      await page.goto(`${idle.url}/`);
      await page.locator('#empty-state').waitFor({ state: 'visible' });
      expect(await page.locator('#empty-hint').textContent()).toContain('horrorcast ingest');
      expect(await page.locator('[data-view="top-films"] .card-empty').textContent()).toContain(
        'horrorcast ingest',
      );
      expect(await page.locator('#predictions-table tbody tr').count()).toBe(0);
      await expect
        .poll(() => page.locator('[data-view="explorer"] .list-empty').textContent())
        .toContain('horrorcast ingest');
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
