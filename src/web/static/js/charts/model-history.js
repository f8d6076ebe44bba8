import { fixed } from '../format.js';
import { modelName } from '../model-names.js';
import { axisTitle, palette } from './theme.js';

const lineColours = [
  palette.accent,
  palette.teal,
  palette.warn,
  palette.violet,
  palette.good,
  '#e06bd0',
  '#7aa2f7',
  '#c0caf5',
];

/**
 * Scores on one scale share a chart: R² of every regression, their mean absolute errors, or the
 * classifier's AUC and accuracy. A metric's name is its model's name and the score's:
 * "popularity_v2_r2", "rf_classification_auc".
 */
export const metricKinds = {
  r2: { suffixes: ['_r2'], axis: 'R² (higher is better)' },
  mae: { suffixes: ['_mae'], axis: 'Mean absolute error (lower is better)' },
  classifier: { suffixes: ['_auc', '_accuracy'], axis: 'AUC and accuracy (higher is better)' },
};

const scoreNames = { _r2: 'R²', _mae: 'MAE', _auc: 'AUC', _accuracy: 'accuracy' };

function suffixOf(metric) {
  return Object.keys(scoreNames).find((suffix) => metric.endsWith(suffix)) ?? '';
}

/** "Popularity · boosted trees" for popularity_v2_r2; the classifier's scores say which one they are. */
export function metricLabel(metric) {
  const suffix = suffixOf(metric);
  const model = modelName(metric.slice(0, metric.length - suffix.length));
  return suffix === '_auc' || suffix === '_accuracy' ? `${model} · ${scoreNames[suffix]}` : model;
}

/** The kind's metrics in the order they first appear, v2 models first so that new work leads. */
function metricsOf(runs, kind) {
  const names = [...new Set(runs.flatMap((run) => Object.keys(run.metrics ?? {})))].filter((name) =>
    metricKinds[kind].suffixes.some((suffix) => name.endsWith(suffix)),
  );
  const isNew = (name) => /_v2_|^pre_release_/.test(name);
  return [...names.filter(isNew), ...names.filter((name) => !isNew(name))];
}

/** The alert of a run for a metric, or undefined. */
function alertFor(run, metric) {
  return (run.flagged ?? []).find((alert) => alert.metric === metric);
}

function runLabel(run) {
  const when = run.finished_at
    ? new Date(run.finished_at).toLocaleDateString(undefined, { day: 'numeric', month: 'short' })
    : '';
  return `#${run.run_id}${when ? ` · ${when}` : ''}`;
}

/** The metric's mean per run as a line, with a red cross where it got worse beyond the spread and a green triangle where it got better. */
function meanLine(runs, metric, colour) {
  const alerts = runs.map((run) => alertFor(run, metric));
  const marker = (alert, worse, better, otherwise) => (alert ? (alert.worse ? worse : better) : otherwise);
  return {
    label: metricLabel(metric),
    metric,
    data: runs.map((run) => run.metrics?.[metric]?.mean ?? null),
    borderColor: colour,
    backgroundColor: colour,
    pointStyle: alerts.map((alert) => marker(alert, 'crossRot', 'triangle', 'circle')),
    pointRadius: alerts.map((alert) => marker(alert, 9, 7, 3)),
    pointBorderWidth: alerts.map((alert) => marker(alert, 3, 2, 1)),
    pointBorderColor: alerts.map((alert) => marker(alert, palette.bad, palette.good, colour)),
    spanGaps: true,
    tension: 0,
    band: false,
  };
}

/** One edge of the metric's spread (mean ± std); the upper edge fills down to the lower one. */
function bandEdge(runs, metric, colour, sign) {
  return {
    label: `${metricLabel(metric)} ${sign > 0 ? '+' : '−'} std`,
    data: runs.map((run) => {
      const score = run.metrics?.[metric];
      return score ? score.mean + sign * score.std : null;
    }),
    borderColor: 'transparent',
    backgroundColor: `${colour}33`,
    pointRadius: 0,
    fill: sign > 0 ? '+1' : false,
    spanGaps: true,
    band: true,
  };
}

/**
 * Every run's cross-validated scores of one kind: each metric's mean as a line, its spread as a
 * band of the same colour, and the runs flagged for it marked.
 */
export function modelHistoryConfig(answer, kind) {
  const runs = answer.runs;
  const datasets = metricsOf(runs, kind).flatMap((metric, index) => {
    const colour = lineColours[index % lineColours.length];
    return [
      meanLine(runs, metric, colour),
      bandEdge(runs, metric, colour, 1),
      bandEdge(runs, metric, colour, -1),
    ];
  });
  return {
    type: 'line',
    data: { labels: runs.map(runLabel), datasets },
    options: {
      interaction: { mode: 'nearest', intersect: false },
      plugins: {
        legend: {
          labels: { filter: (item, data) => !data.datasets[item.datasetIndex].band },
          // A click on a metric's legend entry hides its band with it.
          onClick: (_event, item, legend) => {
            const chart = legend.chart;
            const visible = chart.isDatasetVisible(item.datasetIndex);
            for (let i = item.datasetIndex; i < item.datasetIndex + 3; i += 1) {
              chart.setDatasetVisibility(i, !visible);
            }
            chart.update();
          },
        },
        tooltip: {
          filter: (item) => !item.dataset.band,
          callbacks: {
            label: (item) => {
              const { metric, label } = item.dataset;
              const run = runs[item.dataIndex];
              const score = run.metrics?.[metric];
              const alert = alertFor(run, metric);
              const flag = alert
                ? ` · ${alert.worse ? 'worse' : 'better'} than the earlier runs’ spread`
                : '';
              return score ? `${label}: ${fixed(score.mean, 3)} ± ${fixed(score.std, 3)}${flag}` : label;
            },
          },
        },
      },
      scales: {
        x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 10 } },
        y: { title: axisTitle(metricKinds[kind].axis) },
      },
    },
  };
}

/** Whether any run has a score of this kind. */
export function hasKind(answer, kind) {
  return metricsOf(answer.runs, kind).length > 0;
}

/** "Outside the earlier runs’ spread: #12 Popularity · random forest R², worse." */
export function flaggedSentence(answer) {
  const flags = answer.runs.flatMap((run) =>
    (run.flagged ?? []).map((alert) =>
      `#${run.run_id} ${metricLabel(alert.metric)} ${scoreNames[suffixOf(alert.metric)] ?? ''} ${alert.worse ? 'worse' : 'better'}`.replace(
        /\s+/g,
        ' ',
      ),
    ),
  );
  if (flags.length === 0)
    return `${answer.runs.length} runs; none fell outside the spread of the runs before it.`;
  return `Outside the earlier runs’ spread: ${flags.join('; ')}.`;
}
