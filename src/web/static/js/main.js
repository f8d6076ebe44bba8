import { fetchJson } from './api.js';
import { createActualVsPredictedChart } from './charts/actual-vs-predicted.js';
import { createClusterProfilesChart } from './charts/cluster-profiles.js';
import { createConfusionMatrixChart } from './charts/confusion-matrix.js';
import { createFeatureImportanceChart } from './charts/feature-importance.js';
import { createPcaClustersChart } from './charts/pca-clusters.js';
import { createPredictedPopularityChart, createPredictedRatingChart } from './charts/predicted-lines.js';
import { createRocCurveChart } from './charts/roc-curve.js';
import { loadChartLibrary } from './charts/theme.js';
import { createTopFilmsChart } from './charts/top-films.js';
import { createFilmPage } from './film-page.js';
import { createPredictionsTable } from './predictions-table.js';
import { createRouter } from './router.js';
import { createSearchBox } from './search-box.js';
import { createExplorer } from './sections/explorer.js';
import { createModelHistory } from './sections/model-history.js';
import { createMovers } from './sections/movers.js';
import { createReleaseMonths } from './sections/release-months.js';
import { createUnderOverRated } from './sections/under-over-rated.js';
import { renderError, renderRefreshed, renderStatus } from './status.js';
import { createWhatIf } from './what-if.js';

const DEFAULT_INTERVAL_MS = 30_000;
/** While a collection or training runs, results are minutes away at most: look more often. */
const BUSY_INTERVAL_MS = 3_000;

function isBusy(status) {
  return status?.last_collection?.status === 'running' || status?.last_training?.status === 'running';
}

function card(view) {
  return document.querySelector(`[data-view="${view}"]`);
}

function createViews(Chart) {
  return {
    topFilms: createTopFilmsChart(card('top-films'), Chart),
    predictedPopularity: createPredictedPopularityChart(card('predicted-popularity'), Chart),
    predictedRating: createPredictedRatingChart(card('predicted-rating'), Chart),
    predictionsTable: createPredictionsTable(card('predictions-table')),
    featureImportance: createFeatureImportanceChart(card('feature-importance'), Chart),
    actualVsPredicted: createActualVsPredictedChart(card('actual-vs-predicted'), Chart),
    confusionMatrix: createConfusionMatrixChart(card('confusion-matrix'), Chart),
    rocCurve: createRocCurveChart(card('roc-curve'), Chart),
    pcaClusters: createPcaClustersChart(card('pca-clusters'), Chart),
    clusterProfiles: createClusterProfilesChart(card('cluster-profiles'), Chart),
    explorer: createExplorer(card('explorer')),
    underOverRated: createUnderOverRated(card('under-over-rated')),
    movers: createMovers(card('movers')),
    releaseMonths: createReleaseMonths(card('release-months'), Chart),
    modelHistory: createModelHistory(card('model-history'), Chart),
  };
}

/** null when the answer has items, else the server's hint (or a generic one) for the empty state. */
function emptyMessage(answer) {
  if (answer.items ? answer.items.length > 0 : answer.result) return null;
  return answer.hint ?? 'No data yet.';
}

/**
 * The model's results only change with a new training run: they are fetched again only when
 * /api/status reports a different run, while films and status are fetched on every tick. The
 * insight sections follow the collections and runs the same way; each shows its own failure, so
 * one missing answer leaves the rest of the dashboard working.
 */
function createDashboard(views) {
  let shownRunId;
  let shownCollectionId;

  function refreshInsights(status) {
    const collectionId = status.last_collection?.id ?? null;
    const runId = status.model?.run_id ?? null;
    const collected = collectionId !== shownCollectionId;
    const trained = runId !== shownRunId;
    shownCollectionId = collectionId;
    return Promise.all([
      collected || trained ? views.explorer.refresh() : null,
      collected || trained ? views.underOverRated.refresh() : null,
      collected ? views.movers.refresh() : null,
      collected ? views.releaseMonths.refresh() : null,
      trained ? views.modelHistory.refresh() : null,
    ]);
  }

  async function refreshModel(status) {
    const runId = status.model?.run_id ?? null;
    if (runId === shownRunId) return;
    const [predictions, features, regression, classification, pca, profiles] = await Promise.all([
      fetchJson('/api/predictions'),
      fetchJson('/api/horror/regression/features?limit=10'),
      fetchJson('/api/horror/regression/predictions?set=test&limit=10000'),
      fetchJson('/api/horror/classification'),
      fetchJson('/api/horror/clustering/pca?limit=10000'),
      fetchJson('/api/horror/clustering/profiles'),
    ]);
    views.predictedPopularity.update(predictions, emptyMessage(predictions));
    views.predictedRating.update(predictions, emptyMessage(predictions));
    views.predictionsTable.update(predictions, emptyMessage(predictions));
    views.featureImportance.update(features, emptyMessage(features));
    views.actualVsPredicted.update(regression, emptyMessage(regression));
    views.confusionMatrix.update(classification, emptyMessage(classification));
    views.rocCurve.update(classification, emptyMessage(classification));
    views.pcaClusters.update({ pca, profiles }, emptyMessage(pca));
    views.clusterProfiles.update(profiles, emptyMessage(profiles));
    shownRunId = runId;
  }

  return async function refresh() {
    const [status, summary] = await Promise.all([fetchJson('/api/status'), fetchJson('/api/summary')]);
    renderStatus(status);
    views.topFilms.update(summary, emptyMessage(summary));
    await refreshInsights(status);
    await refreshModel(status);
    return status;
  };
}

async function start() {
  const config = await fetchJson('/api/config').catch(() => ({ poll_interval_ms: DEFAULT_INTERVAL_MS }));
  const intervalMs = config.poll_interval_ms;
  const Chart = loadChartLibrary();
  for (const form of document.querySelectorAll('form[data-search]')) createSearchBox(form);
  createRouter({
    dashboard: document.getElementById('dashboard-view'),
    filmView: document.getElementById('film-view'),
    filmPage: createFilmPage(document.getElementById('film-view'), Chart, { createSearchBox }),
  });
  const refresh = createDashboard(createViews(Chart));
  createWhatIf(card('what-if'));
  let timer;

  async function tick() {
    clearTimeout(timer);
    let delay = intervalMs;
    try {
      const status = await refresh();
      if (isBusy(status)) delay = Math.min(intervalMs, BUSY_INTERVAL_MS);
      renderError(null);
      renderRefreshed(new Date(), intervalMs);
    } catch (error) {
      renderError(error instanceof Error ? error.message : String(error));
    }
    timer = setTimeout(tick, delay);
  }

  // A tab in the background does not poll; coming back refreshes at once.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') clearTimeout(timer);
    else tick();
  });
  await tick();
}

start();
